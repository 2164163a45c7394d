/**
 * The day-2 lifecycle of the e2e run, on one environment (E2E_LIFECYCLE_ENVIRONMENT, `dev`):
 * a day-2 change applied in place (instance class, log retention) through the plan guard and
 * the plan review; the PostgreSQL major upgrade 15 → 16 without replacing the database; a
 * destroy (the fault drill, fault-drill.ts, deploys it again). Each is a phase entry used by
 * E2E_PHASES (phases.ts). Exercised end to end by `npm run test:e2e` (real processes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DescribeLogGroupsCommand, CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { terraformApply, terraformInit, terraformPlan } from '../core';
import { formatVerdict, guardPlanFile, writeReview } from '../review';
import { E2eRun, LOGS, PLANS, StackInfo, WORK } from './e2e-run';
import { day2Problems, PlanJsonFile, summarizePlan, upgradeProblems } from './plan-checks';
import type { E2ePhase } from './procedure';

type Phase = E2ePhase<E2eRun>;

/** The settings of each lifecycle step (applied on top of the run's). */
export const LIFECYCLE_STEPS = {
  /** First deploy: one major version below the default, to upgrade later. */
  initial: { DB_ENGINE_MAJOR_VERSION: '15' },
  /** Day-2 change: a bigger instance class and a longer log retention. */
  day2: {
    DB_ENGINE_MAJOR_VERSION: '15',
    DB_INSTANCE_CLASS: 'db.t4g.large',
    LOG_RETENTION_DAYS: '90',
  },
  /** The major upgrade, applied now rather than in the maintenance window. */
  upgrade: {
    DB_ENGINE_MAJOR_VERSION: '16',
    DB_INSTANCE_CLASS: 'db.t4g.large',
    LOG_RETENTION_DAYS: '90',
    DB_APPLY_IMMEDIATELY: 'true',
  },
} as const satisfies Record<string, Record<string, string>>;

export const STEPS_DIR = path.join(WORK, 'steps');

/** The lifecycle stack, or undefined when its environment is not part of this run. */
export function lifecycleStack(e2e: E2eRun): string | undefined {
  const name = `TapStack${e2e.settings.lifecycleEnvironment}`;
  return e2e.platformStacks.includes(name) ? name : undefined;
}

const skipUnlessLifecycle = (e2e: E2eRun) =>
  lifecycleStack(e2e)
    ? undefined
    : `E2E_ENVIRONMENTS has no ${e2e.settings.lifecycleEnvironment} (E2E_LIFECYCLE_ENVIRONMENT)`;

interface PlannedStep {
  readonly stack: StackInfo;
  readonly plan: PlanJsonFile;
  readonly planFile: string;
  readonly summary: string;
}

/**
 * Re-synthesizes the lifecycle stack with a step's settings, plans it, saves the plan JSON,
 * the plan review and the plan guard's verdict under .e2e/plans/, and refuses a blocked plan.
 */
async function planStep(
  e2e: E2eRun,
  step: keyof typeof LIFECYCLE_STEPS,
  check: (plan: PlanJsonFile, stack: StackInfo) => string[],
): Promise<PlannedStep> {
  const name = lifecycleStack(e2e)!;
  const synthesized = await e2e.synthInto(
    path.join(STEPS_DIR, step),
    e2e.settings.lifecycleEnvironment,
    LIFECYCLE_STEPS[step],
    `synth-${step}.log`,
  );
  const stack = synthesized.find((s) => s.name === name)!;
  const log = (what: string) => ({ logFile: path.join(LOGS, `${what}-${step}-${name}.log`) });
  await terraformInit(stack.dir, e2e.envOf(stack), log('init'));
  fs.mkdirSync(PLANS, { recursive: true });
  const planFile = path.join(WORK, `${step}-${name}.tfplan`);
  const shown = await terraformPlan(stack.dir, e2e.envOf(stack), planFile, log('plan'));
  const planJson = path.join(PLANS, `${step}-${name}.plan.json`);
  fs.renameSync(shown, planJson);
  const review = writeReview(planJson, path.join(PLANS, `${step}-${name}.review.md`), {
    stack: name,
  });
  const verdict = guardPlanFile(planJson);
  const verdictText = formatVerdict(verdict);
  fs.writeFileSync(path.join(PLANS, `${step}-${name}.guard.txt`), `${verdictText}\n`);
  const plan = JSON.parse(fs.readFileSync(planJson, 'utf8')) as PlanJsonFile;
  process.stdout.write(
    `    plan: ${summarizePlan(plan).join('; ')}\n    guard: ${verdictText.split('\n')[0]}\n`,
  );
  if (verdict.blocked) throw new Error(`the plan guard refused the ${step} plan:\n${verdictText}`);
  const problems = check(plan, stack);
  if (problems.length > 0)
    throw new Error(`the ${step} plan is wrong:\n  ${problems.join('\n  ')}`);
  const c = review.counts;
  const summary = `${c.create} create, ${c.update} update, ${c.replace} replace, ${c.delete} delete; guard: ${verdict.blocked ? 'blocked' : 'passes'}`;
  return { stack, plan, planFile, summary };
}

async function applyStep(e2e: E2eRun, planned: PlannedStep, step: string): Promise<void> {
  await terraformApply(planned.stack.dir, e2e.envOf(planned.stack), planned.planFile, {
    logFile: path.join(LOGS, `apply-${step}-${planned.stack.name}.log`),
    echoPrefix: `    [${planned.stack.name}] `,
  });
  e2e.stacks.set(planned.stack.label, planned.stack);
  await e2e.captureSecrets(planned.stack);
}

function resourceBody(stack: StackInfo, type: string): Record<string, unknown> {
  const byName = (stack.json.resource as Record<string, Record<string, unknown>>)[type];
  return Object.values(byName)[0] as Record<string, unknown>;
}

async function describeDb(e2e: E2eRun, stack: StackInfo) {
  const rds = new RDSClient({ ...e2e.clientSettings(stack.environment), maxAttempts: 2 });
  const identifier = String(resourceBody(stack, 'aws_db_instance').identifier);
  const answer = await rds.send(
    new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }),
  );
  return answer.DBInstances![0];
}

/** Log group names the stack sets literally (names built from other resources are skipped). */
function literalLogGroups(stack: StackInfo): string[] {
  const groups = (stack.json.resource as Record<string, Record<string, { name?: string }>>)
    .aws_cloudwatch_log_group;
  return Object.values(groups)
    .map((g) => String(g.name))
    .filter((n) => !n.includes('${'));
}

export const dayTwoChange: Phase = {
  name: (e2e) => `day-2 change ${lifecycleStack(e2e) ?? ''}: instance class and log retention`,
  proves:
    'a day-2 change (DB_INSTANCE_CLASS, LOG_RETENTION_DAYS) plans as in-place updates only, passes the plan guard, and applies',
  skipWhen: skipUnlessLifecycle,
  async run(e2e, note) {
    const expected = {
      instanceClass: LIFECYCLE_STEPS.day2.DB_INSTANCE_CLASS,
      logRetentionDays: Number(LIFECYCLE_STEPS.day2.LOG_RETENTION_DAYS),
    };
    const planned = await planStep(e2e, 'day2', (plan) => day2Problems(plan, expected));
    const before = await describeDb(e2e, planned.stack);
    await applyStep(e2e, planned, 'day2');
    const after = await describeDb(e2e, planned.stack);
    const problems: string[] = [];
    if (after.DBInstanceClass !== expected.instanceClass)
      problems.push(
        `DBInstanceClass is ${after.DBInstanceClass}, expected ${expected.instanceClass}`,
      );
    if (after.DbiResourceId !== before.DbiResourceId)
      problems.push(
        `the database was replaced (DbiResourceId ${before.DbiResourceId} → ${after.DbiResourceId})`,
      );
    const logs = new CloudWatchLogsClient({
      ...e2e.clientSettings(planned.stack.environment),
      maxAttempts: 2,
    });
    for (const name of literalLogGroups(planned.stack)) {
      const found = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
      const group = found.logGroups?.find((g) => g.logGroupName === name);
      if (group?.retentionInDays !== expected.logRetentionDays)
        problems.push(
          `log group ${name} keeps ${group?.retentionInDays} days, expected ${expected.logRetentionDays}`,
        );
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
    note(
      `${planned.summary}; ${after.DBInstanceClass}, logs ${expected.logRetentionDays} days, same DbiResourceId`,
    );
  },
};

export const majorUpgrade: Phase = {
  name: (e2e) => `PostgreSQL 15 → 16 on ${lifecycleStack(e2e) ?? ''} (in place)`,
  proves:
    'the major upgrade plans aws_db_instance as update (never delete/create), creates the new parameter group before deleting the old, and keeps the database (same DbiResourceId, 16.x, new group attached)',
  skipWhen: skipUnlessLifecycle,
  async run(e2e, note) {
    const current = e2e.stack(lifecycleStack(e2e)!);
    const oldFamily = String(resourceBody(current, 'aws_db_parameter_group').family);
    let newPrefix = '';
    const planned = await planStep(e2e, 'upgrade', (plan, stack) => {
      const group = resourceBody(stack, 'aws_db_parameter_group');
      newPrefix = String(group.name_prefix);
      return upgradeProblems(plan, {
        engineVersion: LIFECYCLE_STEPS.upgrade.DB_ENGINE_MAJOR_VERSION,
        oldFamily,
        newFamily: String(group.family),
        newNamePrefix: newPrefix,
      });
    });
    const before = await describeDb(e2e, planned.stack);
    const oldGroup = before.DBParameterGroups?.[0]?.DBParameterGroupName ?? '';
    await applyStep(e2e, planned, 'upgrade');
    const after = await describeDb(e2e, planned.stack);
    const groups = (after.DBParameterGroups ?? []).map((g) => g.DBParameterGroupName ?? '');
    const newGroup = groups.find((g) => g.startsWith(newPrefix)) ?? '';
    const problems: string[] = [];
    if (after.DbiResourceId !== before.DbiResourceId)
      problems.push(
        `the database was replaced (DbiResourceId ${before.DbiResourceId} → ${after.DbiResourceId})`,
      );
    if (!/^16(\.|$)/.test(after.EngineVersion ?? ''))
      problems.push(`EngineVersion is ${after.EngineVersion}, expected 16.x`);
    if (groups.length !== 1 || !newGroup || newGroup === oldGroup)
      problems.push(
        `parameter groups attached: ${groups.join(', ')}; expected one named ${newPrefix}…`,
      );
    if (problems.length > 0) throw new Error(problems.join('\n'));
    note(
      `${before.EngineVersion} → ${after.EngineVersion}, ${oldGroup} → ${newGroup}, DbiResourceId ${after.DbiResourceId} kept; ${planned.summary}`,
    );
  },
};

export const destroyLifecycle: Phase = {
  name: (e2e) => `destroy ${lifecycleStack(e2e) ?? ''}`,
  proves: 'the upgraded environment destroys cleanly',
  skipWhen: skipUnlessLifecycle,
  async run(e2e, note) {
    const stack = e2e.stack(lifecycleStack(e2e)!);
    await e2e.destroy(stack, `destroy-1-${stack.name}.log`);
    note('destroyed');
  },
};
