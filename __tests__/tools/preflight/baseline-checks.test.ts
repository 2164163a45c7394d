import { BackupClient, DescribeRegionSettingsCommand } from '@aws-sdk/client-backup';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
} from '@aws-sdk/client-config-service';
import {
  GetDetectorCommand,
  GuardDutyClient,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import {
  DescribeHubCommand,
  GetAdministratorAccountCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockAws } from '../../support/aws-mock';
import { loadBaselineConfig } from '../../../config/baseline';
import { baselineAlarmSubscriberMessage } from '../../../constructs/safety-nets/gate-messages';
import {
  BaselineClients,
  checkBackupOptIn,
  checkBaselineAlarmSubscriber,
  checkCloudTrail,
  checkConfigRecorder,
  checkGuardDuty,
  checkSecurityHub,
  createBaselineClients,
  preflightBaseline,
} from '../../../tools/preflight';

const sts = mockAws(STSClient);
const backup = mockAws(BackupClient);
const guardDuty = mockAws(GuardDutyClient);
const securityHub = mockAws(SecurityHubClient);
const configService = mockAws(ConfigServiceClient);
const cloudTrail = mockAws(CloudTrailClient);

const config = (env: Record<string, string> = {}) => loadBaselineConfig({ env });
const clients = (): BaselineClients => createBaselineClients(config());

function awsError(name: string, message: string, httpStatusCode?: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}
const OWN_TAGS = {
  ManagedBy: 'cdktf',
  Component: 'account-baseline',
  Project: 'healthcare-platform',
};
const ALL_OPTED_IN = {
  ResourceTypeOptInPreference: { RDS: true, S3: true, DynamoDB: true, EFS: false },
  ResourceTypeManagementPreference: { DynamoDB: true, EFS: true },
};

beforeEach(() => {
  for (const mock of [sts, backup, guardDuty, securityHub, configService, cloudTrail]) mock.reset();
});

/** An account where nothing the baseline creates exists yet, everything opted in. */
function freshAccount(): void {
  sts.on(GetCallerIdentityCommand).resolves({
    Account: '111122223333',
    Arn: 'arn:aws:sts::111122223333:assumed-role/deployer/ci',
  });
  backup.on(DescribeRegionSettingsCommand).resolves(ALL_OPTED_IN);
  guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
  securityHub
    .on(DescribeHubCommand)
    .rejects(
      awsError(
        'InvalidAccessException',
        'Account 111122223333 is not subscribed to AWS Security Hub',
        401,
      ),
    );
  configService.on(DescribeConfigurationRecordersCommand).resolves({ ConfigurationRecorders: [] });
  cloudTrail.on(DescribeTrailsCommand).resolves({ trailList: [] });
}

describe('preflightBaseline', () => {
  it('passes a fresh account with every control on and a subscriber, in order', async () => {
    freshAccount();
    const rows = await preflightBaseline(
      config({ BASELINE_ALARM_EMAIL: 'sec@example.org' }),
      clients(),
    );
    expect(rows.map((r) => [r.name, r.status, r.detail])).toEqual([
      [
        'credentials and region',
        'pass',
        'account 111122223333 as arn:aws:sts::111122223333:assumed-role/deployer/ci, region eu-west-1',
      ],
      ['baseline alarm subscriber', 'pass', 'security alarms go to sec@example.org'],
      [
        'AWS Backup opt-in (home region)',
        'pass',
        'AWS Backup in eu-west-1 is opted in for RDS, S3, DynamoDB',
      ],
      [
        'AWS Backup opt-in (DR region)',
        'pass',
        'AWS Backup in eu-central-1 is opted in for RDS, S3, DynamoDB',
      ],
      ['GuardDuty', 'pass', 'no detector yet: the baseline creates one'],
      ['Security Hub', 'pass', 'no hub yet: the baseline creates one'],
      ['AWS Config', 'pass', 'no configuration recorder yet: the baseline creates one'],
      ['CloudTrail', 'pass', 'no organization trail: the baseline runs healthcare-account-trail'],
    ]);
  });

  it('skips every account question when the credentials fail, but still checks the subscriber', async () => {
    freshAccount();
    sts
      .on(GetCallerIdentityCommand)
      .rejects(
        awsError('ExpiredToken', 'The security token included in the request is expired', 403),
      );
    const rows = await preflightBaseline(config(), clients());
    expect(rows[0]).toEqual({
      name: 'credentials and region',
      status: 'fail',
      detail:
        'STS GetCallerIdentity failed in eu-west-1: ExpiredToken, HTTP 403: The security token included in the request is expired',
      fix: 'provide valid credentials for the target account (AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN])',
    });
    expect(rows[1].status).toBe('fail');
    expect(rows.slice(2).map((r) => [r.name, r.status])).toEqual([
      ['AWS Backup opt-in (home region)', 'not-verified'],
      ['AWS Backup opt-in (DR region)', 'not-verified'],
      ['GuardDuty', 'not-verified'],
      ['Security Hub', 'not-verified'],
      ['AWS Config', 'not-verified'],
      ['CloudTrail', 'not-verified'],
    ]);
    expect(rows[7].detail).toBe('skipped: the "credentials and region" check failed');
  });

  it('refuses clients of another region than the home region', async () => {
    const rows = await preflightBaseline(config({ BASELINE_REGION: 'us-east-1' }), clients());
    expect(rows[0]).toMatchObject({
      status: 'fail',
      detail: "the SDK client targets eu-west-1, but the baseline's home region is us-east-1",
    });
  });
});

describe('createBaselineClients', () => {
  it('asks the home region, and AWS Backup of the DR region too', async () => {
    const c = createBaselineClients(config({ BASELINE_REGION: 'us-east-1' }));
    expect(await c.sts.config.region()).toBe('us-east-1');
    expect(await c.backup.config.region()).toBe('us-east-1');
    expect(await c.drBackup.config.region()).toBe('us-west-2');
    expect(await c.cloudTrail.config.region()).toBe('us-east-1');
  });
});

describe('baseline alarm subscriber', () => {
  it("fails a production baseline with no BASELINE_ALARM_EMAIL, with the deploy gate's words", () => {
    expect(checkBaselineAlarmSubscriber(config())).toEqual({
      name: 'baseline alarm subscriber',
      status: 'fail',
      detail: baselineAlarmSubscriberMessage(),
      fix: 'set BASELINE_ALARM_EMAIL=<an address that answers security alarms>',
    });
    expect(baselineAlarmSubscriberMessage()).toBe(
      "BASELINE_ALARM_EMAIL is not set: the production account baseline's security alarms (trail alarms, GuardDuty and Security Hub findings, failed backup, copy and restore jobs) would reach nobody. Set BASELINE_ALARM_EMAIL to an address that answers them.",
    );
  });

  it('passes the standard profile without one', () => {
    expect(checkBaselineAlarmSubscriber(config({ BASELINE_PROFILE: 'standard' }))).toEqual({
      name: 'baseline alarm subscriber',
      status: 'pass',
      detail: 'no subscriber (BASELINE_ALARM_EMAIL unset); allowed outside the production profile',
    });
  });
});

describe('AWS Backup opt-in', () => {
  const client = () => new BackupClient({ region: 'eu-central-1' });

  it('fails a region not opted in for a type the selections pick, naming the fix', async () => {
    backup
      .on(DescribeRegionSettingsCommand)
      .resolves({ ResourceTypeOptInPreference: { RDS: true, DynamoDB: true } });
    expect(
      await checkBackupOptIn('AWS Backup opt-in (DR region)', 'eu-central-1', client()),
    ).toEqual({
      name: 'AWS Backup opt-in (DR region)',
      status: 'fail',
      detail:
        'AWS Backup in eu-central-1 is not opted in for S3: the tag-based selections would skip those resources without an error',
      fix: 'aws backup update-region-settings --region eu-central-1 --resource-type-opt-in-preference RDS=true,S3=true,DynamoDB=true (the setting replaces the whole map: list every type that is opted in now too, as DescribeRegionSettings shows)',
    });
  });

  it('fails an explicit false and an empty answer alike', async () => {
    backup
      .on(DescribeRegionSettingsCommand)
      .resolves({ ResourceTypeOptInPreference: { RDS: false, S3: true, DynamoDB: true } });
    expect((await checkBackupOptIn('x', 'eu-central-1', client())).detail).toMatch(
      /not opted in for RDS:/,
    );
    backup.on(DescribeRegionSettingsCommand).resolves({});
    expect((await checkBackupOptIn('x', 'eu-central-1', client())).detail).toMatch(
      /not opted in for RDS, S3, DynamoDB:/,
    );
  });

  it('fails the home region (where copies start) without advanced DynamoDB backup; the DR region needs none', async () => {
    backup.on(DescribeRegionSettingsCommand).resolves({
      ...ALL_OPTED_IN,
      ResourceTypeManagementPreference: { DynamoDB: false },
    });
    expect(await checkBackupOptIn('home', 'eu-west-1', client(), true)).toEqual({
      name: 'home',
      status: 'fail',
      detail:
        "AWS Backup in eu-west-1 does not fully manage DynamoDB (advanced DynamoDB backup is off): the nightly copy of the state lock table's recovery point to the DR region would fail",
      fix: 'aws backup update-region-settings --region eu-west-1 --resource-type-management-preference DynamoDB=true (keep the other types as DescribeRegionSettings shows them)',
    });
    expect((await checkBackupOptIn('dr', 'eu-central-1', client())).status).toBe('pass');
    backup
      .on(DescribeRegionSettingsCommand)
      .resolves({ ResourceTypeOptInPreference: ALL_OPTED_IN.ResourceTypeOptInPreference });
    expect((await checkBackupOptIn('home', 'eu-west-1', client(), true)).status).toBe('fail');
  });

  it('cannot verify when the target does not answer', async () => {
    backup
      .on(DescribeRegionSettingsCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized', 400));
    expect(await checkBackupOptIn('x', 'eu-central-1', client())).toEqual({
      name: 'x',
      status: 'not-verified',
      detail:
        'not permitted to call AWS Backup DescribeRegionSettings in eu-central-1: AccessDeniedException, HTTP 400: not authorized',
      fix: 'grant backup:DescribeRegionSettings to the deploying role',
    });
  });
});

describe('GuardDuty against BASELINE_GUARDDUTY', () => {
  const client = () => new GuardDutyClient({ region: 'eu-west-1' });
  const detector = (tags: Record<string, string>, status = 'ENABLED') => {
    guardDuty
      .on(ListDetectorsCommand)
      .resolves({ DetectorIds: ['12abc34d567e8fa901bc2d34e56789f0'] });
    guardDuty
      .on(GetDetectorCommand)
      .resolves({ Status: status, Tags: tags, ServiceRole: 'x', CreatedAt: 'x' } as never);
  };

  it('fails on with a detector the baseline does not own, as the brief words it', async () => {
    detector({ Owner: 'security-team' });
    expect(await checkGuardDuty(config(), client())).toEqual({
      name: 'GuardDuty',
      status: 'fail',
      detail:
        'GuardDuty already has a detector (12abc34d567e8fa901bc2d34e56789f0) in this account: set BASELINE_GUARDDUTY=organization if the organization manages it',
      fix: "set BASELINE_GUARDDUTY=organization (the organization's detector stays as it is), or import the detector into the baseline's state",
    });
  });

  it("passes on with the baseline's own detector (its default tags)", async () => {
    detector(OWN_TAGS);
    expect((await checkGuardDuty(config(), client())).status).toBe('pass');
  });

  it("passes organization with the organization's enabled detector, fails it disabled or absent", async () => {
    const org = config({ BASELINE_GUARDDUTY: 'organization' });
    detector({});
    expect(await checkGuardDuty(org, client())).toMatchObject({
      status: 'pass',
      detail: "the organization's detector (12abc34d567e8fa901bc2d34e56789f0) is ENABLED",
    });
    detector({}, 'DISABLED');
    expect(await checkGuardDuty(org, client())).toMatchObject({
      status: 'fail',
      detail:
        "BASELINE_GUARDDUTY=organization, but GuardDuty is not enabled for this account in eu-west-1: the organization does not run it here. Have the organization's delegated administrator enable it for this account, or set BASELINE_GUARDDUTY=on to let the baseline run it.",
    });
    guardDuty.reset();
    guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    expect(await checkGuardDuty(org, client())).toEqual({
      name: 'GuardDuty',
      status: 'fail',
      detail:
        "BASELINE_GUARDDUTY=organization, but GuardDuty is not enabled for this account in eu-west-1: the organization does not run it here. Have the organization's delegated administrator enable it for this account, or set BASELINE_GUARDDUTY=on to let the baseline run it.",
      fix: "enable GuardDuty for this account through the organization's delegated administrator, or set BASELINE_GUARDDUTY=on",
    });
  });

  it('says what is wrong and what to do for every organization-mode service the region lacks', async () => {
    freshAccount();
    const org = config({
      BASELINE_GUARDDUTY: 'organization',
      BASELINE_SECURITY_HUB: 'organization',
      BASELINE_CONFIG: 'organization',
      BASELINE_CLOUDTRAIL: 'organization',
      BASELINE_REGION: 'eu-west-1',
    });
    const rows = await preflightBaseline(org, clients());
    const missing = (service: string, variable: string) =>
      `${variable}=organization, but ${service} is not enabled for this account in eu-west-1: the organization does not run it here. Have the organization's delegated administrator enable it for this account, or set ${variable}=on to let the baseline run it.`;
    expect(rows.slice(4).map((r) => [r.name, r.status, r.detail, r.fix])).toEqual([
      [
        'GuardDuty',
        'fail',
        missing('GuardDuty', 'BASELINE_GUARDDUTY'),
        "enable GuardDuty for this account through the organization's delegated administrator, or set BASELINE_GUARDDUTY=on",
      ],
      [
        'Security Hub',
        'fail',
        missing('Security Hub', 'BASELINE_SECURITY_HUB'),
        "enable Security Hub for this account through the organization's delegated administrator, or set BASELINE_SECURITY_HUB=on",
      ],
      [
        'AWS Config',
        'fail',
        missing('AWS Config', 'BASELINE_CONFIG'),
        "enable AWS Config for this account through the organization's delegated administrator, or set BASELINE_CONFIG=on",
      ],
      [
        'CloudTrail',
        'fail',
        missing('CloudTrail', 'BASELINE_CLOUDTRAIL'),
        "enable CloudTrail for this account through the organization's delegated administrator, or set BASELINE_CLOUDTRAIL=on",
      ],
    ]);
  });

  it("fails organization when the detector is the baseline's own: switching would delete it", async () => {
    detector(OWN_TAGS);
    expect(
      await checkGuardDuty(config({ BASELINE_GUARDDUTY: 'organization' }), client()),
    ).toMatchObject({
      status: 'fail',
      detail:
        "BASELINE_GUARDDUTY=organization, but a detector (12abc34d567e8fa901bc2d34e56789f0) is this baseline's own: switching would delete it",
    });
  });

  it('passes off either way', async () => {
    const off = config({ BASELINE_GUARDDUTY: 'off' });
    detector({});
    expect(await checkGuardDuty(off, client())).toMatchObject({
      status: 'pass',
      detail:
        'a detector (12abc34d567e8fa901bc2d34e56789f0) exists; BASELINE_GUARDDUTY=off: not managed or watched here',
    });
    guardDuty.reset();
    guardDuty.on(ListDetectorsCommand).resolves({});
    expect(await checkGuardDuty(off, client())).toMatchObject({
      status: 'pass',
      detail: 'no detector; BASELINE_GUARDDUTY=off: neither created nor watched',
    });
  });

  it('cannot verify on an API the target lacks', async () => {
    guardDuty.on(ListDetectorsCommand).rejects(awsError('Error', 'Internal Server Error', 500));
    expect((await checkGuardDuty(config(), client())).status).toBe('not-verified');
  });
});

describe('Security Hub against BASELINE_SECURITY_HUB', () => {
  const client = () => new SecurityHubClient({ region: 'eu-west-1' });
  const HUB = 'arn:aws:securityhub:eu-west-1:111122223333:hub/default';
  const hub = (administrator?: string) => {
    securityHub.on(DescribeHubCommand).resolves({ HubArn: HUB });
    securityHub
      .on(GetAdministratorAccountCommand)
      .resolves(administrator ? { Administrator: { AccountId: administrator } } : {});
  };

  it('fails on when an administrator account already runs it', async () => {
    hub('999988887777');
    expect(await checkSecurityHub(config(), client())).toEqual({
      name: 'Security Hub',
      status: 'fail',
      detail:
        'Security Hub already has a hub administered by account 999988887777 in this account: set BASELINE_SECURITY_HUB=organization if the organization manages it',
      fix: 'set BASELINE_SECURITY_HUB=organization',
    });
  });

  it('cannot tell on with a hub nobody administers: this baseline, or by hand', async () => {
    hub();
    expect(await checkSecurityHub(config(), client())).toMatchObject({
      status: 'not-verified',
      detail: `Security Hub is enabled (${HUB}) with no administrator account: by this baseline (nothing to do) or by hand (the deploy then fails with ResourceConflictException)`,
    });
  });

  it('passes organization with an administrator, fails it without one or without a hub', async () => {
    const org = config({ BASELINE_SECURITY_HUB: 'organization' });
    hub('999988887777');
    expect(await checkSecurityHub(org, client())).toMatchObject({
      status: 'pass',
      detail: `enabled (${HUB}), administered by account 999988887777`,
    });
    hub();
    expect(await checkSecurityHub(org, client())).toMatchObject({
      status: 'fail',
      detail: `BASELINE_SECURITY_HUB=organization, but Security Hub (${HUB}) has no administrator account: no organization manages it here`,
    });
    securityHub.reset();
    securityHub
      .on(DescribeHubCommand)
      .rejects(awsError('ResourceNotFoundException', 'hub not found', 404));
    expect(await checkSecurityHub(org, client())).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(
        /^BASELINE_SECURITY_HUB=organization, but Security Hub is not enabled/,
      ),
    });
  });

  it('passes off either way', async () => {
    hub('999988887777');
    expect(
      (await checkSecurityHub(config({ BASELINE_SECURITY_HUB: 'off' }), client())).detail,
    ).toBe(`enabled (${HUB}); BASELINE_SECURITY_HUB=off: not managed or watched here`);
  });

  it('cannot verify when DescribeHub or GetAdministratorAccount fail otherwise', async () => {
    securityHub.on(DescribeHubCommand).rejects(awsError('AccessDeniedException', 'no', 403));
    expect(await checkSecurityHub(config(), client())).toMatchObject({
      status: 'not-verified',
      fix: 'grant securityhub:DescribeHub to the deploying role',
    });
    securityHub.reset();
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub
      .on(GetAdministratorAccountCommand)
      .rejects(awsError('AccessDeniedException', 'no', 403));
    expect(await checkSecurityHub(config(), client())).toMatchObject({
      status: 'not-verified',
      fix: 'grant securityhub:GetAdministratorAccount to the deploying role',
    });
  });
});

describe('AWS Config against BASELINE_CONFIG', () => {
  const client = () => new ConfigServiceClient({ region: 'eu-west-1' });
  const recorders = (...names: string[]) =>
    configService.on(DescribeConfigurationRecordersCommand).resolves({
      ConfigurationRecorders: [
        {
          name: 'AWSConfigurationRecorderForSecurityHub',
          servicePrincipal: 'securityhub.amazonaws.com',
        },
        ...names.map((name) => ({ name })),
      ],
    });
  const recording = (on: boolean) =>
    configService
      .on(DescribeConfigurationRecorderStatusCommand)
      .resolves({ ConfigurationRecordersStatus: [{ name: 'default', recording: on }] });

  it('fails on with a recorder of another owner; ignores service-linked recorders', async () => {
    recorders('default');
    expect(await checkConfigRecorder(config(), client())).toEqual({
      name: 'AWS Config',
      status: 'fail',
      detail:
        'AWS Config already has a configuration recorder (default) in this account: set BASELINE_CONFIG=organization if the organization manages it',
      fix: 'set BASELINE_CONFIG=organization (AWS Config allows one recorder per region)',
    });
    recorders();
    expect((await checkConfigRecorder(config(), client())).detail).toBe(
      'no configuration recorder yet: the baseline creates one',
    );
  });

  it("passes on with the baseline's own recorder", async () => {
    recorders('healthcare-account');
    expect((await checkConfigRecorder(config(), client())).status).toBe('pass');
  });

  it("passes organization with the organization's recording recorder, fails it stopped, its own, or absent", async () => {
    const org = config({ BASELINE_CONFIG: 'organization' });
    recorders('default');
    recording(true);
    expect((await checkConfigRecorder(org, client())).detail).toBe(
      "the organization's recorder default is recording",
    );
    recording(false);
    expect((await checkConfigRecorder(org, client())).detail).toMatch(
      /^BASELINE_CONFIG=organization, but AWS Config is not enabled for this account in eu-west-1/,
    );
    recorders('healthcare-account');
    expect((await checkConfigRecorder(org, client())).detail).toBe(
      "BASELINE_CONFIG=organization, but the recorder healthcare-account is this baseline's own: switching would delete it",
    );
    recorders();
    expect((await checkConfigRecorder(org, client())).status).toBe('fail');
  });

  it('passes off with a recorder, and cannot verify on errors', async () => {
    recorders('default');
    expect((await checkConfigRecorder(config({ BASELINE_CONFIG: 'off' }), client())).status).toBe(
      'pass',
    );
    configService.on(DescribeConfigurationRecordersCommand).rejects(awsError('Error', 'boom', 500));
    expect((await checkConfigRecorder(config(), client())).status).toBe('not-verified');
  });
});

describe('CloudTrail against BASELINE_CLOUDTRAIL', () => {
  const client = () => new CloudTrailClient({ region: 'eu-west-1' });
  const ORG_TRAIL = {
    Name: 'org-trail',
    IsOrganizationTrail: true,
    TrailARN: 'arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail',
  };
  const trails = (...list: object[]) =>
    cloudTrail.on(DescribeTrailsCommand).resolves({ trailList: list });

  it('fails on when an organization trail already records the account', async () => {
    trails(ORG_TRAIL);
    expect(await checkCloudTrail(config(), client())).toEqual({
      name: 'CloudTrail',
      status: 'fail',
      detail:
        'CloudTrail already has an organization trail (org-trail) in this account: set BASELINE_CLOUDTRAIL=organization if the organization manages it',
      fix: 'set BASELINE_CLOUDTRAIL=organization (a second trail records every event twice, and is billed twice)',
    });
  });

  it('passes on with its own trail, naming other account trails it leaves alone', async () => {
    trails({ Name: 'healthcare-account-trail' }, { Name: 'legacy' });
    expect((await checkCloudTrail(config(), client())).detail).toBe(
      'no organization trail: the baseline runs healthcare-account-trail; also here, not managed by the baseline: legacy',
    );
  });

  it('passes organization with an organization trail, fails it without one', async () => {
    const org = config({ BASELINE_CLOUDTRAIL: 'organization' });
    trails(ORG_TRAIL);
    expect((await checkCloudTrail(org, client())).detail).toBe(
      'the organization trail org-trail records this account',
    );
    trails({ Name: 'legacy' });
    expect(await checkCloudTrail(org, client())).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(
        /^BASELINE_CLOUDTRAIL=organization, but CloudTrail is not enabled/,
      ),
    });
  });

  it('passes off, and cannot verify on errors', async () => {
    trails();
    expect((await checkCloudTrail(config({ BASELINE_CLOUDTRAIL: 'off' }), client())).detail).toBe(
      'BASELINE_CLOUDTRAIL=off: no trail is watched here',
    );
    trails({ Name: 'legacy' });
    expect((await checkCloudTrail(config({ BASELINE_CLOUDTRAIL: 'off' }), client())).detail).toBe(
      'BASELINE_CLOUDTRAIL=off; also here, not managed by the baseline: legacy',
    );
    cloudTrail.on(DescribeTrailsCommand).rejects(awsError('Error', 'boom', 500));
    expect((await checkCloudTrail(config(), client())).status).toBe('not-verified');
  });
});
