/**
 * Runs a command and measures its wall time and the peak resident memory of its whole
 * process tree (jest workers, the cdktf CLI's child app, …), sampled from /proc.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Sample } from './stats';

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Milliseconds between memory samples. @default 20 */
  readonly sampleEveryMs?: number;
}

export async function measure(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<Sample> {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let peakKiB = 0;
  const timer = setInterval(() => {
    peakKiB = Math.max(peakKiB, treeRssKiB(child.pid!));
  }, options.sampleEveryMs ?? 20);
  const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  clearInterval(timer);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`);
  }
  return { seconds, peakRssMiB: peakKiB / 1024 };
}

/** Sum of VmRSS over a process and all its descendants, in KiB (0 once it is gone). */
export function treeRssKiB(rootPid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      const kib = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const pid = Number(entry);
      rss.set(pid, kib);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // The process ended between listing and reading: it no longer holds memory.
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}
