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

/** The account of the emulator's default credentials: state, CI identity provider's home. */
export const TOOLING_ACCOUNT = '123456789012';
/** The role AWS Organizations creates in every member account it creates. */
export const ORG_ACCESS_ROLE = 'OrganizationAccountAccessRole';
/** The repository the CI roles trust (a name only: no GitHub is reached). */
export const E2E_CI_REPOSITORY = 'example-org/healthcare-platform';

/** How the e2e runs each environment it knows. */
export interface EnvironmentAccount {
  readonly environment: string;
  readonly accountId: string;
  /** The GitHub environment its CI apply role trusts (BASELINE_CI_ENVIRONMENTS). */
  readonly githubEnvironment: string;
  /** Production profile: an alarm subscriber and the API on a custom domain are required. */
  readonly production: boolean;
  /**
   * Who deploys the platform stack: `ci` plans with healthcare-ci-plan-<env> and applies the
   * saved plan with healthcare-ci-apply-<env> (tokens as a workflow gets them); `operator`
   * runs `npm run deploy` with the tooling account's credentials and DEPLOY_ROLE_ARN.
   */
  readonly deployedBy: 'ci' | 'operator';
  /** Settings of the account's baseline synth (besides the run's). */
  readonly baseline: Readonly<Record<string, string>>;
}

/**
 * dev: a standard account whose baseline runs every service itself, deployed from CI.
 * prod: an organization member whose GuardDuty, Security Hub and Config the organization
 * already runs (BASELINE_*=organization), with the production baseline, deployed by an
 * operator through its deploy role.
 */
export const ENVIRONMENT_ACCOUNTS: Readonly<Record<string, EnvironmentAccount>> = {
  dev: {
    environment: 'dev',
    accountId: '111111111111',
    githubEnvironment: 'dev',
    production: false,
    deployedBy: 'ci',
    baseline: { BASELINE_PROFILE: 'standard' },
  },
  prod: {
    environment: 'prod',
    accountId: '222222222222',
    githubEnvironment: 'production',
    production: true,
    deployedBy: 'operator',
    baseline: {
      BASELINE_PROFILE: 'production',
      BASELINE_ALARM_EMAIL: 'security-alarms@example.org',
      BASELINE_GUARDDUTY: 'organization',
      BASELINE_SECURITY_HUB: 'organization',
      BASELINE_CONFIG: 'organization',
    },
  },
};

export function environmentAccount(environment: string): EnvironmentAccount {
  const account = ENVIRONMENT_ACCOUNTS[environment];
  if (!account) {
    throw new Error(
      `the e2e runs dev and prod, each in an account of its own (tools/e2e/accounts.ts); not "${environment}"`,
    );
  }
  return account;
}

/**
 * The CI roles the account baseline creates for an environment, by the names the workflows
 * and the state bucket policy use (written out here: the e2e checks the contract, it does not
 * read it from the code under test).
 */
export function ciRoleArns(
  accountId: string,
  environment: string,
): { plan: string; apply: string } {
  const role = (kind: string) =>
    `arn:aws:iam::${accountId}:role/healthcare-ci-${kind}-${environment}`;
  return { plan: role('plan'), apply: role('apply') };
}

export const orgAccessRoleArn = (accountId: string) =>
  `arn:aws:iam::${accountId}:role/${ORG_ACCESS_ROLE}`;

/** The API's custom domain of a production environment (the certificate is imported for it). */
export const apiDomainOf = (environment: string) => `api.${environment}.e2e.example.org`;

/**
 * Settings every synth of the run shares, so that the bootstrap each one writes is the
 * same: the central state account and every environment's account.
 */
export function runAccountSettings(environments: readonly string[]): Record<string, string> {
  return {
    STATE_ACCOUNT_ID: TOOLING_ACCOUNT,
    AWS_ACCOUNT_ID: environments
      .map(environmentAccount)
      .map((a) => `${a.environment}=${a.accountId}`)
      .join(','),
  };
}

/**
 * The settings of one environment's synth (its platform stack and its account's baseline):
 * an operator's deploy role, and for production the alarm subscriber and the API's custom
 * domain with its imported certificate.
 */
export function environmentSettings(
  environment: string,
  certificateArn?: string,
): Record<string, string> {
  const a = environmentAccount(environment);
  return {
    ...(a.deployedBy === 'operator' ? { DEPLOY_ROLE_ARN: orgAccessRoleArn(a.accountId) } : {}),
    ...(certificateArn
      ? {
          ALARM_EMAIL: 'oncall@example.org',
          API_DOMAIN_NAME: apiDomainOf(environment),
          API_CERTIFICATE_ARN: certificateArn,
        }
      : {}),
    ...baselineSettings(environment),
  };
}

/** The account baseline's settings for one environment's account. */
export function baselineSettings(environment: string): Record<string, string> {
  const a = environmentAccount(environment);
  return {
    BASELINE_ACCOUNT_ID: a.accountId,
    BASELINE_DEPLOY_ROLE_ARN: orgAccessRoleArn(a.accountId),
    BASELINE_CI_REPOSITORY: E2E_CI_REPOSITORY,
    BASELINE_CI_ENVIRONMENTS:
      a.githubEnvironment === a.environment
        ? a.environment
        : `${a.environment}=${a.githubEnvironment}`,
    ...a.baseline,
  };
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface EmulatorClientSettings {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: Credentials;
}

/** The variables a child process takes credentials from. */
export function credentialEnv(credentials: Credentials): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
  };
}

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
