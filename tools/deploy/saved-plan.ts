/**
 * `npm run deploy -- --plan <dir>`: applies a plan saved by `npm run plan -- --save <dir>`,
 * possibly in another job or another working copy, and only if it is still the plan that was
 * reviewed for this stack, account, region, commit and configuration (plan-artifact.ts).
 * Terraform adds its own check on apply: a plan whose state moved since is refused as stale.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PhaseTimer, Runner, StepOptions, terraformInit, terraformShow } from '../core';
import type { PreflightClientsFor } from '../preflight';
import { guardPlanFile, reviewPlan } from '../review';
import { gitCommit, PlannedStack, preflightStack } from './flow';
import {
  configHash,
  maxPlanAgeMs,
  PLAN_FILES,
  planArtifactProblems,
  PlanManifest,
  readPlanArtifact,
  sha256File,
  shortHash,
} from './plan-artifact';
import type { StackSelection } from './project';
import { stackOf, synth, SynthesizedStack } from './synth';
import type { Target } from './target';

export interface SavedPlanOptions {
  readonly timer: PhaseTimer;
  readonly target: Target;
  readonly selection: StackSelection;
  /** The folder `plan --save` wrote. */
  readonly dir: string;
  /** @default process.stdout */
  readonly write?: (text: string) => void;
  readonly runner?: Runner;
  /** @default the SDK clients of the target (Target.preflightClients) */
  readonly preflightClients?: PreflightClientsFor;
  readonly commit?: () => Promise<{ commit?: string; dirty?: boolean }>;
  readonly now?: () => Date;
  /** @default process.env (PLAN_MAX_AGE_HOURS) */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Checks a saved plan against this run and readies it for applyPlanned(); throws when it may not be applied. */
async function prepare(options: SavedPlanOptions): Promise<PlannedStack> {
  const { timer, target, selection } = options;
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const log = (name: string): StepOptions => ({
    logFile: join(target.logDir, `${name}.log`),
    runner: options.runner,
  });
  const artifact = await timer.run('read saved plan', async (note) => {
    const a = readPlanArtifact(options.dir);
    note(`${a.manifest.stack}, ${shortHash(a.manifest.planSha256)}, made ${a.manifest.createdAt}`);
    return a;
  });
  const synthesized = await timer.run('synth', async (note) => {
    const result = await synth(target.outdir, selection.env, log('synth'));
    note([...result.stacks.keys()].join(', '));
    return result;
  });
  const stack = stackOf(synthesized, selection.stackId);
  await timer.run('prepare stack', (note) =>
    target.prepare(synthesized, selection.stackId).then(note),
  );
  const accountId = await timer.run('preflight', async (note) => {
    const { outcome, accountId } = await preflightStack(
      selection,
      options.preflightClients ?? ((region, role) => target.preflightClients(region, role)),
      false,
    );
    write(`${outcome.text}\n`);
    note(`account ${accountId ?? 'unknown'}`);
    if (!outcome.passed)
      throw new Error('preflight failed; fix the FAIL rows above, then run again');
    return accountId;
  });
  const planFile = join(target.run.planDir, PLAN_FILES.plan);
  await timer.run('check saved plan', async (note) => {
    const { commit } = await (options.commit ?? (() => gitCommit(options.runner)))();
    const problems = planArtifactProblems(artifact.manifest, {
      stack: selection.stackId,
      accountId,
      region: selection.region,
      commit,
      configSha256: configHash(stack.dir),
      now: options.now?.() ?? new Date(),
      maxAgeMs: maxPlanAgeMs(options.env ?? process.env),
      planSha256: sha256File(artifact.planFile),
    });
    if (problems.length > 0) {
      throw new Error(
        `the saved plan in ${options.dir} may not be applied here:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      );
    }
    // Applied from this run's own folder: nothing outside it can change the file afterwards.
    copyFileSync(artifact.planFile, planFile);
    note(
      `same stack, account, region, commit and configuration; ${shortHash(artifact.manifest.planSha256)}`,
    );
  });
  await timer.run(`init ${stack.name}`, () =>
    terraformInit(stack.dir, target.env, log(`init-${stack.name}`)),
  );
  const planJson = await timer.run('read plan', () =>
    terraformShow(stack.dir, target.env, planFile, { runner: options.runner }),
  );
  return reviewSaved(artifact.manifest, stack, planFile, planJson, target, write);
}

/** The review and the guard's verdict of the plan itself (not of the JSON that came with it). */
function reviewSaved(
  manifest: PlanManifest,
  stack: SynthesizedStack,
  planFile: string,
  planJson: string,
  target: Target,
  write: (text: string) => void,
): PlannedStack {
  const allow = manifest.guardAllow;
  const review = reviewPlan(JSON.parse(readFileSync(planJson, 'utf8')), {
    stack: stack.name,
    guardAllow: allow,
    planSha256: manifest.planSha256,
  });
  const reviewFile = join(target.run.planDir, PLAN_FILES.review);
  writeFileSync(reviewFile, review.markdown);
  write(`\n${review.markdown}\n`);
  return {
    stack,
    planFile,
    planJson,
    planSha256: manifest.planSha256,
    review,
    reviewFile,
    manifest,
    verdict: guardPlanFile(planJson, { allow }),
  };
}

export const applySavedPlan = { prepare };
