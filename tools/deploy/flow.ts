/** The shared flow: synth → prepare target → preflight → init → plan → review, then apply. */
import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { PlatformConfig } from '../../config/config';
import {
  CommandError,
  PhaseError,
  PhaseTimer,
  readOutputs,
  Runner,
  StackOutputs,
  StepOptions,
  terraformApply,
  terraformInit,
  terraformPlan,
  formatDuration,
} from '../core';
import { preflight, PreflightClients } from '../preflight';
import { guardPlanFile, PlanGuardVerdict, PlanReview, writeReview } from '../review';
import { PROJECT_ROOT } from './project';
import { stackOf, synth, SynthesizedStack } from './synth';
import type { Target } from './target';
export interface PlanFlowOptions {
  readonly timer: PhaseTimer;
  readonly target: Target;
  readonly config: PlatformConfig;
  readonly strict?: boolean;
  /** Guard overrides, shown in the review. */
  readonly allow?: readonly string[];
  /** @default <project>/cdktf.out/plan-review-<stack>.md */
  readonly reviewFile?: string;
  /** @default process.stdout */
  readonly write?: (text: string) => void;
  readonly runner?: Runner;
  /** @default the SDK clients of the target */
  readonly preflightClients?: (region: string) => PreflightClients;
}

export interface PlannedStack {
  readonly stack: SynthesizedStack;
  readonly planFile: string;
  readonly planJson: string;
  readonly review: PlanReview;
  readonly reviewFile: string;
  /** The plan guard's verdict with the operator's overrides. */
  readonly verdict: PlanGuardVerdict;
}

export function defaultReviewFile(stackId: string): string {
  return join(PROJECT_ROOT, 'cdktf.out', `plan-review-${stackId}.md`);
}

/** Runs the phases every plan and deploy share; throws (as PhaseError) on the first failure. */
export async function planSelected(options: PlanFlowOptions): Promise<PlannedStack> {
  const { timer, target, config } = options;
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const log = (name: string): StepOptions => ({
    logFile: join(target.logDir, `${name}.log`),
    runner: options.runner,
  });

  const synthesized = await timer.run('synth', async (note) => {
    const result = await synth(target.outdir, target.env, log('synth'));
    stackOf(result, config.stackId);
    note([...result.stacks.keys()].join(', '));
    return result;
  });
  const stack = stackOf(synthesized, config.stackId);

  if (target.kind === 'emulator') {
    await timer.run('bootstrap state (emulator)', (note) => target.prepare(synthesized).then(note));
  } else {
    timer.skip('bootstrap state', 'AWS: a one-time command (docs/state-backend.md)');
  }

  await timer.run('preflight', async (note) => {
    const outcome = await preflight([config], {
      strict: options.strict ?? false,
      clientsFor: options.preflightClients ?? ((region) => target.preflightClients(region)),
    });
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
  });

  await timer.run(`init ${stack.name}`, () =>
    terraformInit(stack.dir, target.env, log(`init-${stack.name}`)),
  );

  const planFile = join(stack.dir, 'tfplan');
  const planJson = await timer.run(`plan ${stack.name}`, async (note) => {
    const json = await terraformPlan(stack.dir, target.env, planFile, {
      ...log(`plan-${stack.name}`),
      echoPrefix: `    [${stack.name}] `,
    });
    note(relative(PROJECT_ROOT, json));
    return json;
  });

  const reviewFile = options.reviewFile ?? defaultReviewFile(stack.name);
  const review = await timer.run('plan review', (note) => {
    mkdirSync(dirname(reviewFile), { recursive: true });
    const r = writeReview(planJson, reviewFile, {
      stack: stack.name,
      guardAllow: options.allow ?? [],
    });
    const c = r.counts;
    note(
      `${c.create} create, ${c.update} update, ${c.replace} replace, ${c.delete} delete → ${relative(process.cwd(), reviewFile)}`,
    );
    return r;
  });
  write(`\n${review.markdown}\n`);

  const verdict = guardPlanFile(planJson, { allow: options.allow ?? [] });
  return { stack, planFile, planJson, review, reviewFile, verdict };
}

/** Applies the saved plan and reads the outputs, as two phases. */
export async function applyPlanned(
  timer: PhaseTimer,
  target: Target,
  planned: PlannedStack,
  runner?: Runner,
): Promise<StackOutputs> {
  const { stack } = planned;
  await timer.run(`apply ${stack.name}`, async (note) => {
    await terraformApply(stack.dir, target.env, planned.planFile, {
      logFile: join(target.logDir, `apply-${stack.name}.log`),
      echoPrefix: `    [${stack.name}] `,
      runner,
    });
    const c = planned.review.counts;
    note(`${c.create} created, ${c.update} updated, ${c.replace} replaced, ${c.delete} deleted`);
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
