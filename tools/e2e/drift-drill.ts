/**
 * Day 2 on the production environment, by its operator: a plan is saved for review; then
 * someone changes the environment by hand (a database rule revoked, a rule opening the
 * database to the internet, a log group's retention, a VPC tag); `npm run drift` names each
 * change (exit 2); `npm run deploy` puts the managed ones back and the unmanaged rule is
 * revoked as the report says; `npm run drift` is clean; the plan saved before all that is
 * refused, since its state moved. Exercised end to end by `npm run test:e2e`.
 */
import * as path from 'node:path';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { npmRun, planIdIn, SAVED_PLANS } from './deploy-paths';
import { unreported } from './drill-checks';
import { E2eRun, platformStack, StackInfo } from './e2e-run';
import type { E2ePhase } from './procedure';

type Phase = E2ePhase<E2eRun>;

const TOOLING = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** The reviewed change saved before the drift: a longer log retention (7 years, a value CloudWatch Logs takes). */
const REVIEWED_CHANGE = { LOG_RETENTION_DAYS: '2557' };

/** What the drill changed by hand, with the addresses the drift report must name. */
interface Planted {
  readonly revokedRule: string;
  readonly openRule: string;
  readonly logGroup: string;
  readonly retentionDays: number;
  readonly vpcId: string;
}

/** Skips a phase when the run deploys no platform stack for `environment`. */
export const skipUnlessPlatform = (environment: string) => (e2e: E2eRun) =>
  !e2e.settings.environments.includes(environment) || e2e.settings.skipPlatform
    ? `E2E_ENVIRONMENTS has no ${environment} platform`
    : undefined;

function operator(
  e2e: E2eRun,
  stack: StackInfo,
  script: 'plan' | 'deploy' | 'drift',
  args: string[],
  log: string,
  extra: Record<string, string> = {},
) {
  return npmRun(e2e, {
    script,
    args: ['--stack', stack.name, ...args],
    environment: stack.environment!,
    settings: { ...stack.settings, ...extra },
    credentials: TOOLING,
    log,
    okCodes: [0, 1, 2],
  });
}

async function plantDrift(e2e: E2eRun, stack: StackInfo): Promise<Planted> {
  const env = stack.environment!;
  const settings = { ...e2e.clientSettings(env), maxAttempts: 2 };
  const ec2 = new EC2Client(settings);
  const groups =
    (
      await ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [{ Name: 'group-name', Values: [`healthcare-db-${env}`] }],
        }),
      )
    ).SecurityGroups ?? [];
  if (groups.length !== 1)
    throw new Error(`expected one security group healthcare-db-${env}, found ${groups.length}`);
  const groupId = groups[0].GroupId!;
  const rules =
    (
      await ec2.send(
        new DescribeSecurityGroupRulesCommand({
          Filters: [{ Name: 'group-id', Values: [groupId] }],
        }),
      )
    ).SecurityGroupRules ?? [];
  const managed = rules.find((r) => !r.IsEgress && r.FromPort === 5432);
  if (!managed?.SecurityGroupRuleId) throw new Error(`no 5432 ingress rule on ${groupId}`);
  await ec2.send(
    new RevokeSecurityGroupIngressCommand({
      GroupId: groupId,
      SecurityGroupRuleIds: [managed.SecurityGroupRuleId],
    }),
  );
  const opened = await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 5432,
          ToPort: 5432,
          IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'debugging, by hand' }],
        },
      ],
    }),
  );
  const logGroup = `/aws/lambda/healthcare-readiness-${env}`;
  await new CloudWatchLogsClient(settings).send(
    new PutRetentionPolicyCommand({ logGroupName: logGroup, retentionInDays: 1 }),
  );
  const vpcs = ((await ec2.send(new DescribeVpcsCommand({}))).Vpcs ?? []).filter(
    (v) => !v.IsDefault,
  );
  await ec2.send(
    new CreateTagsCommand({
      Resources: [vpcs[0].VpcId!],
      Tags: [{ Key: 'DataClassification', Value: 'public' }],
    }),
  );
  return {
    revokedRule: managed.SecurityGroupRuleId,
    openRule: opened.SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '',
    logGroup,
    retentionDays: 1,
    vpcId: vpcs[0].VpcId!,
  };
}

async function retentionOf(
  e2e: E2eRun,
  env: string,
  logGroup: string,
): Promise<number | undefined> {
  const logs = new CloudWatchLogsClient({ ...e2e.clientSettings(env), maxAttempts: 2 });
  const found = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroup }));
  return found.logGroups?.find((g) => g.logGroupName === logGroup)?.retentionInDays;
}

/** The report's fix for a rule Terraform does not manage: revoke it. */
async function revokeOpenRule(e2e: E2eRun, environment: string, ruleId: string): Promise<void> {
  const ec2 = new EC2Client({ ...e2e.clientSettings(environment), maxAttempts: 2 });
  const groupId = (
    await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [{ Name: 'group-name', Values: [`healthcare-db-${environment}`] }],
      }),
    )
  ).SecurityGroups?.[0]?.GroupId;
  await ec2.send(
    new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [ruleId] }),
  );
}

const reviewedPlanDir = (env: string) => path.join(SAVED_PLANS, `${env}-reviewed-before-drift`);

export function driftDrill(environment: string): Phase {
  return {
    name: `drift on ${platformStack(environment)}: changed by hand → npm run drift names it → restored → clean; the plan saved before is refused`,
    proves:
      'npm run drift reports a revoked rule, a rule opened to the internet, a log retention and a tag changed by hand (exit 2); npm run deploy restores what Terraform manages; after the open rule is revoked drift is clean (exit 0); a plan reviewed before the state moved is refused as stale and changes nothing',
    skipWhen: skipUnlessPlatform(environment),
    async run(e2e, note) {
      const stack = e2e.stack(platformStack(environment));
      const saved = await operator(
        e2e,
        stack,
        'plan',
        ['--save', reviewedPlanDir(environment)],
        `stale-plan-${environment}.log`,
        REVIEWED_CHANGE,
      );
      if (saved.code !== 0) throw new Error(`npm run plan --save exited ${saved.code}`);
      const planted = await plantDrift(e2e, stack);
      const problems: string[] = [];
      const drifted = await operator(e2e, stack, 'drift', [], `drift-1-${environment}.log`);
      const said = drifted.stdout;
      if (drifted.code !== 2) problems.push(`npm run drift exited ${drifted.code}, expected 2`);
      problems.push(...unreported(said, planted));
      const restored = await operator(
        e2e,
        stack,
        'deploy',
        ['--yes'],
        `drift-restore-${environment}.log`,
      );
      if (restored.code !== 0) problems.push(`npm run deploy (restore) exited ${restored.code}`);
      await revokeOpenRule(e2e, environment, planted.openRule);
      const clean = await operator(e2e, stack, 'drift', [], `drift-2-${environment}.log`);
      if (clean.code !== 0)
        problems.push(
          `npm run drift after the restore exited ${clean.code}, expected 0:\n${clean.stdout.slice(-1500)}`,
        );
      const retention = await retentionOf(e2e, environment, planted.logGroup);
      const stale = await operator(
        e2e,
        stack,
        'deploy',
        ['--plan', reviewedPlanDir(environment), '--yes'],
        `stale-apply-${environment}.log`,
        REVIEWED_CHANGE,
      );
      if (stale.code === 0 || !/stale/i.test(stale.stdout + stale.stderr))
        problems.push(
          `the plan saved before the state moved was not refused as stale (exit ${stale.code})`,
        );
      const after = await retentionOf(e2e, environment, planted.logGroup);
      if (after !== retention)
        problems.push(`the refused plan changed the retention: ${retention} → ${after}`);
      if (problems.length > 0) throw new Error(problems.join('\n'));
      await e2e.recordDeployed(stack);
      note(
        `4 changes reported (exit 2), restored, clean (exit 0); saved plan ${planIdIn(saved.stdout)} refused as stale, retention stays ${after} days`,
      );
    },
  };
}
