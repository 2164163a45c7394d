/**
 * Runs child processes for the tools (validate, e2e, deploy): output is captured (for parsing
 * and for the error message), appended to a log file, and optionally echoed. Each child runs
 * in a process group of its own, so a Ctrl-C in the terminal reaches only the tool, which
 * forwards it once (core/interrupts.ts): terraform must see one SIGINT, never two. Every
 * running child is tracked for that.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Appends the command line and its output here. */
  readonly logFile?: string;
  /** Echo output lines to our stdout with this prefix. @default no echo */
  readonly echoPrefix?: string;
  /** Echo only lines matching this. @default every line */
  readonly echoFilter?: RegExp;
  /** Exit codes that count as success. @default [0] */
  readonly okCodes?: readonly number[];
  /** Kill the child after this long. @default none */
  readonly timeoutMs?: number;
  /**
   * The signal an interrupt forwards to this child. Terraform stops safely on SIGINT
   * (state written, lock released). @default SIGINT for `terraform`, else SIGTERM
   */
  readonly stopSignal?: NodeJS.Signals;
  /** Called with each output line (ANSI stripped) and the child's pid, e.g. to interrupt it on cue. */
  readonly onLine?: (line: string, pid: number) => void;
}

export interface RunResult {
  readonly code: number;
  /** The signal that ended the child, when one did (code is then 128 + its number). */
  readonly signal?: NodeJS.Signals;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
    readonly logFile?: string,
  ) {
    super(
      `${command} ${describeExit(result)}` +
        (logFile ? ` (full log: ${logFile})` : '') +
        `\n${tail(stripAnsi(result.stderr || result.stdout), 40)}`,
    );
    this.name = 'CommandError';
  }
}

/** `exited with 1`, or `was stopped by SIGINT (interrupted)` when a signal ended it. */
export function describeExit(result: Pick<RunResult, 'code' | 'signal'>): string {
  if (!result.signal) return `exited with ${result.code}`;
  const why: Partial<Record<NodeJS.Signals, string>> = {
    SIGINT: 'interrupted',
    SIGTERM: 'asked to stop',
    SIGKILL: 'killed',
  };
  return `was stopped by ${result.signal}${why[result.signal] ? ` (${why[result.signal]})` : ''}`;
}

interface Running {
  readonly stopSignal: NodeJS.Signals;
  forwarded: boolean;
}

const active = new Map<ChildProcess, Running>();

function sendSignal(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    child.kill(sig);
  } catch {
    // already gone
  }
}

/** Stops every child still running (final cleanup calls this). */
export function killActiveChildren(sig: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of active.keys()) sendSignal(child, sig);
}

/** The running children, as an interrupt reaches them (core/interrupts.ts). */
export const runningChildren = {
  /** Each child gets its stop signal once; returns how many are running. */
  forward(): number {
    for (const [child, state] of active) {
      if (state.forwarded) continue;
      state.forwarded = true;
      sendSignal(child, state.stopSignal);
    }
    return active.size;
  },
  running: (): number => active.size,
  kill: (): void => killActiveChildren('SIGKILL'),
};

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

export function tail(text: string, lines: number): string {
  const all = text.trimEnd().split('\n');
  return all.slice(Math.max(0, all.length - lines)).join('\n');
}

export function quote(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

export function run(
  cmd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const commandLine = quote(cmd, args);
  const started = Date.now();
  const log = options.logFile ? fs.openSync(options.logFile, 'a') : undefined;
  if (log !== undefined)
    fs.writeSync(log, `\n$ ${commandLine}   (cwd ${options.cwd ?? process.cwd()})\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args as string[], {
      cwd: options.cwd,
      env: options.env ?? (process.env as Record<string, string>),
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own: the terminal's Ctrl-C reaches the tool, which forwards it.
      detached: true,
    });
    active.set(child, {
      stopSignal: options.stopSignal ?? (cmd === 'terraform' ? 'SIGINT' : 'SIGTERM'),
      forwarded: false,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let pending = '';
    const echo = (chunk: Buffer) => {
      if (options.echoPrefix === undefined && options.onLine === undefined) return;
      pending += stripAnsi(chunk.toString());
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        options.onLine?.(line, child.pid!);
        if (options.echoPrefix === undefined) continue;
        if (!line.trim() || (options.echoFilter && !options.echoFilter.test(line))) continue;
        process.stdout.write(`${options.echoPrefix}${line}\n`);
      }
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      out.push(chunk);
      if (log !== undefined) fs.writeSync(log, chunk);
      echo(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      err.push(chunk);
      if (log !== undefined) fs.writeSync(log, chunk);
      echo(chunk);
    });
    const timer =
      options.timeoutMs !== undefined
        ? setTimeout(() => {
            if (log !== undefined) fs.writeSync(log, `\n[killed after ${options.timeoutMs} ms]\n`);
            child.kill('SIGTERM');
          }, options.timeoutMs)
        : undefined;
    child.on('error', (error) => {
      active.delete(child);
      if (timer) clearTimeout(timer);
      if (log !== undefined) fs.closeSync(log);
      reject(new Error(`cannot start ${cmd}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      active.delete(child);
      if (timer) clearTimeout(timer);
      if (log !== undefined) {
        fs.writeSync(log, `[exit ${code ?? signal}]\n`);
        fs.closeSync(log);
      }
      const result: RunResult = {
        code: code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0),
        ...(signal ? { signal } : {}),
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        durationMs: Date.now() - started,
      };
      if ((options.okCodes ?? [0]).includes(result.code)) resolve(result);
      else reject(new CommandError(commandLine, result, options.logFile));
    });
  });
}

/** Runs `fn` over items with at most `limit` at once, preserving order of results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
