/**
 * `npm run drift`: what changed in a deployed stack outside Terraform. Synthesizes and inits
 * the stack in the run's own folder, plans with `-refresh-only` (nothing would be changed),
 * lists the rules of the stack's security groups that no resource manages (EC2, acting as
 * the stack's deploy role like preflight), and turns both into a Markdown report and a
 * verdict (tools/drift). Against the local emulator (AWS_ENDPOINT_URL set) the emulator's
 * known differences are allowed.
 */
import { join } from 'node:path';
import { PhaseTimer, Runner, StepOptions, terraformInit, terraformPlan } from '../core';
import { checkSecurityGroupRules, SecurityGroupRuleCheck, writeDriftReport } from '../drift';
import { EMULATOR_DRIFT_ALLOW_LIST } from '../emulator';
import { readPlanFile } from '../review';
import { deployRoleOf, StackSelection } from './project';
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

/**
 * Returns the exit code: 0 clean, 2 drift found (a resource, or a security group rule outside
 * Terraform), 1 when nothing was found but the rules could not be checked. A failed phase
 * throws.
 */
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
  const securityGroupRules = await timer.run('security group rules', async (note) => {
    const role = deployRoleOf(selection);
    const check = await checkSecurityGroupRules(readPlanFile(planJson), {
      region: selection.region,
      ec2: () => target.preflightClients(selection.region, role).ec2,
      actingAs: role ? `the deploy role ${role.roleArn}` : 'the credentials as given',
    });
    note(describeCheck(check));
    return check;
  });
  const emulated = target.kind === 'emulator' || Boolean(target.env.AWS_ENDPOINT_URL);
  const { markdown, exitCode } = await timer.run('drift report', async (note) => {
    const written = writeDriftReport({
      planJson,
      out: options.out ?? join(target.run.planDir, 'drift.md'),
      stack: stack.name,
      environment: selection.kind === 'platform' ? selection.config.environment : undefined,
      allow: emulated ? EMULATOR_DRIFT_ALLOW_LIST : [],
      securityGroupRules,
    });
    const { verdict, drifted } = written.report;
    note(verdict === 'clean' ? 'clean' : `${verdict}: ${drifted.length} resource(s) drifted`);
    return written;
  });
  write(`\n${markdown}\n`);
  return exitCode;
}

/** The phase note: what the rule check found, or why it could not run. */
export function describeCheck(check: SecurityGroupRuleCheck): string {
  switch (check.status) {
    case 'no-groups':
      return 'no security group in the state';
    case 'not-checked':
      return `NOT CHECKED: ${check.reason}`;
    case 'checked':
      return `${check.ruleCount} rule(s) of ${check.groups.length} group(s), ${check.unmanaged.length} outside Terraform`;
  }
}
