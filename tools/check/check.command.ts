/**
 * `npm test`: the type-check, oxlint, oxfmt, actionlint over the workflows, the unit tests
 * (coverage ≥ 95%) and `terraform validate` of every synthesized stack, run concurrently
 * (see checks.ts). Each check's output is printed as it ends; exit 1 when any check failed.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { answerCommandLine, runCommand } from '../core';
import { checkEnv, checkSteps, formatCheck, formatSummary, runChecks } from './checks';

const ROOT = resolve(__dirname, '..', '..');

async function main(): Promise<number> {
  const started = Date.now();
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
  const steps = checkSteps(scripts);
  const env = checkEnv(process.env, ROOT);
  // CHECK_CONCURRENCY overrides the slots (1 runs the checks one after the other).
  const limit = Number(process.env.CHECK_CONCURRENCY) || Math.max(2, availableParallelism());
  const names = steps.map((s) => s.name).join(', ');
  process.stdout.write(
    `npm test: ${names} (${limit} at a time, temporary files in ${env.TMPDIR})\n`,
  );
  const results = await runChecks(steps, {
    cwd: ROOT,
    env,
    limit,
    onDone: (result) => process.stdout.write(`\n${formatCheck(result)}`),
  });
  process.stdout.write(`\n${formatSummary(results, Date.now() - started)}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

const USAGE =
  'usage: npm test\n  Type-check, lint (oxlint, oxfmt), the unit tests with coverage >= 95%, terraform validate of\n  every stack and the cdktf/cdktn equivalence, as many at once as there are cores.';

const answered = answerCommandLine('npm test', USAGE, process.argv.slice(2));
if (answered !== undefined) process.exitCode = answered;
else void runCommand('npm test', main);
