/**
 * `npm test` runs its checks concurrently, as many at once as the machine has cores: the unit
 * tests (the longest) start first, then the type-check, `terraform validate` and each part
 * of the lint as slots free up, so the run takes about its CPU work divided by the cores
 * instead of the sum of the checks. Bounding the slots keeps a loaded machine from starving
 * the unit tests into their timeouts. The commands come from package.json, so every check
 * stays runnable alone (`npm run typecheck`, `npm run lint`, `npm run test:unit`,
 * `npm run validate`, `npm run lint:workflows`) and `npm test` can never drift from them.
 */
import { delimiter, join } from 'node:path';
import { CommandError, formatDuration, mapLimit, run, RunResult } from '../core';
import type { Runner } from '../core';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const scratch = require('./scratch.cjs') as typeof import('./scratch.cjs');

/** The package.json scripts `npm test` runs, in the order they start (longest first). */
export const CHECK_SCRIPTS = [
  'test:unit',
  'typecheck',
  // `npm run validate` and `npm run test:framework` in one process, sharing the cdktf synth.
  'test:synth',
  'lint',
  'lint:workflows',
] as const;

/**
 * The checks' environment: the caller's, with the project's node_modules/.bin first on PATH
 * and TMPDIR where scratch.cjs puts temporary files (in memory when the machine has room).
 */
export function checkEnv(
  env: Readonly<Record<string, string | undefined>>,
  root: string,
  scratchParent: typeof scratch.scratchParent = scratch.scratchParent,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  out.PATH = [join(root, 'node_modules', '.bin'), env.PATH].filter(Boolean).join(delimiter);
  out.TMPDIR = scratchParent({ env });
  return out;
}

export interface CheckStep {
  /** The script name; a script of several `&&` parts gives one step per part (`lint:oxlint`). */
  readonly name: string;
  /** The shell command. */
  readonly command: string;
}

/** The steps of `npm test`; throws when package.json lacks one of CHECK_SCRIPTS. */
export function checkSteps(scripts: Readonly<Record<string, string>>): CheckStep[] {
  return CHECK_SCRIPTS.flatMap((name) => {
    const command = scripts[name];
    if (!command?.trim()) {
      throw new Error(`package.json has no "${name}" script, which npm test runs`);
    }
    const parts = command.split(' && ').map((p) => p.trim());
    if (parts.length === 1) return [{ name, command }];
    return parts.map((part) => ({ name: `${name}:${part.split(/\s+/)[0]}`, command: part }));
  });
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly code: number;
  readonly durationMs: number;
  /** What the check printed (stdout, then stderr). */
  readonly output: string;
}

export type { Runner };

export interface RunChecksOptions {
  readonly cwd: string;
  readonly env: Record<string, string>;
  /** How many checks run at once. @default all of them */
  readonly limit?: number;
  /** Called as each check ends, for printing its output at once. */
  readonly onDone?: (result: CheckResult) => void;
  /** @default run() of tools/core */
  readonly runner?: Runner;
}

function outputOf(result: Pick<RunResult, 'stdout' | 'stderr'>): string {
  return [result.stdout, result.stderr]
    .map((s) => s.trimEnd())
    .filter(Boolean)
    .join('\n');
}

async function runStep(step: CheckStep, options: RunChecksOptions): Promise<CheckResult> {
  const started = Date.now();
  const runner = options.runner ?? run;
  try {
    const r = await runner('sh', ['-c', step.command], { cwd: options.cwd, env: options.env });
    return { name: step.name, ok: true, code: 0, durationMs: r.durationMs, output: outputOf(r) };
  } catch (error) {
    const durationMs = Date.now() - started;
    if (error instanceof CommandError) {
      const r = error.result;
      return { name: step.name, ok: false, code: r.code, durationMs, output: outputOf(r) };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { name: step.name, ok: false, code: 1, durationMs, output: message };
  }
}

/** Runs the steps, `limit` at a time in their order; resolves with the results in that order. */
export function runChecks(
  steps: readonly CheckStep[],
  options: RunChecksOptions,
): Promise<CheckResult[]> {
  return mapLimit(steps, options.limit ?? steps.length, async (step) => {
    const result = await runStep(step, options);
    options.onDone?.(result);
    return result;
  });
}

/** One check's block: a heading with its verdict and time, then its output. */
export function formatCheck(result: CheckResult): string {
  const verdict = result.ok ? 'ok' : `FAILED (exit ${result.code})`;
  const heading = `── ${result.name}: ${verdict} in ${formatDuration(result.durationMs)}`;
  return result.output ? `${heading}\n${result.output}\n` : `${heading}\n`;
}

/** The closing table: every check, its verdict and time, then the result line. */
export function formatSummary(results: readonly CheckResult[], totalMs: number): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = results.map(
    (r) =>
      `  ${r.name.padEnd(width)}  ${(r.ok ? 'ok' : 'FAILED').padEnd(6)}  ${formatDuration(r.durationMs)}`,
  );
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  const verdict = failed.length === 0 ? 'passed' : `FAILED (${failed.join(', ')})`;
  return ['npm test:', ...lines, `Result: ${verdict} in ${formatDuration(totalMs)}`].join('\n');
}
