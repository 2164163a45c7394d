import { BackupClient, DescribeRegionSettingsCommand } from '@aws-sdk/client-backup';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
} from '@aws-sdk/client-config-service';
import { GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import {
  GetOpenIDConnectProviderCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
} from '@aws-sdk/client-iam';
import { DescribeHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { mockAws } from '../../support/aws-mock';
import { loadBaselineConfig } from '../../../config/baseline';
import {
  checkGithubOidcProvider,
  createBaselineClients,
  oidcProviderExistsMessage,
  oidcProviderMissingMessage,
  preflightBaseline,
} from '../../../tools/preflight';

const iam = mockAws(IAMClient);
const ARN = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
const OTHER = 'arn:aws:iam::111122223333:oidc-provider/gitlab.com';
const OWN_TAGS = [
  { Key: 'ManagedBy', Value: 'cdktf' },
  { Key: 'Component', Value: 'account-baseline' },
  { Key: 'Project', Value: 'healthcare-platform' },
];
const CI = {
  BASELINE_CI_REPOSITORY: 'octo-org/healthcare-platform',
  BASELINE_CI_ENVIRONMENTS: 'dev',
};
const config = (env: Record<string, string> = {}) => loadBaselineConfig({ env: { ...CI, ...env } });
const client = () => new IAMClient({ region: 'eu-west-1' });

function awsError(name: string, message: string, httpStatusCode?: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

/** The account's providers: GitLab's always; GitHub's with these tags and audiences. */
function providers(github?: { tags?: { Key: string; Value: string }[]; audiences?: string[] }) {
  iam
    .on(ListOpenIDConnectProvidersCommand)
    .resolves({ OpenIDConnectProviderList: [{ Arn: OTHER }, ...(github ? [{ Arn: ARN }] : [])] });
  iam.on(GetOpenIDConnectProviderCommand, { OpenIDConnectProviderArn: ARN }).resolves({
    Url: 'token.actions.githubusercontent.com',
    ClientIDList: github?.audiences ?? ['sts.amazonaws.com'],
    Tags: github?.tags ?? [],
  });
}

beforeEach(() => iam.reset());

describe('GitHub OIDC provider: BASELINE_CI_OIDC_PROVIDER=create (the default)', () => {
  it('passes when the account has none: the baseline creates it', async () => {
    providers();
    expect(await checkGithubOidcProvider(config(), client())).toEqual({
      name: 'GitHub OIDC provider',
      status: 'pass',
      detail: 'none yet: the baseline creates it',
    });
    expect(iam.commandCalls(GetOpenIDConnectProviderCommand)).toHaveLength(0);
  });

  it('refuses when the account has one the baseline did not make, naming BASELINE_CI_OIDC_PROVIDER=existing', async () => {
    providers({ tags: [{ Key: 'ManagedBy', Value: 'stacksets' }] });
    expect(await checkGithubOidcProvider(config(), client())).toEqual({
      name: 'GitHub OIDC provider',
      status: 'fail',
      detail:
        "BASELINE_CI_OIDC_PROVIDER=create, but this account already has GitHub's OIDC provider arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com, not made by this baseline: IAM allows one per URL and account, so creating it would fail with EntityAlreadyExists",
      fix: 'set BASELINE_CI_OIDC_PROVIDER=existing (the baseline then reads it and creates none)',
    });
    expect(oidcProviderExistsMessage('x')).toContain('BASELINE_CI_OIDC_PROVIDER=create, but');
  });

  it('refuses a provider with only one of the two baseline tags (not ours)', async () => {
    providers({ tags: [{ Key: 'ManagedBy', Value: 'cdktf' }] });
    expect((await checkGithubOidcProvider(config(), client()))?.status).toBe('fail');
  });

  it("passes the baseline's own provider (a second deploy)", async () => {
    providers({ tags: OWN_TAGS });
    expect(await checkGithubOidcProvider(config(), client())).toEqual({
      name: 'GitHub OIDC provider',
      status: 'pass',
      detail: `${ARN} is this baseline's`,
    });
  });

  it('in a BASELINE_ACCOUNT_WIDE=off region, refuses while the account-wide region has not made it', async () => {
    providers();
    expect(
      await checkGithubOidcProvider(config({ BASELINE_ACCOUNT_WIDE: 'off' }), client()),
    ).toEqual({
      name: 'GitHub OIDC provider',
      status: 'fail',
      detail:
        "no OIDC provider for https://token.actions.githubusercontent.com yet: with BASELINE_ACCOUNT_WIDE=off the CI roles trust the one the account-wide region's baseline creates",
      fix: "deploy TapAccountBaseline in the account's BASELINE_ACCOUNT_WIDE=on region first, or set BASELINE_CI_OIDC_PROVIDER=existing if someone else makes the provider",
    });
  });

  it('in a BASELINE_ACCOUNT_WIDE=off region, passes the provider the account-wide region made', async () => {
    providers({ tags: OWN_TAGS });
    expect(
      (await checkGithubOidcProvider(config({ BASELINE_ACCOUNT_WIDE: 'off' }), client()))?.status,
    ).toBe('pass');
  });
});

describe('GitHub OIDC provider: BASELINE_CI_OIDC_PROVIDER=existing', () => {
  const existing = () => config({ BASELINE_CI_OIDC_PROVIDER: 'existing' });

  it('refuses when the account has none', async () => {
    providers();
    expect(await checkGithubOidcProvider(existing(), client())).toEqual({
      name: 'GitHub OIDC provider',
      status: 'fail',
      detail:
        'BASELINE_CI_OIDC_PROVIDER=existing, but this account has no OIDC provider for https://token.actions.githubusercontent.com: the plan would stop at the data source that reads it',
      fix: "have the account's owner (the organization's platform team) create it with audience sts.amazonaws.com, or set BASELINE_CI_OIDC_PROVIDER=create to let the baseline create it",
    });
    expect(oidcProviderMissingMessage()).toBe(
      'BASELINE_CI_OIDC_PROVIDER=existing, but this account has no OIDC provider for https://token.actions.githubusercontent.com: the plan would stop at the data source that reads it',
    );
  });

  it("passes the organization's provider with the STS audience", async () => {
    providers({ audiences: ['sigstore', 'sts.amazonaws.com'] });
    expect(await checkGithubOidcProvider(existing(), client())).toEqual({
      name: 'GitHub OIDC provider',
      status: 'pass',
      detail: `the account's provider ${ARN} (audience sts.amazonaws.com): the CI roles trust it, nothing is created`,
    });
    expect(iam.commandCalls(GetOpenIDConnectProviderCommand)[0].args[0].input).toEqual({
      OpenIDConnectProviderArn: ARN,
    });
  });

  it('refuses a provider without the STS audience', async () => {
    providers({ audiences: ['sigstore'] });
    expect(await checkGithubOidcProvider(existing(), client())).toEqual({
      name: 'GitHub OIDC provider',
      status: 'fail',
      detail: `${ARN} admits the audiences sigstore, not sts.amazonaws.com: STS would refuse the CI roles' tokens (aws-actions/configure-aws-credentials asks for sts.amazonaws.com)`,
      fix: `have its owner add the audience (aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${ARN} --client-id sts.amazonaws.com)`,
    });
  });

  it('says (none) for a provider with no audience at all', async () => {
    providers({ audiences: [] });
    expect((await checkGithubOidcProvider(existing(), client()))?.detail).toBe(
      `${ARN} admits the audiences (none), not sts.amazonaws.com: STS would refuse the CI roles' tokens (aws-actions/configure-aws-credentials asks for sts.amazonaws.com)`,
    );
  });

  it("refuses switching the baseline's own provider to existing: that would delete it", async () => {
    providers({ tags: OWN_TAGS });
    expect(await checkGithubOidcProvider(existing(), client())).toEqual({
      name: 'GitHub OIDC provider',
      status: 'fail',
      detail: `BASELINE_CI_OIDC_PROVIDER=existing, but ${ARN} is this baseline's own (tags ManagedBy=cdktf, Component=account-baseline): switching would delete it`,
      fix: "keep BASELINE_CI_OIDC_PROVIDER=create, or remove it from TapAccountBaseline's state (terraform state rm) before another owner takes it over",
    });
  });
});

describe('GitHub OIDC provider: no answer, no CI roles', () => {
  it('is not verified when IAM refuses, with the permissions it needs', async () => {
    iam
      .on(ListOpenIDConnectProvidersCommand)
      .rejects(
        awsError('AccessDenied', 'not authorized to perform iam:ListOpenIDConnectProviders', 403),
      );
    const row = await checkGithubOidcProvider(config(), client());
    expect(row?.status).toBe('not-verified');
    expect(row?.detail).toContain('IAM ListOpenIDConnectProviders/GetOpenIDConnectProvider');
    expect(row?.detail).toContain('AccessDenied');
  });

  it('reads an empty answer as no provider', async () => {
    iam.on(ListOpenIDConnectProvidersCommand).resolves({});
    expect((await checkGithubOidcProvider(config(), client()))?.detail).toBe(
      'none yet: the baseline creates it',
    );
  });

  it('asks nothing without BASELINE_CI_REPOSITORY', async () => {
    expect(await checkGithubOidcProvider(loadBaselineConfig({ env: {} }), client())).toBe(
      undefined,
    );
    expect(iam.calls()).toHaveLength(0);
  });
});

describe('preflightBaseline with CI roles', () => {
  const sts = mockClient(STSClient);
  const backup = mockClient(BackupClient);
  const guardDuty = mockClient(GuardDutyClient);
  const securityHub = mockClient(SecurityHubClient);
  const configService = mockClient(ConfigServiceClient);
  const cloudTrail = mockClient(CloudTrailClient);
  afterAll(() => {
    for (const m of [sts, backup, guardDuty, securityHub, configService, cloudTrail]) m.restore();
  });

  it('adds the GitHub OIDC provider row last', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333', Arn: 'arn:x' });
    backup.on(DescribeRegionSettingsCommand).resolves({});
    guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    securityHub
      .on(DescribeHubCommand)
      .rejects(awsError('InvalidAccessException', 'not subscribed'));
    configService.on(DescribeConfigurationRecordersCommand).resolves({});
    cloudTrail.on(DescribeTrailsCommand).resolves({});
    providers({ tags: [] });
    const c = config({ BASELINE_CI_OIDC_PROVIDER: 'existing' });
    const rows = await preflightBaseline(c, createBaselineClients(c));
    expect(rows.map((r) => r.name).slice(-2)).toEqual(['CloudTrail', 'GitHub OIDC provider']);
    expect(rows[rows.length - 1].status).toBe('pass');
  });

  it('lists the row as skipped when the credentials fail, only with CI roles', async () => {
    sts.on(GetCallerIdentityCommand).rejects(awsError('ExpiredToken', 'expired', 403));
    const withCi = await preflightBaseline(config(), createBaselineClients(config()));
    expect(withCi[withCi.length - 1]).toEqual({
      name: 'GitHub OIDC provider',
      status: 'not-verified',
      detail: 'skipped: the "credentials and region" check failed',
    });
    const none = loadBaselineConfig({ env: {} });
    const without = await preflightBaseline(none, createBaselineClients(none));
    expect(without.map((r) => r.name)).not.toContain('GitHub OIDC provider');
    expect(without).toHaveLength(8);
  });
});
