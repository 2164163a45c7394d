/**
 * `npm run test:cli`: an interrupt reaches the tool through npm and the tool cleans up.
 *
 * - SIGINT to the `npm run` process alone (what a CI runner or `kill -INT <npm pid>` sends):
 *   npm forwards it to its child, which is the tool itself because every script `exec`s it
 *   (without `exec`, `sh -c` sits in between and Debian's dash keeps the signal: measured).
 *   `npm run sandbox`, stopped mid-deploy, stops its children safely, removes its emulator and
 *   run folder, says so, and exits 130.
 * - Ctrl-C at a terminal (SIGINT to npm's whole process group): the tool gets it twice, from the
 *   terminal and from npm, and counts it once (core/interrupts.ts): `npm run validate` stops
 *   with one interrupt message and exits 130.
 *
 * Needs what the commands need: Terraform, the provider (TF_PROVIDER_MIRROR here) and moto.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkoutChanges } from './cli-rules';
import { descendants, ProcessId, ROOT, runEnv, snapshot, stillRunning } from './npm-run';

/** How long a stopped command may take from the signal to its exit. */
const STOP_BUDGET_MS = 30_000;
/** How long the command may take to reach the point where it is interrupted. */
const START_BUDGET_MS = 180_000;

jest.setTimeout(START_BUDGET_MS + STOP_BUDGET_MS + 30_000);

interface Started {
  readonly pid: number;
  readonly output: { stdout: string; stderr: string };
  /** Resolves when stdout matches `pattern`; rejects after `timeoutMs` or at exit. */
  readonly waitFor: (pattern: RegExp, timeoutMs: number) => Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** The exit, or a failure naming what ran when it did not come within `ms`. */
  readonly exitWithin: (
    ms: number,
  ) => Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Every process seen below npm while it ran (sampled every 200 ms). */
  readonly seen: () => ProcessId[];
  /** Resolves when a process below npm has a command line matching `pattern`. */
  readonly waitForProcess: (pattern: RegExp, timeoutMs: number) => Promise<ProcessId>;
}

/** Starts `npm run <script>` as the leader of a process group of its own (as a shell job is). */
function startScript(script: string, env: Record<string, string> = {}): Started {
  const child = spawn('npm', ['run', script], {
    cwd: ROOT,
    env: runEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output = { stdout: '', stderr: '' };
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
    for (const w of waiters) if (w.pattern.test(output.stdout)) w.resolve();
  });
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const seen = new Map<string, ProcessId>();
  const sample = () => {
    for (const p of descendants(child.pid!)) seen.set(`${p.pid}:${p.startTime}`, p);
  };
  const sampler = setInterval(sample, 200);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) =>
      child.on('close', (code, signal) => {
        clearInterval(sampler);
        resolve({ code, signal, at: Date.now() });
      }),
  );
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(output.stdout)) return resolve();
      const timer = setTimeout(
        () =>
          reject(
            new Error(`no ${pattern} after ${timeoutMs} ms:\n${output.stdout}\n${output.stderr}`),
          ),
        timeoutMs,
      );
      waiters.push({
        pattern,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`exited before ${pattern}:\n${output.stdout}\n${output.stderr}`));
      });
    });
  const waitForProcess = async (pattern: RegExp, timeoutMs: number): Promise<ProcessId> => {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void exited.then(() => (ended = true));
    while (!ended && Date.now() < deadline) {
      const found = descendants(child.pid!).find((p) => pattern.test(p.command));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `no process ${pattern} below npm ${ended ? 'before it exited' : `after ${timeoutMs} ms`}:\n${output.stdout}\n${output.stderr}`,
    );
  };
  const exitWithin = (ms: number) =>
    Promise.race([
      exited,
      new Promise<never>((_, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `still running ${ms} ms after the signal: ${descendants(child.pid!)
                  .map((p) => p.command)
                  .join(' | ')}\n${output.stdout}\n${output.stderr}`,
              ),
            ),
          ms,
        );
        void exited.then(() => clearTimeout(timer));
      }),
    ]);
  return {
    pid: child.pid!,
    output,
    waitFor,
    exited,
    exitWithin,
    seen: () => {
      sample();
      return [...seen.values()];
    },
    waitForProcess,
  };
}

/** Kills what a failed test left behind: only processes this test started (below its npm). */
function killLeftovers(started: Started): void {
  for (const p of started.seen()) {
    if (stillRunning(p)) process.kill(p.pid, 'SIGKILL');
  }
  try {
    process.kill(-started.pid, 'SIGKILL');
  } catch {
    // the group is gone
  }
}

const sandboxRuns = () =>
  existsSync(join(ROOT, '.sandbox', 'runs')) ? readdirSync(join(ROOT, '.sandbox', 'runs')) : [];

const count = (text: string, pattern: RegExp) =>
  text.match(new RegExp(pattern, `${pattern.flags}g`))?.length ?? 0;

test('SIGINT to the npm process of `npm run sandbox` mid-deploy: the tool stops safely, removes what it made, exits 130', async () => {
  const runsBefore = sandboxRuns();
  const sandbox = startScript('sandbox');
  try {
    // Past synth, in the state bootstrap: terraform (init, plan or apply) is running.
    await sandbox.waitFor(/^<== synth: ok/m, START_BUDGET_MS);
    const terraform = await sandbox.waitForProcess(
      /^terraform (init|plan|apply)\b/,
      START_BUDGET_MS,
    );
    const running = sandbox.seen();
    const signalled = Date.now();
    process.kill(sandbox.pid, 'SIGINT');
    const { code, signal, at } = await sandbox.exitWithin(STOP_BUDGET_MS);
    const stopMs = at - signalled;
    process.stdout.write(
      `\nnpm run sandbox: SIGINT to npm (pid ${sandbox.pid}) during \`${terraform.command.split(' ').slice(0, 2).join(' ')}\`, ` +
        `exit ${code} after ${(stopMs / 1000).toFixed(1)} s; ${running.length} processes were below npm\n`,
    );
    const { stdout, stderr } = sandbox.output;
    expect({ code, signal }).toEqual({ code: 130, signal: null });
    expect(stopMs).toBeLessThan(STOP_BUDGET_MS);
    expect(count(stderr, /SIGINT received/)).toBe(1);
    expect(stderr).not.toMatch(/Still stopping safely|Forced/);
    expect(stdout).toContain('Sandbox stopped (SIGINT): emulator killed, its run folder removed.');
    // npm's only child is the tool itself (exec: no shell in between to keep the signal).
    const npmChildren = running.filter((p) => p.ppid === sandbox.pid).map((p) => p.command);
    expect(npmChildren).toEqual([
      expect.stringMatching(/^node --require tsx\/cjs tools\/sandbox\/sandbox\.command\.ts$/),
    ]);
    expect(sandbox.seen().filter(stillRunning)).toEqual([]);
    expect(sandboxRuns()).toEqual(runsBefore);
  } finally {
    killLeftovers(sandbox);
  }
});

test('Ctrl-C at a terminal (SIGINT to the whole process group) on `npm run validate` counts once and exits 130', async () => {
  const before = snapshot();
  // Without the cache every stack goes to terraform: it is running when the signal comes.
  const validate = startScript('validate', { VALIDATE_NO_CACHE: '1' });
  try {
    await validate.waitFor(/^validate: \d+ stacks synthesized/m, START_BUDGET_MS);
    await validate.waitForProcess(/^terraform (init|validate)\b/, START_BUDGET_MS);
    const signalled = Date.now();
    process.kill(-validate.pid, 'SIGINT');
    const { code, signal, at } = await validate.exitWithin(STOP_BUDGET_MS);
    const stopMs = at - signalled;
    process.stdout.write(
      `\nnpm run validate: SIGINT to the process group, exit ${code} after ${(stopMs / 1000).toFixed(1)} s\n`,
    );
    const { stderr } = validate.output;
    expect({ code, signal }).toEqual({ code: 130, signal: null });
    // The signal found terraform running: the tool forwarded it and waited for it.
    expect(stderr).toMatch(/SIGINT received: asking the running command to stop safely/);
    expect(stopMs).toBeLessThan(STOP_BUDGET_MS);
    // One Ctrl-C, delivered twice (terminal and npm), is one interrupt.
    expect(count(stderr, /SIGINT received/)).toBe(1);
    expect(stderr).not.toMatch(/Still stopping safely|Forced/);
    expect(validate.seen().filter(stillRunning)).toEqual([]);
    expect(checkoutChanges(before, snapshot())).toEqual([]);
  } finally {
    killLeftovers(validate);
  }
});
