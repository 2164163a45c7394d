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
  CreateRoleCommand,
  CreateServiceLinkedRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
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
  EmulatorClientSettings,
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

/**
 * A workflow job's credentials: AssumeRoleWithWebIdentity with a GitHub token, as
 * aws-actions/configure-aws-credentials does. The emulator does not check the token's
 * signature; the trust policy's conditions are proved by the access proofs
 * (__tests__/access/ci-roles.access.test.ts).
 */
export async function ciCredentials(
  tooling: EmulatorClientSettings,
  roleArn: string,
): Promise<Credentials> {
  const sts = new STSClient({ ...tooling, maxAttempts: 2 });
  const out = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: roleArn,
      RoleSessionName: 'GitHubActions',
      WebIdentityToken: 'e2e-token-not-checked-by-the-emulator',
    }),
  );
  return credentialsOf(out);
}

/**
 * What AWS Organizations leaves in a new member account: OrganizationAccountAccessRole,
 * trusted by the management (here: tooling) account, with administrator rights. The
 * emulator lets the tooling account in before the role exists, as Organizations itself is.
 */
export async function vendAccount(
  tooling: EmulatorClientSettings,
  accountId: string,
): Promise<Credentials> {
  const bootstrap = await assumeRole(tooling, orgAccessRoleArn(accountId), 'organizations');
  const iam = new IAMClient({ ...tooling, credentials: bootstrap, maxAttempts: 2 });
  await iam.send(
    new CreateRoleCommand({
      RoleName: ORG_ACCESS_ROLE,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${TOOLING_ACCOUNT}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: ORG_ACCESS_ROLE,
      PolicyName: 'AdministratorAccess',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      }),
    }),
  );
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
export async function organizationServices(
  settings: EmulatorClientSettings,
  accountId: string,
): Promise<string[]> {
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
        name: 'aws-controltower-BaselineConfigRecorder',
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
      ConfigurationRecorderName: 'aws-controltower-BaselineConfigRecorder',
    }),
  );
  return [
    `GuardDuty detector ${detector.DetectorId}`,
    'Security Hub',
    `Config recorder → ${bucket}`,
  ];
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
