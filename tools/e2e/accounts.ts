/**
 * The e2e run's AWS Organization on one emulator: a tooling account that holds the central
 * state (the emulator's default credentials), and an account per environment (dev, prod)
 * reached through OrganizationAccountAccessRole, the role Organizations creates in a member
 * account. What each account gets before the stacks, and the settings each synth takes.
 * Exercised end to end by `npm run test:e2e` (it talks to a real emulator).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImportCertificateCommand, ACMClient } from '@aws-sdk/client-acm';
import {
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  ConfigServiceClient,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { CreateDetectorCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import {
  CreateOpenIDConnectProviderCommand,
  CreateServiceLinkedRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { EnableSecurityHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import {
  Credentials,
  E2E_CI_REPOSITORY,
  EmulatorClientSettings,
  environmentAccount,
  ORG_ACCESS_ROLE,
  orgAccessRoleArn,
  TOOLING_ACCOUNT,
} from './account-settings';

export * from './account-settings';

function credentialsOf(out: {
  Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string };
}): Credentials {
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('STS returned no credentials');
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
  };
}

/** An operator in the tooling account assumes a role in another account. */
export async function assumeRole(
  tooling: EmulatorClientSettings,
  roleArn: string,
  sessionName: string,
): Promise<Credentials> {
  const sts = new STSClient({ ...tooling, maxAttempts: 2 });
  return credentialsOf(
    await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName })),
  );
}

/** GitHub's OIDC issuer and the audience aws-actions/configure-aws-credentials asks for. */
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const GITHUB_AUDIENCE = 'sts.amazonaws.com';

/**
 * The `sub` of a workflow job's token, in GitHub's default format, as the CI roles trust it
 * (config/ci-access.ts `ciSubjects`, written out here): the plan job of a push to main
 * (deliver.yml; pull requests are `repo:<repo>:pull_request`) and the apply job, which runs
 * in the environment's GitHub environment (deliver-environment.yml `environment:`).
 */
export function githubSubject(kind: 'plan' | 'apply', environment: string): string {
  return kind === 'plan'
    ? `repo:${E2E_CI_REPOSITORY}:ref:refs/heads/main`
    : `repo:${E2E_CI_REPOSITORY}:environment:${environmentAccount(environment).githubEnvironment}`;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A GitHub Actions OIDC token for `subject`, unsigned (`alg: none`): the emulator reads its
 * claims without checking a signature (it cannot know GitHub's keys), and checks the rest as
 * STS does: the issuer's provider exists in the role's account, the audience is one of its
 * client ids, the role's trust policy admits the claims (rule R12, docs/e2e.md).
 */
export function githubToken(subject: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: GITHUB_ISSUER,
    aud: GITHUB_AUDIENCE,
    sub: subject,
    repository: E2E_CI_REPOSITORY,
    repository_owner: E2E_CI_REPOSITORY.split('/')[0],
    iat: now,
    nbf: now,
    exp: now + 3600,
  };
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
}

/**
 * A workflow job's credentials: AssumeRoleWithWebIdentity with a GitHub token for `subject`
 * (githubSubject), as aws-actions/configure-aws-credentials does.
 */
export async function ciCredentials(
  tooling: EmulatorClientSettings,
  roleArn: string,
  subject: string,
): Promise<Credentials> {
  const sts = new STSClient({ ...tooling, maxAttempts: 2 });
  const out = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: roleArn,
      RoleSessionName: 'GitHubActions',
      WebIdentityToken: githubToken(subject),
    }),
  );
  return credentialsOf(out);
}

/**
 * What AWS Organizations leaves in a new member account: OrganizationAccountAccessRole,
 * trusted by the management (here: tooling) account, with administrator rights. The
 * emulator's planting endpoint creates it as Organizations does
 * (POST /moto-api/healthcare/organization-account); then the tooling account assumes it.
 */
export async function vendAccount(
  tooling: EmulatorClientSettings,
  accountId: string,
): Promise<Credentials> {
  const response = await fetch(`${tooling.endpoint}/moto-api/healthcare/organization-account`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ account: accountId, managementAccount: TOOLING_ACCOUNT }),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok || answer.role !== orgAccessRoleArn(accountId)) {
    throw new Error(`the emulator did not create ${ORG_ACCESS_ROLE}: ${JSON.stringify(answer)}`);
  }
  return assumeRole(tooling, orgAccessRoleArn(accountId), 'e2e-admin');
}

/**
 * The account-wide region's share of the baseline that the e2e cannot deploy on the
 * emulator (the S3 account public access block is called at <account>.<host>): GitHub's
 * OIDC provider, which the CI roles of BASELINE_ACCOUNT_WIDE=off reference by ARN.
 */
export async function createOidcProvider(settings: EmulatorClientSettings): Promise<string> {
  const iam = new IAMClient({ ...settings, maxAttempts: 2 });
  const out = await iam.send(
    new CreateOpenIDConnectProviderCommand({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIDList: ['sts.amazonaws.com'],
    }),
  );
  return out.OpenIDConnectProviderArn ?? '';
}

/**
 * The security services an organization's delegated administrators run in a member
 * account: a GuardDuty detector, Security Hub, an AWS Config recorder delivering to the
 * organization's bucket. The baseline in `organization` mode must find them and create
 * none (AWS refuses a second detector, recorder or Security Hub enablement).
 */
/** What the organization runs in a member account, as the e2e created it. */
export interface OrganizationServices {
  readonly detectorId: string;
  readonly recorder: string;
  readonly deliveryBucket: string;
}

export const ORG_RECORDER = 'aws-controltower-BaselineConfigRecorder';

export async function organizationServices(
  settings: EmulatorClientSettings,
  accountId: string,
): Promise<OrganizationServices> {
  const retry = { ...settings, maxAttempts: 2 };
  const detector = await new GuardDutyClient(retry).send(
    new CreateDetectorCommand({ Enable: true }),
  );
  await new SecurityHubClient(retry).send(
    new EnableSecurityHubCommand({ EnableDefaultStandards: false }),
  );
  const bucket = `org-config-delivery-${accountId}`;
  await new S3Client({ ...retry, forcePathStyle: true }).send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: settings.region as never },
    }),
  );
  const iam = new IAMClient(retry);
  const linked = await iam
    .send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'config.amazonaws.com' }))
    .then((r) => r.Role?.Arn ?? '');
  const config = new ConfigServiceClient(retry);
  await config.send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: {
        name: ORG_RECORDER,
        roleARN: linked,
        recordingGroup: { allSupported: true, includeGlobalResourceTypes: false },
      },
    }),
  );
  await config.send(
    new PutDeliveryChannelCommand({
      DeliveryChannel: {
        name: 'aws-controltower-BaselineConfigDeliveryChannel',
        s3BucketName: bucket,
      },
    }),
  );
  await config.send(
    new StartConfigurationRecorderCommand({
      ConfigurationRecorderName: ORG_RECORDER,
    }),
  );
  return { detectorId: detector.DetectorId ?? '', recorder: ORG_RECORDER, deliveryBucket: bucket };
}

/**
 * An issued certificate for the environment's API domain, as ACM holds one: a self-signed
 * certificate imported into the account (its key lives in a temporary folder for the import
 * only, is never logged, and is removed).
 */
export async function importCertificate(
  settings: EmulatorClientSettings,
  domainName: string,
): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-cert-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2'],
        ...['-subj', `/CN=${domainName}`, '-addext', `subjectAltName=DNS:${domainName}`],
        ...['-keyout', key, '-out', cert],
      ],
      { stdio: 'ignore' },
    );
    const acm = new ACMClient({ ...settings, maxAttempts: 2 });
    const out = await acm.send(
      new ImportCertificateCommand({
        Certificate: fs.readFileSync(cert),
        PrivateKey: fs.readFileSync(key),
      }),
    );
    if (!out.CertificateArn) throw new Error('ACM returned no certificate ARN');
    return out.CertificateArn;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
