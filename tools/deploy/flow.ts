/**
 * The shared flow: synth → prepare target → preflight → init → plan → review, then apply
 * exactly that plan. Every run works in its own folder (run-folder.ts); the review names the
 * saved plan by its sha256, and the apply checks the file again just before it starts.
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  CommandError,
  formatDuration,
  PhaseError,
  PhaseTimer,
  readOutputs,
  run,
  Runner,
  StackOutputs,
  StepOptions,
  terraformApply,
  terraformInit,
  terraformPlan,
} from '../core';
import {
  BASELINE_ROLE_SETTINGS,
  checkIdentity,
  preflight,
  PreflightClientsFor,
  PreflightOutcome,
} from '../preflight';
import { guardPlanFile, PlanGuardVerdict, PlanReview, writeReview } from '../review';
import {
  configHash,
  PLAN_FILES,
  PlanManifest,
  savePlanArtifact,
  sha256File,
  shortHash,
} from './plan-artifact';
import { deployRoleOf, PROJECT_ROOT, StackSelection } from './project';
import { stackOf, synth, SynthesizedStack } from './synth';
import type { Target } from './target';

export interface PlanFlowOptions {
  readonly timer: PhaseTimer;
  readonly target: Target;
  readonly selection: StackSelection;
  readonly strict?: boolean;
  /** Guard overrides, shown in the review. */
  readonly allow?: readonly string[];
  /** Also write the review here. */
  readonly reviewFile?: string;
  /** Keep the plan, its JSON, the review and the manifest here (`plan --save`). */
  readonly saveDir?: string;
  /** @default process.stdout */
  readonly write?: (text: string) => void;
  readonly runner?: Runner;
  /** @default the SDK clients of the target (Target.preflightClients) */
  readonly preflightClients?: PreflightClientsFor;
  /** The commit of the checkout (`git rev-parse HEAD`), for the manifest. @default read with git */
  readonly commit?: () => Promise<{ commit?: string; dirty?: boolean }>;
  /** @default new Date() */
  readonly now?: () => Date;
}

export interface PlannedStack {
  readonly stack: SynthesizedStack;
  readonly planFile: string;
  readonly planJson: string;
  /** sha256 of the saved plan file, as the review names it. */
  readonly planSha256: string;
  readonly review: PlanReview;
  /** The review in the run's folder. */
  readonly reviewFile: string;
  readonly manifest: PlanManifest;
  /** The plan guard's verdict with the operator's overrides. */
  readonly verdict: PlanGuardVerdict;
}

/** The commit of a checkout and whether it has changes; none outside git. */
export async function gitCommit(
  runner: Runner | undefined,
  cwd = PROJECT_ROOT,
): Promise<{ commit?: string; dirty?: boolean }> {
  const exec = runner ?? run;
  try {
    const head = await exec('git', ['rev-parse', 'HEAD'], { cwd });
    const status = await exec('git', ['status', '--porcelain', '--untracked-files=no'], { cwd });
    return { commit: head.stdout.trim(), dirty: status.stdout.trim().length > 0 };
  } catch {
    return {};
  }
}

/**
 * Preflight of the selected stack: the platform's checks for an environment; for the
 * baseline and the bootstrap, who the credentials are. The clients act as the stack's
 * provider does: through the environment's deploy role (DEPLOY_ROLE_ARN) or the baseline's
 * (BASELINE_DEPLOY_ROLE_ARN) when set; the bootstrap with the caller's own credentials.
 * Returns the account STS answered: the account the stack deploys into.
 */
export async function preflightStack(
  selection: StackSelection,
  clientsFor: PreflightClientsFor,
  strict: boolean,
): Promise<{ outcome: PreflightOutcome; accountId?: string }> {
  if (selection.kind === 'platform') {
    const outcome = await preflight([selection.config], { strict, clientsFor });
    return { outcome, accountId: outcome.reports[0]?.accountId };
  }
  const { result, accountId } = await checkIdentity(
    { region: selection.region },
    clientsFor(selection.region, deployRoleOf(selection)).sts,
    BASELINE_ROLE_SETTINGS,
  );
  const pass = result.status === 'pass';
  const fail = result.status === 'fail';
  const outcome: PreflightOutcome = {
    reports: [
      { environment: selection.stackId, region: selection.region, accountId, results: [result] },
    ],
    counts: { pass: pass ? 1 : 0, fail: fail ? 1 : 0, notVerified: pass || fail ? 0 : 1 },
    passed: pass || (!fail && !strict),
    text: `${selection.stackId} (${selection.region}): ${result.status.toUpperCase()} ${result.name}: ${result.detail}${result.fix ? `\n  fix: ${result.fix}` : ''}`,
  };
  return { outcome, accountId };
}

/** Runs the phases every plan and deploy share; throws (as PhaseError) on the first failure. */
export async function planStack(options: PlanFlowOptions): Promise<PlannedStack> {
  const { timer, target, selection } = options;
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const log = (name: string): StepOptions => ({
    logFile: join(target.logDir, `${name}.log`),
    runner: options.runner,
  });

  const synthesized = await timer.run('synth', async (note) => {
    const result = await synth(target.outdir, selection.env, log('synth'));
    stackOf(result, selection.stackId);
    note([...result.stacks.keys()].join(', '));
    return result;
  });
  const stack = stackOf(synthesized, selection.stackId);

  await timer.run(
    target.kind === 'emulator' ? 'bootstrap state (emulator)' : 'prepare stack',
    (note) => target.prepare(synthesized, selection.stackId).then(note),
  );

  const accountId = await timer.run('preflight', async (note) => {
    const { outcome, accountId } = await preflightStack(
      selection,
      options.preflightClients ?? ((region, role) => target.preflightClients(region, role)),
      options.strict ?? false,
    );
    write(`${outcome.text}\n`);
    const c = outcome.counts;
    note(`${c.pass} passed, ${c.fail} failed, ${c.notVerified} not verified`);
    if (!outcome.passed) {
      throw new Error(
        c.fail > 0
          ? `preflight: ${c.fail} check(s) failed; fix the FAIL rows above, then run again`
          : `preflight --strict: ${c.notVerified} check(s) could not be verified on this target`,
      );
    }
    return accountId;
  });

  await timer.run(`init ${stack.name}`, () =>
    terraformInit(stack.dir, target.env, log(`init-${stack.name}`)),
  );

  const planFile = join(target.run.planDir, PLAN_FILES.plan);
  const planJson = await timer.run(`plan ${stack.name}`, async (note) => {
    const json = await terraformPlan(stack.dir, target.env, planFile, {
      ...log(`plan-${stack.name}`),
      echoPrefix: `    [${stack.name}] `,
    });
    note(relative(PROJECT_ROOT, json));
    return json;
  });

  const planSha256 = sha256File(planFile);
  const reviewFile = join(target.run.planDir, PLAN_FILES.review);
  const allow = options.allow ?? [];
  const review = await timer.run('plan review', (note) => {
    const r = writeReview(planJson, reviewFile, {
      stack: stack.name,
      stackDir: stack.dir,
      guardAllow: allow,
      planSha256,
    });
    if (options.reviewFile) writeFileSync(options.reviewFile, r.markdown);
    const c = r.counts;
    note(
      `${c.create} create, ${c.update} update, ${c.replace} replace, ${c.delete} delete; plan ${shortHash(planSha256)} → ${relative(process.cwd(), reviewFile)}`,
    );
    return r;
  });
  write(`\n${review.markdown}\n`);

  const manifest = await recordPlan(
    options,
    stack,
    { planFile, planJson, reviewFile },
    {
      accountId,
      planSha256,
    },
  );
  const verdict = guardPlanFile(planJson, { allow });
  return { stack, planFile, planJson, planSha256, review, reviewFile, manifest, verdict };
}

/** Writes the plan's manifest into the run folder, and the whole saved plan to `--save`. */
async function recordPlan(
  options: PlanFlowOptions,
  stack: SynthesizedStack,
  files: { readonly planFile: string; readonly planJson: string; readonly reviewFile: string },
  known: { readonly accountId?: string; readonly planSha256: string },
): Promise<PlanManifest> {
  const { selection, target } = options;
  const { commit, dirty } = await (options.commit ?? (() => gitCommit(options.runner)))();
  const manifest: PlanManifest = {
    version: 1,
    stack: stack.name,
    kind: selection.kind,
    ...(selection.kind === 'platform' ? { environment: selection.config.environment } : {}),
    ...(known.accountId ? { accountId: known.accountId } : {}),
    region: selection.region,
    ...(commit ? { commit, dirty } : {}),
    planSha256: known.planSha256,
    configSha256: configHash(stack.dir),
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    guardAllow: options.allow ?? [],
  };
  writeFileSync(
    join(target.run.planDir, PLAN_FILES.manifest),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  if (options.saveDir) savePlanArtifact(options.saveDir, files, manifest);
  return manifest;
}

/**
 * Applies the saved plan and reads the outputs, as two phases. The plan file is hashed again
 * first: what is applied is byte for byte what the review described.
 */
export async function applyPlanned(
  timer: PhaseTimer,
  target: Target,
  planned: Pick<PlannedStack, 'stack' | 'planFile' | 'planSha256' | 'review'>,
  runner?: Runner,
): Promise<StackOutputs> {
  const { stack } = planned;
  await timer.run(`apply ${stack.name}`, async (note) => {
    const now = sha256File(planned.planFile);
    if (now !== planned.planSha256) {
      throw new Error(
        `the plan file is not the one reviewed (${shortHash(now)}, reviewed ${shortHash(planned.planSha256)}): nothing was applied`,
      );
    }
    await terraformApply(stack.dir, target.env, planned.planFile, {
      logFile: join(target.logDir, `apply-${stack.name}.log`),
      echoPrefix: `    [${stack.name}] `,
      runner,
    });
    const c = planned.review.counts;
    note(
      `${c.create} created, ${c.update} updated, ${c.replace} replaced, ${c.delete} deleted (plan ${shortHash(now)})`,
    );
  });
  return timer.run('outputs', async (note) => {
    const outputs = await readOutputs(stack.dir, target.env, { runner });
    note(
      `${Object.keys(outputs.values).length} outputs, ${outputs.sensitive.length} sensitive not shown`,
    );
    return outputs;
  });
}

/** The message for a failed run: the phase, the cause, and the log to read. */
export function describeFailure(command: string, error: unknown): string {
  const phase = error instanceof PhaseError ? error.phase : 'setup';
  const cause = error instanceof PhaseError ? error.cause : error;
  const lines = [
    `${command} FAILED in phase "${phase}":`,
    cause instanceof Error ? cause.message : String(cause),
  ];
  if (cause instanceof CommandError && cause.logFile) lines.push(`(log: ${cause.logFile})`);
  return lines.join('\n');
}

/** The phase table and the result line printed at the end of every run. */
export function runSummary(timer: PhaseTimer, ok: boolean, suffix = ''): string {
  return [
    'Phases:',
    ...timer.summary(),
    `Result: ${ok ? 'OK' : 'FAILED'} in ${formatDuration(timer.elapsedMs())}${suffix}`,
  ].join('\n');
}

/** Runs a command's main and exits with its code; an unexpected error is printed and exits 1. */
export function exitWith(
  run: Promise<number>,
  exit: (code: number) => void = process.exit,
): Promise<void> {
  return run.then(
    (code) => exit(code),
    (error: unknown) => {
      console.error(error);
      exit(1);
    },
  );
}
