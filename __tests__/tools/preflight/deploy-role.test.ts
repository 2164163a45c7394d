/**
 * Preflight with a deploy role: its clients assume the role the stack's provider assumes, so
 * they ask the environment's account, not the caller's. Given an operator in the tooling
 * account 123456789012 and prod in 222222222222 behind
 * arn:aws:iam::222222222222:role/OrganizationAccountAccessRole, AWS is simulated by the
 * credentials each client carries: the role's keys act in 222222222222, any other in the
 * tooling account.
 */
import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { BackupClient, DescribeRegionSettingsCommand } from '@aws-sdk/client-backup';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ACMClient } from '@aws-sdk/client-acm';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockAws } from '../../support/aws-mock';
import { loadBaselineConfig } from '../../../config/baseline';
import { loadConfig, loadConfigs, PlatformConfig } from '../../../config/config';
import type { DeployRole } from '../../../config/deploy-role';
import {
  checkIdentity,
  createBaselineClients,
  createPreflightClients,
  deployRoleCredentials,
  DeployRoleRefused,
  deployRoleRefusedResult,
  preflight,
  preflightBaseline,
  PreflightClients,
  ROLE_REFRESH_MARGIN_MS,
  runPreflight,
  sameTarget,
} from '../../../tools/preflight';
import { describeError } from '../../../tools/preflight/aws-answers';
import {
  mockAssumeRole,
  NestedAssumeRoleCommand,
  roleCredentials,
  stsError,
} from '../../support/assume-role';

const TOOLING = '123456789012';
const PROD = '222222222222';
const ROLE_ARN = 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole';
const OPERATOR = 'arn:aws:iam::123456789012:user/operator';
/** The access key STS hands out for the role (the operator's own is AKIAOPERATOR). */
const ROLE_KEY = 'ASIAPRODROLE';
const CERT = 'arn:aws:acm:eu-west-1:222222222222:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
/** AWS's answer when the role's trust policy does not let the operator in. */
const refusal = (roleArn: string) =>
  `User: ${OPERATOR} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
const REFUSAL = refusal(ROLE_ARN);

const assumeRole = mockAssumeRole();
const sts = mockAws(STSClient);
const apigateway = mockAws(APIGatewayClient);
/** Services the scenario does not need: they fail as the emulator's unimplemented calls do. */
const others: { onAnyCommand(): { rejects(e: Error): unknown }; reset(): unknown }[] = [
  mockAws(RDSClient),
  mockAws(ElastiCacheClient),
  mockAws(EC2Client),
  mockAws(LambdaClient),
  mockAws(ACMClient),
  mockAws(ServiceQuotasClient),
];
const backup = mockAws(BackupClient);
const baselineOthers = [
  mockAws(GuardDutyClient),
  mockAws(SecurityHubClient),
  mockAws(ConfigServiceClient),
  mockAws(CloudTrailClient),
];

/** prod, pinned to 222222222222, deployable (alarm subscriber, custom domain). */
const PROD_SETTINGS = {
  ENVIRONMENT_SUFFIX: 'prod',
  ALARM_EMAIL: 'oncall@example.org',
  AWS_ACCOUNT_ID: `prod=${PROD}`,
  API_DOMAIN_NAME: 'api.example.org',
  API_CERTIFICATE_ARN: CERT,
};
const WITH_ROLE = { DEPLOY_ROLE_ARN: `prod=${ROLE_ARN}` };
const prod = (env: Record<string, string> = {}): PlatformConfig =>
  loadConfig({ env: { ...PROD_SETTINGS, ...env } });

const ENV_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

type ClientWithCredentials = {
  config: { credentials: () => Promise<{ accessKeyId: string }> };
};

/** The account a client acts in, as AWS would decide it: by the keys it signs with. */
async function accountOf(client: unknown): Promise<string> {
  const credentials = await (client as ClientWithCredentials).config.credentials();
  return credentials.accessKeyId === ROLE_KEY ? PROD : TOOLING;
}

/**
 * AWS, answering by credentials: STS says who they are; only the environment's account has
 * the baseline's API Gateway role. Every other call fails as the emulator's do (HTTP 500).
 */
function accountsByCredentials(): void {
  sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => {
    const account = await accountOf(getClient());
    return {
      Account: account,
      Arn:
        account === PROD
          ? `arn:aws:sts::${PROD}:assumed-role/OrganizationAccountAccessRole/healthcare-prod-deploy`
          : OPERATOR,
    };
  });
  apigateway
    .on(GetAccountCommand)
    .callsFake(async (_input, getClient) =>
      (await accountOf(getClient())) === PROD
        ? { cloudwatchRoleArn: `arn:aws:iam::${PROD}:role/healthcare-apigw-cloudwatch` }
        : {},
    );
  for (const mock of others) mock.onAnyCommand().rejects(stsError('Error', 'not here', 500));
}

beforeAll(() => {
  // The operator's own credentials, from the environment (the default chain reads them first).
  process.env.AWS_ACCESS_KEY_ID = 'AKIAOPERATOR';
  process.env.AWS_SECRET_ACCESS_KEY = 'operator-secret';
  delete process.env.AWS_PROFILE;
});
afterAll(() => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});
beforeEach(() => {
  for (const mock of [assumeRole, sts, apigateway, backup, ...others, ...baselineOthers]) {
    mock.reset();
  }
});

const role = (externalId?: string): DeployRole => ({
  roleArn: ROLE_ARN,
  accountId: PROD,
  sessionName: 'healthcare-prod-deploy',
  ...(externalId !== undefined ? { externalId } : {}),
});

describe('deployRoleCredentials: the role as the provider assumes it', () => {
  it('sends exactly the role ARN, the session name and the external id, through STS of the region', async () => {
    const seen: { region?: string; custom?: boolean }[] = [];
    assumeRole.on(NestedAssumeRoleCommand).callsFake(async (_input, getClient) => {
      const client = getClient();
      seen.push({ region: await client.config.region(), custom: client.config.isCustomEndpoint });
      return { Credentials: roleCredentials(ROLE_KEY) };
    });
    const provider = deployRoleCredentials(role('tooling-2026'), {
      region: 'eu-west-1',
      maxAttempts: 2,
    });
    expect(await provider()).toMatchObject({
      accessKeyId: ROLE_KEY,
      sessionToken: `${ROLE_KEY}-token`,
    });
    expect(assumeRole.commandCalls(NestedAssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: ROLE_ARN,
        RoleSessionName: 'healthcare-prod-deploy',
        ExternalId: 'tooling-2026',
      },
    ]);
    expect(seen).toEqual([{ region: 'eu-west-1', custom: false }]);
  });

  it('sends no ExternalId when none is set', async () => {
    assumeRole.on(NestedAssumeRoleCommand).resolves({ Credentials: roleCredentials(ROLE_KEY) });
    await deployRoleCredentials(role(), { region: 'us-east-1', maxAttempts: 1 })();
    expect(assumeRole.commandCalls(NestedAssumeRoleCommand)[0].args[0].input).toEqual({
      RoleArn: ROLE_ARN,
      RoleSessionName: 'healthcare-prod-deploy',
    });
  });

  it("assumes through an explicit endpoint with explicit credentials (the emulator's)", async () => {
    const seen: unknown[] = [];
    assumeRole.on(NestedAssumeRoleCommand).callsFake(async (_input, getClient) => {
      const client = getClient();
      const endpoint = await client.config.endpoint!();
      const credentials = await client.config.credentials();
      seen.push([
        `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`,
        credentials.accessKeyId,
        await client.config.region(),
      ]);
      return { Credentials: roleCredentials(ROLE_KEY) };
    });
    await deployRoleCredentials(role(), {
      region: 'eu-west-2',
      maxAttempts: 2,
      endpoint: 'http://127.0.0.1:5123',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    })();
    expect(seen).toEqual([['http://127.0.0.1:5123', 'testing', 'eu-west-2']]);
  });

  it('assumes once for every caller, and again only within the refresh margin of expiry', async () => {
    let now = 1_000_000;
    const expiresIn = (ms: number) => ({
      Credentials: { ...roleCredentials(ROLE_KEY), Expiration: new Date(now + ms) },
    });
    // One millisecond more than the margin: kept.
    assumeRole.on(NestedAssumeRoleCommand).resolves(expiresIn(ROLE_REFRESH_MARGIN_MS + 1));
    const provider = deployRoleCredentials(role(), {
      region: 'eu-west-1',
      maxAttempts: 2,
      now: () => now,
    });
    await Promise.all([provider(), provider(), provider()]);
    await provider();
    expect(assumeRole.commandCalls(NestedAssumeRoleCommand)).toHaveLength(1);
    // Exactly the margin left: renewed, once for callers that ask together.
    now += 1;
    const renewed = await Promise.all([provider(), provider()]);
    expect(renewed.map((c) => c.accessKeyId)).toEqual([ROLE_KEY, ROLE_KEY]);
    expect(assumeRole.commandCalls(NestedAssumeRoleCommand)).toHaveLength(2);
  });

  it('turns a refusal into DeployRoleRefused with AWS’s error, and asks again next time', async () => {
    const denied = stsError('AccessDenied', REFUSAL, 403);
    assumeRole
      .on(NestedAssumeRoleCommand)
      .rejectsOnce(denied)
      .resolves({ Credentials: roleCredentials(ROLE_KEY) });
    const provider = deployRoleCredentials(role(), { region: 'eu-west-1', maxAttempts: 1 });
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployRoleRefused);
    expect((error as DeployRoleRefused).cause).toBe(denied);
    expect((error as DeployRoleRefused).role.roleArn).toBe(ROLE_ARN);
    expect((error as Error).message).toBe(
      `could not assume ${ROLE_ARN}: AccessDenied, HTTP 403: ${REFUSAL.slice(0, 160)}`,
    );
    expect((await provider()).accessKeyId).toBe(ROLE_KEY);
    expect(assumeRole.commandCalls(NestedAssumeRoleCommand)).toHaveLength(2);
  });
});

describe('createPreflightClients with a role', () => {
  it('every client, derived ones too, acts as the role, assumed once', async () => {
    assumeRole.on(NestedAssumeRoleCommand).resolves({ Credentials: roleCredentials(ROLE_KEY) });
    const clients = createPreflightClients('eu-west-1', 2, role());
    const lambda = sameTarget(clients.sts, (c) => new LambdaClient(c))!;
    const keys = await Promise.all(
      [clients.sts, clients.rds, clients.elasticache, clients.ec2, clients.apigateway, lambda].map(
        async (c) =>
          (await (c as unknown as ClientWithCredentials).config.credentials()).accessKeyId,
      ),
    );
    expect(keys).toEqual(Array(6).fill(ROLE_KEY));
    expect(assumeRole.commandCalls(NestedAssumeRoleCommand)).toHaveLength(1);
    expect(await clients.sts.config.region()).toBe('eu-west-1');
    expect(await clients.rds.config.maxAttempts()).toBe(2);
  });

  it('without a role the clients keep the caller’s credentials and send no AssumeRole', async () => {
    const clients = createPreflightClients('eu-west-1');
    expect(
      (await (clients.ec2 as unknown as ClientWithCredentials).config.credentials()).accessKeyId,
    ).toBe('AKIAOPERATOR');
    expect(assumeRole.calls()).toHaveLength(0);
  });
});

describe('preflight of prod, an operator in the tooling account', () => {
  it('without DEPLOY_ROLE_ARN it asks the tooling account: the pin fails naming both accounts (the defect)', async () => {
    accountsByCredentials();
    const outcome = await preflight([prod()]);
    const pin = outcome.reports[0].results.find((r) => r.name === 'account pin');
    expect(pin).toEqual({
      name: 'account pin',
      status: 'fail',
      detail: `AWS_ACCOUNT_ID pins prod to account ${PROD}, but the credentials belong to account ${TOOLING}`,
      fix: `use credentials for account ${PROD}, or correct AWS_ACCOUNT_ID`,
    });
    expect(outcome.reports[0].accountId).toBe(TOOLING);
    expect(assumeRole.calls()).toHaveLength(0);
  });

  it('with DEPLOY_ROLE_ARN it asks the environment’s account through the role: pin and baseline pass', async () => {
    accountsByCredentials();
    assumeRole.on(NestedAssumeRoleCommand).resolves({ Credentials: roleCredentials(ROLE_KEY) });
    const outcome = await preflight([
      prod({ ...WITH_ROLE, DEPLOY_EXTERNAL_ID: 'prod=tooling-2026' }),
    ]);
    const [report] = outcome.reports;
    const row = (name: string) => report.results.find((r) => r.name === name);
    expect(report.accountId).toBe(PROD);
    expect(row('credentials and region')).toEqual({
      name: 'credentials and region',
      status: 'pass',
      detail: `account ${PROD} as arn:aws:sts::${PROD}:assumed-role/OrganizationAccountAccessRole/healthcare-prod-deploy, region eu-west-1`,
    });
    expect(row('account pin')).toEqual({
      name: 'account pin',
      status: 'pass',
      detail: `credentials are the pinned account ${PROD}`,
    });
    expect(row('account baseline')?.status).toBe('pass');
    expect(assumeRole.commandCalls(NestedAssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: ROLE_ARN,
        RoleSessionName: 'healthcare-prod-deploy',
        ExternalId: 'tooling-2026',
      },
    ]);
  });

  it('a role whose credentials are another account than the pin fails naming both', async () => {
    accountsByCredentials();
    assumeRole.on(NestedAssumeRoleCommand).resolves({ Credentials: roleCredentials(ROLE_KEY) });
    const config = { ...prod(WITH_ROLE), accountId: '333333333333' };
    const report = await runPreflight(
      config,
      createPreflightClients('eu-west-1', 2, config.deployRole),
    );
    expect(report.results.find((r) => r.name === 'account pin')).toEqual({
      name: 'account pin',
      status: 'fail',
      detail: `AWS_ACCOUNT_ID pins prod to account 333333333333, but the credentials belong to account ${PROD}`,
      fix: 'use credentials for account 333333333333, or correct AWS_ACCOUNT_ID',
    });
  });

  it('a refused AssumeRole is one FAIL row naming the setting, the role and AWS’s answer; the rest is skipped', async () => {
    accountsByCredentials();
    assumeRole.on(NestedAssumeRoleCommand).rejects(stsError('AccessDenied', REFUSAL, 403));
    const outcome = await preflight([
      prod({ ...WITH_ROLE, DEPLOY_EXTERNAL_ID: 'prod=tooling-2026' }),
    ]);
    const [identity, ...rest] = outcome.reports[0].results;
    expect(identity).toEqual({
      name: 'credentials and region',
      status: 'fail',
      detail: `could not assume DEPLOY_ROLE_ARN ${ROLE_ARN} (session healthcare-prod-deploy, external id from DEPLOY_EXTERNAL_ID) in eu-west-1: AccessDenied, HTTP 403: ${REFUSAL}`,
      fix: `the trust policy of ${ROLE_ARN} (in account ${PROD}) must allow the principal running this (the caller AWS names above) sts:AssumeRole with the condition sts:ExternalId equal to the value of DEPLOY_EXTERNAL_ID, and that principal's own IAM policy must allow sts:AssumeRole on the role; AWS answers AccessDenied for a role that does not exist too: check DEPLOY_ROLE_ARN`,
    });
    expect(outcome.counts.fail).toBe(1);
    // The configuration-only rows still answer; every AWS question is skipped with the reason.
    expect(rest.filter((r) => r.status === 'pass').map((r) => r.name)).toEqual([
      'alarm subscriber',
      'API custom domain',
    ]);
    const skipped = rest.filter((r) => r.status === 'not-verified');
    expect(skipped.length).toBe(rest.length - 2);
    expect(new Set(skipped.map((r) => r.detail))).toEqual(
      new Set(['skipped: the "credentials and region" check failed']),
    );
    expect(outcome.text).toContain(`2 passed, 1 failed, ${skipped.length} not verified`);
    // One AssumeRole, not one per check.
    expect(assumeRole.calls()).toHaveLength(1);
  });
});

describe('the refusal row', () => {
  const refused = (name: string, message: string, status?: number, externalId?: string) =>
    new DeployRoleRefused(role(externalId), stsError(name, message, status));
  const settings = { roleArn: 'DEPLOY_ROLE_ARN', externalId: 'DEPLOY_EXTERNAL_ID' };

  it('without an external id, the fix says when to set one', () => {
    const row = deployRoleRefusedResult(
      'who',
      'eu-west-1',
      refused('AccessDenied', REFUSAL, 403),
      settings,
    );
    expect(row.detail).toBe(
      `could not assume DEPLOY_ROLE_ARN ${ROLE_ARN} (session healthcare-prod-deploy) in eu-west-1: AccessDenied, HTTP 403: ${REFUSAL}`,
    );
    expect(row.fix).toBe(
      `the trust policy of ${ROLE_ARN} (in account ${PROD}) must allow the principal running this (the caller AWS names above) sts:AssumeRole (if it requires sts:ExternalId, set DEPLOY_EXTERNAL_ID to that value), and that principal's own IAM policy must allow sts:AssumeRole on the role; AWS answers AccessDenied for a role that does not exist too: check DEPLOY_ROLE_ARN`,
    );
  });

  it('no credentials to assume with: the fix is the caller’s credentials', () => {
    const row = deployRoleRefusedResult(
      'who',
      'eu-west-1',
      refused('CredentialsProviderError', 'Could not load credentials from any providers'),
      settings,
    );
    expect(row).toEqual({
      name: 'who',
      status: 'fail',
      detail: `could not assume DEPLOY_ROLE_ARN ${ROLE_ARN} (session healthcare-prod-deploy) in eu-west-1: CredentialsProviderError: Could not load credentials from any providers`,
      fix: 'provide valid credentials for the principal that assumes DEPLOY_ROLE_ARN (AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN]); refresh an expired SSO or session token',
    });
  });

  it('STS not reachable: the fix is the region and the network', () => {
    const error = Object.assign(
      stsError('Error', 'getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com'),
      {
        code: 'ENOTFOUND',
      },
    );
    const row = deployRoleRefusedResult(
      'who',
      'eu-west-1',
      new DeployRoleRefused(role(), error),
      settings,
    );
    expect(row.fix).toBe(
      'check AWS_REGION names a region enabled for the account, the network/proxy, and AWS_ENDPOINT_URL when targeting the emulator',
    );
  });

  it('keeps AWS’s message whole up to 600 characters (other errors: 160)', () => {
    const long = 'x'.repeat(601);
    const row = deployRoleRefusedResult('who', 'r', refused('AccessDenied', long, 403), settings);
    expect(row.detail.endsWith(`AccessDenied, HTTP 403: ${'x'.repeat(600)}`)).toBe(true);
    expect(describeError(stsError('AccessDenied', long)).text).toBe(
      `AccessDenied: ${'x'.repeat(160)}`,
    );
  });

  it('checkIdentity names the setting it is given (the baseline’s in the deploy flow)', async () => {
    assumeRole.on(NestedAssumeRoleCommand).rejects(stsError('AccessDenied', REFUSAL, 403));
    sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => ({
      Account: await accountOf(getClient()),
    }));
    const clients: PreflightClients = createPreflightClients('eu-west-1', 1, role());
    const { result, accountId } = await checkIdentity({ region: 'eu-west-1' }, clients.sts, {
      roleArn: 'BASELINE_DEPLOY_ROLE_ARN',
      externalId: 'BASELINE_DEPLOY_EXTERNAL_ID',
    });
    expect(accountId).toBeUndefined();
    expect(result.detail).toBe(
      `could not assume BASELINE_DEPLOY_ROLE_ARN ${ROLE_ARN} (session healthcare-prod-deploy) in eu-west-1: AccessDenied, HTTP 403: ${REFUSAL}`,
    );
  });
});

describe('preflight() builds clients per region and role', () => {
  it('an environment with a role gets its own clients; those without share the region’s', async () => {
    accountsByCredentials();
    assumeRole.on(NestedAssumeRoleCommand).resolves({ Credentials: roleCredentials(ROLE_KEY) });
    const configs = loadConfigs({
      env: {
        ...PROD_SETTINGS,
        ENVIRONMENT_SUFFIX: 'prod,qa,dev',
        API_DOMAIN_NAME: 'prod=api.example.org',
        API_CERTIFICATE_ARN: `prod=${CERT}`,
        ...WITH_ROLE,
      },
    });
    const built: [string, string | undefined][] = [];
    const outcome = await preflight(configs, {
      clientsFor: (region, r) => {
        built.push([region, r?.roleArn]);
        return createPreflightClients(region, 1, r);
      },
    });
    expect(built).toEqual([
      ['eu-west-1', ROLE_ARN],
      ['eu-west-1', undefined],
    ]);
    expect(outcome.reports.map((r) => [r.environment, r.accountId])).toEqual([
      ['prod', PROD],
      ['qa', TOOLING],
      ['dev', TOOLING],
    ]);
  });
});

describe('the baseline with BASELINE_DEPLOY_ROLE_ARN', () => {
  const BASELINE_ROLE = 'arn:aws:iam::222222222222:role/baseline-deploy';
  const baseline = () =>
    loadBaselineConfig({
      env: {
        BASELINE_ACCOUNT_ID: PROD,
        BASELINE_DEPLOY_ROLE_ARN: BASELINE_ROLE,
        BASELINE_DEPLOY_EXTERNAL_ID: 'baseline-2026',
        BASELINE_ALARM_EMAIL: 'security@example.org',
      },
    });

  it('its home and DR clients act as the role, assumed once as the baseline’s providers do', async () => {
    assumeRole.on(NestedAssumeRoleCommand).resolves({ Credentials: roleCredentials(ROLE_KEY) });
    const clients = createBaselineClients(baseline());
    const keys = await Promise.all(
      [clients.sts, clients.backup, clients.drBackup, clients.cloudTrail].map(
        async (c) =>
          (await (c as unknown as ClientWithCredentials).config.credentials()).accessKeyId,
      ),
    );
    expect(keys).toEqual(Array(4).fill(ROLE_KEY));
    expect(assumeRole.commandCalls(NestedAssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: BASELINE_ROLE,
        RoleSessionName: 'healthcare-account-deploy',
        ExternalId: 'baseline-2026',
      },
    ]);
  });

  it('a refused AssumeRole is one FAIL row naming BASELINE_DEPLOY_ROLE_ARN; the AWS checks are skipped', async () => {
    assumeRole
      .on(NestedAssumeRoleCommand)
      .rejects(stsError('AccessDenied', refusal(BASELINE_ROLE), 403));
    sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => ({
      Account: await accountOf(getClient()),
    }));
    backup.on(DescribeRegionSettingsCommand).resolves({});
    const rows = await preflightBaseline(baseline(), createBaselineClients(baseline(), 1));
    expect(rows[0]).toEqual({
      name: 'credentials and region',
      status: 'fail',
      detail: `could not assume BASELINE_DEPLOY_ROLE_ARN ${BASELINE_ROLE} (session healthcare-account-deploy, external id from BASELINE_DEPLOY_EXTERNAL_ID) in eu-west-1: AccessDenied, HTTP 403: ${refusal(BASELINE_ROLE)}`,
      fix: `the trust policy of ${BASELINE_ROLE} (in account ${PROD}) must allow the principal running this (the caller AWS names above) sts:AssumeRole with the condition sts:ExternalId equal to the value of BASELINE_DEPLOY_EXTERNAL_ID, and that principal's own IAM policy must allow sts:AssumeRole on the role; AWS answers AccessDenied for a role that does not exist too: check BASELINE_DEPLOY_ROLE_ARN`,
    });
    expect(rows[1]).toMatchObject({ name: 'baseline alarm subscriber', status: 'pass' });
    const skipped = rows.slice(2);
    expect(skipped.length).toBeGreaterThan(0);
    expect(new Set(skipped.map((r) => `${r.status}: ${r.detail}`))).toEqual(
      new Set(['not-verified: skipped: the "credentials and region" check failed']),
    );
    expect(backup.calls()).toHaveLength(0);
  });
});
