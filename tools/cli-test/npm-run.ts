/**
 * The processes of `npm run test:cli`: `npm run <script> -- <args>` as a user types it, timed
 * from spawn to exit, and the checkout as the "nothing written" rule sees it. Run by the suite
 * itself (not the unit tests): it starts real processes.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { CheckoutSnapshot, ScriptRun } from './cli-rules';

export const ROOT = resolve(__dirname, '..', '..');

/** The folders the commands write into (all git-ignored), compared file by file. */
export const WATCHED = ['cdktf.out', '.sandbox', 'coverage', '.e2e'];

/** The project's scripts, read now from package.json: a new script is covered at once. */
export function projectScripts(): Record<string, string> {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
}

/**
 * The environment of every run: the caller's, with npm's update check off (npm's own chatter
 * on stderr, not the tool's).
 */
export function runEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, npm_config_update_notifier: 'false', ...extra };
}

/** Runs `npm run <script> -- <args>` in `cwd` (the project) to its end (killed after `timeoutMs`). */
export function npmRun(
  script: string,
  args: readonly string[],
  timeoutMs = 60_000,
  env: NodeJS.ProcessEnv = runEnv(),
  cwd = ROOT,
): Promise<ScriptRun> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('npm', ['run', script, '--', ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolvePromise({ code, signal, stdout, stderr, wallMs });
    });
  });
}

function filesUnder(dir: string, into: Record<string, number>): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, into);
    else into[relative(ROOT, path)] = statSync(path).mtimeMs;
  }
}

/** git's view of the checkout (ignored entries too, node_modules aside) and the watched files. */
export function snapshot(): CheckoutSnapshot {
  const git = spawnSync(
    'git',
    ['status', '--porcelain', '--untracked-files=all', '--ignored=matching'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (git.status !== 0) throw new Error(`git status failed: ${git.stderr}`);
  const status = git.stdout
    .split('\n')
    .filter((line) => line && !/^(\?\?|!!) node_modules\/?$/.test(line));
  const files: Record<string, number> = {};
  for (const dir of WATCHED) filesUnder(join(ROOT, dir), files);
  return { status, files };
}

/** A process by pid and start time (field 22 of /proc/<pid>/stat), so a reused pid is not it. */
export interface ProcessId {
  readonly pid: number;
  readonly ppid: number;
  readonly startTime: string;
  readonly command: string;
}

function stat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command may hold spaces and parentheses: the fields after it follow the last ')'.
    return [String(pid), ...text.slice(text.lastIndexOf(')') + 2).split(' ')];
  } catch {
    return undefined;
  }
}

/**
 * The floor under every script's time: `npm run` of a script that starts node and does nothing,
 * in a throwaway project (removed again). Measured beside the scripts, it tells a loaded machine
 * from a slow script.
 */
export async function npmFloor(runs: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cli-floor-'));
  try {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'floor', version: '0.0.0', scripts: { noop: "exec node -e ''" } }),
    );
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await npmRun('noop', [], 60_000, runEnv(), dir);
      if (run.code !== 0) throw new Error(`the floor script failed: ${run.stderr}`);
      times.push(run.wallMs);
    }
    return times;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every process below `root` now (children, their children, …). */
export function descendants(root: number): ProcessId[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = stat(Number(entry));
    if (fields) parentOf.set(Number(entry), Number(fields[2]));
  }
  const found: ProcessId[] = [];
  const below = (pid: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== pid) continue;
      const fields = stat(child);
      if (!fields) continue;
      let command = '';
      try {
        command = readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        // gone meanwhile
      }
      found.push({ pid: child, ppid: pid, startTime: fields[20], command });
      below(child);
    }
  };
  below(root);
  return found;
}

/** True while that very process (same pid, same start time) runs. */
export function stillRunning(p: ProcessId): boolean {
  const fields = stat(p.pid);
  return fields !== undefined && fields[20] === p.startTime && fields[1] !== 'Z';
}
