import { CommandProcess, runCommand } from '../../../tools/core/command';

/** A stand-in for `process` that records what the command did. */
function fakeProcess() {
  const handlers: Record<string, () => void> = {};
  const calls = { exits: [] as number[], stderr: '' };
  const proc: CommandProcess = {
    on: (event, listener) => (handlers[event] = listener),
    exit: (code) => void calls.exits.push(code),
    stderr: { write: (text: string) => (calls.stderr += text) },
  };
  return { proc, calls, handlers };
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

test('on Ctrl-C stops the children it started and exits 130', async () => {
  const { proc, calls, handlers } = fakeProcess();
  const stopped: string[] = [];
  let finish: (code: number) => void = () => undefined;
  const running = runCommand(
    'tool',
    () => new Promise((r) => (finish = r)),
    proc,
    (s) => {
      stopped.push(s);
    },
  );
  handlers.SIGINT();
  expect(stopped).toEqual(['SIGINT']);
  expect(calls.exits).toEqual([130]);
  finish(0);
  await running;
});
