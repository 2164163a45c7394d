/**
 * What the accounts prove, read with the SDK in each account: each holds only its own
 * environment; an environment's CI roles are refused another environment's state in the
 * central bucket; a member account's organization services outlive its baseline's destroy.
 * Exercised end to end by `npm run test:e2e`.
 */
import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
} from '@aws-sdk/client-config-service';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { environmentAccount } from './accounts';
import { E2eRun, platformStack } from './e2e-run';
import type { E2ePhase } from './procedure';

type Phase = E2ePhase<E2eRun>;

/** The error name a refused call ends with, or `allowed` when it succeeds. */
async function outcome(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'allowed',
    (error: { name?: string }) => error.name ?? 'refused',
  );
}

export const accountsApart: Phase = {
  name: 'each account holds only its environment; one environment is refused another’s state',
  proves:
    "with the SDK in each account: the VPCs and databases there belong to that account's environment only; dev's CI plan and apply roles cannot read prod's state nor take its lock file in the central bucket",
  skipWhen: (e2e) =>
    e2e.platformStacks.length < 2 ? 'needs two environments deployed' : undefined,
  async run(e2e, note) {
    const problems: string[] = [];
    const seen: string[] = [];
    for (const environment of e2e.settings.environments) {
      const settings = { ...e2e.clientSettings(environment), maxAttempts: 2 };
      const vpcs = (
        (await new EC2Client(settings).send(new DescribeVpcsCommand({}))).Vpcs ?? []
      ).filter((v) => !v.IsDefault);
      const envOf = (tags?: { Key?: string; Value?: string }[]) =>
        tags?.find((t) => t.Key === 'Environment')?.Value;
      const foreignVpcs = vpcs.filter((v) => envOf(v.Tags) !== environment);
      const dbs =
        (await new RDSClient(settings).send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
      const foreignDbs = dbs.filter((d) => envOf(d.TagList) !== environment);
      if (vpcs.length !== 1 || foreignVpcs.length > 0)
        problems.push(
          `${environment}'s account holds VPCs of ${vpcs.map((v) => envOf(v.Tags)).join(', ')}`,
        );
      if (dbs.length !== 1 || foreignDbs.length > 0)
        problems.push(
          `${environment}'s account holds databases of ${dbs.map((d) => envOf(d.TagList)).join(', ')}`,
        );
      seen.push(
        `${environmentAccount(environment).accountId}: ${vpcs.length} VPC, ${dbs.length} database of ${environment}`,
      );
    }
    const ci = e2e.ci.get('dev');
    const prodState = e2e.backendOf(platformStack('prod'));
    if (ci && prodState) {
      for (const [role, credentials] of Object.entries(ci)) {
        const s3 = new S3Client({
          ...e2e.clientSettings(),
          credentials,
          forcePathStyle: true,
          maxAttempts: 1,
        });
        const read = await outcome(
          s3.send(new GetObjectCommand({ Bucket: prodState.bucket, Key: prodState.key })),
        );
        const lock = await outcome(
          s3.send(
            new PutObjectCommand({
              Bucket: prodState.bucket,
              Key: `${prodState.key}.tflock`,
              Body: '{}',
              IfNoneMatch: '*',
            }),
          ),
        );
        if (read !== 'AccessDenied')
          problems.push(`dev's ${role} role reading prod's state: ${read}`);
        if (lock !== 'AccessDenied')
          problems.push(`dev's ${role} role taking prod's lock file: ${lock}`);
      }
      seen.push("dev's plan and apply roles: AccessDenied on prod's state and lock file");
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
    note(seen.join('; '));
  },
};

export const organizationServicesOutlive: Phase = {
  name: "the organization's services outlive a member account's baseline",
  proves:
    "after the member account's baseline is destroyed, the organization's GuardDuty detector, Security Hub and Config recorder there are still enabled (the baseline never owned them)",
  skipWhen: (e2e) =>
    e2e.organizationServices.size === 0 ? 'no member account in this run' : undefined,
  async run(e2e, note) {
    const problems: string[] = [];
    for (const [environment, services] of e2e.organizationServices) {
      const settings = { ...e2e.clientSettings(environment), maxAttempts: 2 };
      const detectors =
        (await new GuardDutyClient(settings).send(new ListDetectorsCommand({}))).DetectorIds ?? [];
      if (detectors.length !== 1 || detectors[0] !== services.detectorId)
        problems.push(
          `${environment}: GuardDuty detectors ${detectors.join(', ') || 'none'}, expected ${services.detectorId}`,
        );
      const hub = await outcome(new SecurityHubClient(settings).send(new DescribeHubCommand({})));
      if (hub !== 'allowed') problems.push(`${environment}: Security Hub ${hub}`);
      const status =
        (
          await new ConfigServiceClient(settings).send(
            new DescribeConfigurationRecorderStatusCommand({}),
          )
        ).ConfigurationRecordersStatus ?? [];
      const recorder = status.find((r) => r.name === services.recorder);
      if (status.length !== 1 || recorder?.recording !== true)
        problems.push(
          `${environment}: Config recorders ${status.map((r) => `${r.name} recording=${r.recording}`).join(', ')}`,
        );
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
    note(
      [...e2e.organizationServices.keys()]
        .map((env) => `${env}: detector, Security Hub, recorder still enabled`)
        .join('; '),
    );
  },
};
