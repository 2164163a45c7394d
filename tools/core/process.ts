/**
 * Runs child processes for the tools (validate, e2e, deploy): output is captured (for parsing
 * and for the error message), appended to a log file, and optionally echoed. Every
 * running child is tracked so a signal handler can stop them all.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';

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
}

export interface RunResult {
  readonly code: number;
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
      `${command} exited with ${result.code}` +
        (logFile ? ` (full log: ${logFile})` : '') +
        `\n${tail(stripAnsi(result.stderr || result.stdout), 40)}`,
    );
    this.name = 'CommandError';
  }
}

const active = new Set<ChildProcess>();

/** Stops every child still running (signal handlers and final cleanup call this). */
export function killActiveChildren(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of active) {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

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
    });
    active.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let pending = '';
    const echo = (chunk: Buffer) => {
      if (options.echoPrefix === undefined) return;
      pending += stripAnsi(chunk.toString());
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
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
        code: code ?? 128,
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
