/**
 * Every run of plan, deploy, drift or recover works in a folder of its own: its synth
 * output, Terraform working folders, saved plan, review and logs. Nothing another command
 * does in the same checkout can change, delete or reuse them: a folder is created
 * exclusively under a unique name, and the only ones ever removed are those whose run
 * ended (its process is gone) more than a week ago. AWS runs live under
 * `cdktf.out/runs/`, emulator runs under `.sandbox/runs/` (never in the project's cdktf.out).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PROJECT_ROOT } from './project';

/** Kept in each run folder as run.json: who ran what, so `recover` can tell a live run. */
export interface RunRecord {
  readonly id: string;
  readonly command: string;
  readonly stack: string;
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

export interface RunFolder {
  readonly dir: string;
  readonly record: RunRecord;
  /** The app synthesizes here. */
  readonly outdir: string;
  readonly logDir: string;
  /** The saved plan, its JSON, the review and the manifest. */
  readonly planDir: string;
}

/** Runs older than this whose process has ended are removed when a new run starts. */
export const RUN_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** Where runs live: `.sandbox/runs` for emulator runs, `cdktf.out/runs` for AWS runs. */
export function runsRoot(emulator: boolean, root = PROJECT_ROOT): string {
  return emulator ? join(root, '.sandbox', 'runs') : join(root, 'cdktf.out', 'runs');
}

/** `20261207T101500-deploy-TapStackdev-4242-a1b2`: sortable by time, unique by pid and nonce. */
export function runId(
  command: string,
  stack: string,
  now: Date,
  pid: number,
  nonce: string,
): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '');
  return `${stamp}-${command}-${stack}-${pid}-${nonce}`;
}

/** Whether a process of this host is alive (signal 0 tests without sending anything). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A folder that cannot be written, named with the fix instead of a later ENOENT. */
export class NotWritableError extends Error {
  constructor(path: string, cause: NodeJS.ErrnoException) {
    super(
      `cannot create the run folder ${path}: ${cause.code ?? cause.message}. ` +
        "Make the folder above it writable (the commands keep each run's synth, plan and logs there), or run from a writable checkout.",
    );
    this.name = 'NotWritableError';
  }
}

export interface CreateRunOptions {
  readonly command: string;
  readonly stack: string;
  readonly emulator: boolean;
  /** @default PROJECT_ROOT */
  readonly root?: string;
  /** For tests. */
  readonly now?: Date;
  readonly pid?: number;
  readonly host?: string;
}

/** Creates the run's folder (exclusively: never one that exists) and its run.json. */
export function createRunFolder(options: CreateRunOptions): RunFolder {
  const base = runsRoot(options.emulator, options.root);
  const now = options.now ?? new Date();
  const pid = options.pid ?? process.pid;
  const id = runId(options.command, options.stack, now, pid, randomBytes(2).toString('hex'));
  const dir = join(base, id);
  try {
    mkdirSync(base, { recursive: true });
    mkdirSync(dir); // fails if it exists: no two runs share a folder
  } catch (error) {
    throw new NotWritableError(dir, error as NodeJS.ErrnoException);
  }
  const record: RunRecord = {
    id,
    command: options.command,
    stack: options.stack,
    pid,
    host: options.host ?? hostname(),
    startedAt: now.toISOString(),
  };
  writeFileSync(join(dir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  const folder: RunFolder = {
    dir,
    record,
    outdir: join(dir, 'cdktf.out'),
    logDir: join(dir, 'logs'),
    planDir: join(dir, 'plan'),
  };
  mkdirSync(folder.logDir);
  mkdirSync(folder.planDir);
  return folder;
}

/** The run records under `base`, newest first; unreadable folders are skipped. */
export function listRuns(base: string): { dir: string; record: RunRecord }[] {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return [];
  }
  const runs: { dir: string; record: RunRecord }[] = [];
  for (const name of names.sort().reverse()) {
    const dir = join(base, name);
    try {
      runs.push({ dir, record: JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) });
    } catch {
      // not a run folder, or one being created
    }
  }
  return runs;
}

/** A run is live when it was started on this host and its process still runs. */
export function isLive(
  record: RunRecord,
  host = hostname(),
  alive: (pid: number) => boolean = pidAlive,
): boolean {
  return record.host === host && alive(record.pid);
}

/**
 * Removes the folders of runs that ended (process gone, or started on another host) and
 * whose run.json is older than `retentionMs`. Returns the folders removed.
 */
export function pruneRuns(
  base: string,
  options: {
    readonly now?: Date;
    readonly retentionMs?: number;
    readonly host?: string;
    readonly alive?: (pid: number) => boolean;
  } = {},
): string[] {
  const now = (options.now ?? new Date()).getTime();
  const retention = options.retentionMs ?? RUN_RETENTION_MS;
  const removed: string[] = [];
  for (const { dir, record } of listRuns(base)) {
    const age = now - statSync(join(dir, 'run.json')).mtimeMs;
    if (age < retention || isLive(record, options.host, options.alive)) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
