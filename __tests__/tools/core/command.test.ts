import {
  answerCommandLine,
  CommandProcess,
  noArguments,
  runCommand,
  unexpectedArgument,
  usageError,
} from '../../../tools/core/command';
import type { InterruptChildren } from '../../../tools/core/interrupts';

/** A stand-in for `process` that records what the command did. */
function fakeProcess() {
  const handlers: Record<string, () => void> = {};
  const calls = { exits: [] as number[], stderr: '' };
  const proc: CommandProcess = {
    on: (event, listener) => (handlers[event] = listener),
    removeListener: (event) => delete handlers[event],
    exit: (code) => void calls.exits.push(code),
    stderr: { write: (text: string) => (calls.stderr += text) },
  };
  return { proc, calls, handlers };
}

/** Children that record the signals they get; `running` children until the test ends them. */
function fakeChildren(running: number) {
  const log: string[] = [];
  const children: InterruptChildren & { running: () => number } = {
    forward: () => {
      log.push('forward');
      return running;
    },
    running: () => running,
    kill: () => void log.push('kill'),
  };
  return { children, log, end: () => (running = 0) };
}

test('exits with the code main returns', async () => {
  const { proc, calls } = fakeProcess();
  await runCommand('tool', async () => 3, proc);
  expect(calls).toEqual({ exits: [3], stderr: '' });
});

test('prints the name and the message, and exits 1, when main throws', async () => {
  const { proc, calls } = fakeProcess();
  await runCommand('test:unit', () => Promise.reject(new Error('no coverage file')), proc);
  expect(calls).toEqual({ exits: [1], stderr: 'test:unit: no coverage file\n' });
  const other = fakeProcess();
  await runCommand('tool', () => Promise.reject('plain'), other.proc);
  expect(other.calls.stderr).toBe('tool: plain\n');
});

test('on Ctrl-C forwards the interrupt once to its children and exits 130 when they are gone', async () => {
  const { proc, calls, handlers } = fakeProcess();
  const { children, log } = fakeChildren(2);
  let finish: (code: number) => void = () => undefined;
  const running = runCommand('tool', () => new Promise((r) => (finish = r)), proc, children);
  handlers.SIGINT();
  expect(log).toEqual(['forward']);
  // Not at once: the children stop first, then main returns.
  expect(calls.exits).toEqual([]);
  finish(1);
  await running;
  expect(calls.exits).toEqual([130]);
  expect(calls.stderr).toMatch(/^\nSIGINT received: asking the 2 running commands to stop safely/);
});

test('SIGTERM from a CI system that cancels the job ends with 143', async () => {
  const { proc, calls, handlers } = fakeProcess();
  const { children } = fakeChildren(1);
  let finish: (code: number) => void = () => undefined;
  const running = runCommand('tool', () => new Promise((r) => (finish = r)), proc, children);
  handlers.SIGTERM();
  finish(0);
  await running;
  expect(calls.exits).toEqual([143]);
});

describe('answerCommandLine', () => {
  const USAGE = 'usage: npm run tool [-- --fast]\n  Does the job.';

  function output() {
    const printed = { stdout: '', stderr: '' };
    const out = {
      stdout: { write: (text: string) => (printed.stdout += text) },
      stderr: { write: (text: string) => (printed.stderr += text) },
    };
    return { printed, out };
  }

  test('--help or -h anywhere prints the usage on stdout only and gives 0', () => {
    for (const argv of [['--help'], ['-h'], ['--fast', '--help'], ['--bogus', '-h']]) {
      const { printed, out } = output();
      expect(answerCommandLine('tool', USAGE, argv, noArguments, out)).toBe(0);
      expect(printed).toEqual({ stdout: `${USAGE}\n`, stderr: '' });
    }
  });

  test('a problem prints the name, the problem and the usage once on stderr and gives 2', () => {
    const { printed, out } = output();
    expect(answerCommandLine('tool', USAGE, ['--bogus'], undefined, out)).toBe(2);
    expect(printed).toEqual({ stdout: '', stderr: `tool: unknown option --bogus\n${USAGE}\n` });
  });

  test('goes on (undefined), printing nothing, when the check finds nothing', () => {
    const { printed, out } = output();
    const fastOnly = (argv: readonly string[]) =>
      argv.filter((a) => a !== '--fast').map(unexpectedArgument)[0];
    expect(answerCommandLine('tool', USAGE, ['--fast'], fastOnly, out)).toBeUndefined();
    expect(answerCommandLine('tool', USAGE, [], undefined, out)).toBeUndefined();
    expect(printed).toEqual({ stdout: '', stderr: '' });
    expect(answerCommandLine('tool', USAGE, ['--fast', 'x'], fastOnly, out)).toBe(2);
    expect(printed.stderr).toBe(`tool: unexpected argument x\n${USAGE}\n`);
  });

  test('names an option as an option and anything else as an argument', () => {
    expect(unexpectedArgument('--x')).toBe('unknown option --x');
    expect(unexpectedArgument('-x')).toBe('unknown option -x');
    expect(unexpectedArgument('x')).toBe('unexpected argument x');
    expect(noArguments([])).toBeUndefined();
    expect(noArguments(['a', '--b'])).toBe('unexpected argument a');
  });

  test('prints a usage that ends in a newline with exactly one', () => {
    expect(usageError('tool', 'bad', 'usage: x\n')).toBe('tool: bad\nusage: x\n');
  });
});
