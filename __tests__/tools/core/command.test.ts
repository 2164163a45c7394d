import { CommandProcess, runCommand } from '../../../tools/core/command';
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
