/**
 * Is the run that holds the lock still alive? Terraform records `Who = user@host`. On
 * another host nothing here can tell, so the lock is never released from here. On this host
 * the run is alive when a run folder of the stack belongs to a process that still runs
 * (run.json pid), or when a `terraform` process works in one of the stack's folders
 * (Linux: /proc/<pid>/cwd and cmdline; elsewhere only the run folders can be checked).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import type { RunRecord } from '../deploy';
import type { LockInfo } from './lock';

/** A process as /proc shows it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly argv: readonly string[];
  /** Its working folder; undefined when it cannot be read (another user's process). */
  readonly cwd?: string;
}

/** The run folders of this host, as run.json records them. */
export interface RunOnDisk {
  readonly dir: string;
  readonly record: RunRecord;
}

/**
 * The `terraform` processes of this host (Linux /proc). Undefined where there is no /proc:
 * the caller then judges by the run folders alone.
 */
export function terraformProcesses(procRoot: string): ProcessInfo[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return undefined;
  }
  const found: ProcessInfo[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(join(procRoot, entry, 'cmdline'), 'utf8')
        .split('\0')
        .filter(Boolean);
    } catch {
      continue; // gone meanwhile
    }
    if (argv.length === 0 || basename(argv[0]) !== 'terraform') continue;
    let cwd: string | undefined;
    try {
      cwd = readlinkSync(join(procRoot, entry, 'cwd'));
    } catch {
      cwd = undefined;
    }
    found.push({ pid: Number(entry), argv, cwd });
  }
  return found;
}

/** `user@host` → its parts (the host is everything after the last `@`). */
export function parseWho(who: string): { user: string; host: string } {
  const at = who.lastIndexOf('@');
  return at < 0 ? { user: who, host: '' } : { user: who.slice(0, at), host: who.slice(at + 1) };
}

/** Whether `path` is `folder` or inside it. */
export function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** Whether a terraform working folder is this stack's: `…/stacks/<stack>` or below. */
export function isStackFolder(cwd: string, stack: string): boolean {
  const parts = cwd.split(sep);
  return parts.some((p, i) => p === 'stacks' && parts[i + 1] === stack);
}

export interface HolderContext {
  readonly stack: string;
  /** This machine's host name (os.hostname()). */
  readonly host: string;
  /** Every run folder of this checkout (AWS and emulator runs), this recover run excluded. */
  readonly runs: readonly RunOnDisk[];
  /** terraform processes of this host; undefined when they cannot be listed (no /proc). */
  readonly processes?: readonly ProcessInfo[];
  readonly alive: (pid: number) => boolean;
}

export type HolderVerdict =
  | { readonly kind: 'remote'; readonly host: string; readonly evidence: readonly string[] }
  | { readonly kind: 'alive'; readonly evidence: readonly string[] }
  | { readonly kind: 'gone'; readonly evidence: readonly string[] };

/** Judges whether the lock's holder still runs. */
export function judgeHolder(lock: LockInfo, ctx: HolderContext): HolderVerdict {
  const { user, host } = parseWho(lock.Who);
  if (host.toLowerCase() !== ctx.host.toLowerCase()) {
    return {
      kind: 'remote',
      host,
      evidence: [
        host
          ? `the lock was taken on ${host}, not on this machine (${ctx.host}): nothing here can tell whether that run still works.`
          : `the lock names no host (Who "${lock.Who}"): nothing here can tell whether that run still works.`,
        `Ask ${user || 'its owner'}${host ? ` on ${host}` : ''} (or look at the CI job that ran "${lock.Operation}" since ${lock.Created}) before anyone releases it.`,
      ],
    };
  }
  const stackRuns = ctx.runs.filter((r) => r.record.stack === ctx.stack);
  const evidence: string[] = [];
  for (const run of stackRuns) {
    if (run.record.host === ctx.host && ctx.alive(run.record.pid)) {
      evidence.push(
        `run ${run.record.id} (npm run ${run.record.command}, pid ${run.record.pid}, since ${run.record.startedAt}) is still running`,
      );
    }
  }
  for (const p of ctx.processes ?? []) {
    if (!p.cwd) continue;
    const inRun = stackRuns.some((r) => isInside(p.cwd!, r.dir));
    if (inRun || isStackFolder(p.cwd, ctx.stack)) {
      evidence.push(`terraform pid ${p.pid} (${p.argv.slice(1).join(' ')}) works in ${p.cwd}`);
    }
  }
  if (evidence.length > 0) return { kind: 'alive', evidence };
  const checked = [
    `${stackRuns.length} run folder(s) of ${ctx.stack} on ${ctx.host}: none of their processes runs`,
    ctx.processes === undefined
      ? 'terraform processes could not be listed here (no /proc): only the run folders were checked'
      : `${ctx.processes.length} terraform process(es) on this machine: none works on ${ctx.stack}`,
  ];
  return { kind: 'gone', evidence: checked };
}
