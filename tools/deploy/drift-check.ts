/**
 * `npm run drift`: what changed in a deployed stack outside Terraform. Synthesizes and inits
 * the stack in the run's own folder, plans with `-refresh-only` (nothing would be changed),
 * and turns the plan JSON into a Markdown report and a verdict (tools/drift). Against the
 * local emulator (AWS_ENDPOINT_URL set) the emulator's known differences are allowed.
 */
import { join } from 'node:path';
import { PhaseTimer, Runner, StepOptions, terraformInit, terraformPlan } from '../core';
import { writeDriftReport } from '../drift';
import { EMULATOR_DRIFT_ALLOW_LIST } from '../emulator';
import type { StackSelection } from './project';
import { stackOf, synth } from './synth';
import type { Target } from './target';

export interface DriftCheckOptions {
  readonly timer: PhaseTimer;
  readonly target: Target;
  readonly selection: StackSelection;
  /** Also write the report here. */
  readonly out?: string;
  readonly runner?: Runner;
  /** @default process.stdout */
  readonly write?: (text: string) => void;
}

/** Returns the exit code: 0 clean, 2 drift found. A failed phase throws. */
export async function checkDrift(options: DriftCheckOptions): Promise<number> {
  const { timer, target, selection } = options;
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const log = (name: string): StepOptions => ({
    logFile: join(target.logDir, `${name}.log`),
    runner: options.runner,
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
  await timer.run(`init ${stack.name}`, () =>
    terraformInit(stack.dir, target.env, log(`init-${stack.name}`)),
  );
  const planJson = await timer.run(`refresh-only plan ${stack.name}`, () =>
    terraformPlan(stack.dir, target.env, join(target.run.planDir, 'drift.tfplan'), {
      ...log(`plan-${stack.name}`),
      refreshOnly: true,
    }),
  );
  const emulated = target.kind === 'emulator' || Boolean(target.env.AWS_ENDPOINT_URL);
  const { markdown, exitCode } = await timer.run('drift report', async (note) => {
    const written = writeDriftReport({
      planJson,
      out: options.out ?? join(target.run.planDir, 'drift.md'),
      stack: stack.name,
      environment: selection.kind === 'platform' ? selection.config.environment : undefined,
      allow: emulated ? EMULATOR_DRIFT_ALLOW_LIST : [],
    });
    note(written.exitCode === 0 ? 'clean' : `${written.report.drifted.length} resource(s) drifted`);
    return written;
  });
  write(`\n${markdown}\n`);
  return exitCode;
}
