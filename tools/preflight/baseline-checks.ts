/**
 * `npm run preflight -- --baseline`: what only the target account can answer about the
 * account baseline (TapAccountBaseline), asked before anything is created:
 *
 * - who the credentials are, in the home region;
 * - a production baseline has someone on the alarm topic (the same message as the deploy
 *   gate in the synthesized Terraform, constructs/safety-nets/gate-messages.ts);
 * - AWS Backup is opted in for the resource types the tag-based selections pick (RDS, S3,
 *   DynamoDB), in the home and the DR region: "If resource assignments are only based on
 *   tags, then service opt-in settings are applied" and "Service opt-in settings are
 *   Region-specific" (https://docs.aws.amazon.com/aws-backup/latest/devguide/working-with-supported-services.html);
 * - each service the baseline would create (GuardDuty, Security Hub, AWS Config, CloudTrail)
 *   against its setting: `on` fails when the account already runs one the baseline does not
 *   own (set `organization`), `organization` fails when the service is not running.
 *
 * Rows are preflight's CheckResult: pass, fail (with the fix) or not-verified.
 */
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
import type { BaselineConfig, ServiceMode } from '../../config/baseline';
import {
  BASELINE_ALARM_EMAIL_VARIABLE,
  BASELINE_ALARM_GATE,
  baselineAlarmSubscriberMessage,
  organizationServiceMissingMessage,
} from '../../constructs/safety-nets/gate-messages';
import { describeError, notVerified } from './aws-answers';
import type { CheckResult } from './preflight';

/** The settings the baseline preflight reads: a BaselineConfig satisfies it. */
export type BaselinePreflightConfig = Pick<
  BaselineConfig,
  | 'region'
  | 'drRegion'
  | 'cloudTrail'
  | 'config'
  | 'guardDuty'
  | 'securityHub'
  | 'alarmEmail'
  | 'alarmSubscriberRequired'
> & {
  readonly names: Pick<BaselineConfig['names'], 'trail' | 'configRecorder'>;
};

/** SDK v3 clients: the home region's, and AWS Backup's of the DR region. Inject stubs in tests. */
export interface BaselineClients {
  readonly sts: STSClient;
  readonly backup: BackupClient;
  readonly drBackup: BackupClient;
  readonly guardDuty: GuardDutyClient;
  readonly securityHub: SecurityHubClient;
  readonly configService: ConfigServiceClient;
  readonly cloudTrail: CloudTrailClient;
}

export const BASELINE_CHECK_NAMES = {
  identity: 'credentials and region',
  alarmSubscriber: BASELINE_ALARM_GATE,
  backupHome: 'AWS Backup opt-in (home region)',
  backupDr: 'AWS Backup opt-in (DR region)',
  guardDuty: 'GuardDuty',
  securityHub: 'Security Hub',
  config: 'AWS Config',
  cloudTrail: 'CloudTrail',
} as const;

/** The resource types the PHI and synthetic selections pick by tag (database, state bucket, lock table). */
export const BACKED_UP_RESOURCE_TYPES = ['RDS', 'S3', 'DynamoDB'] as const;

/** The provider default tags that mark the baseline's own resources (stacks/account-baseline-stack.ts). */
const OWN_TAGS = { ManagedBy: 'cdktf', Component: 'account-baseline' } as const;

const VARIABLES = {
  cloudTrail: 'BASELINE_CLOUDTRAIL',
  config: 'BASELINE_CONFIG',
  guardDuty: 'BASELINE_GUARDDUTY',
  securityHub: 'BASELINE_SECURITY_HUB',
} as const;

/** The service already runs here but not as the baseline's: `on` would collide with it. */
export function alreadyRunsMessage(service: string, what: string, variable: string): string {
  return `${service} already has ${what} in this account: set ${variable}=organization if the organization manages it`;
}

/** Clients for the baseline's home region (and AWS Backup's of the DR region). */
export function createBaselineClients(
  config: Pick<BaselineConfig, 'region' | 'drRegion'>,
  maxAttempts = 2,
): BaselineClients {
  const home = { region: config.region, maxAttempts };
  return {
    sts: new STSClient(home),
    backup: new BackupClient(home),
    drBackup: new BackupClient({ region: config.drRegion, maxAttempts }),
    guardDuty: new GuardDutyClient(home),
    securityHub: new SecurityHubClient(home),
    configService: new ConfigServiceClient(home),
    cloudTrail: new CloudTrailClient(home),
  };
}

/** Every check, in order. Never throws: errors become rows. */
export async function preflightBaseline(
  config: BaselinePreflightConfig,
  clients: BaselineClients,
): Promise<CheckResult[]> {
  const alarm = checkBaselineAlarmSubscriber(config);
  const identity = await checkBaselineIdentity(config, clients.sts);
  if (identity.status !== 'pass') {
    const skipped = Object.values(BASELINE_CHECK_NAMES)
      .filter(
        (n) => n !== BASELINE_CHECK_NAMES.identity && n !== BASELINE_CHECK_NAMES.alarmSubscriber,
      )
      .map((name) => ({
        name,
        status: 'not-verified' as const,
        detail: `skipped: the "${BASELINE_CHECK_NAMES.identity}" check failed`,
      }));
    return [identity, alarm, ...skipped];
  }
  const rows = await Promise.all([
    checkBackupOptIn(BASELINE_CHECK_NAMES.backupHome, config.region, clients.backup),
    checkBackupOptIn(BASELINE_CHECK_NAMES.backupDr, config.drRegion, clients.drBackup),
    checkGuardDuty(config, clients.guardDuty),
    checkSecurityHub(config, clients.securityHub),
    checkConfigRecorder(config, clients.configService),
    checkCloudTrail(config, clients.cloudTrail),
  ]);
  return [identity, alarm, ...rows];
}

export async function checkBaselineIdentity(
  config: Pick<BaselineConfig, 'region'>,
  sts: STSClient,
): Promise<CheckResult> {
  const name = BASELINE_CHECK_NAMES.identity;
  const clientRegion = await sts.config.region();
  if (clientRegion !== config.region) {
    return {
      name,
      status: 'fail',
      detail: `the SDK client targets ${clientRegion}, but the baseline's home region is ${config.region}`,
      fix: `build the clients for ${config.region} (createBaselineClients(config)), or set BASELINE_REGION`,
    };
  }
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return {
      name,
      status: 'pass',
      detail: `account ${out.Account} as ${out.Arn}, region ${clientRegion}`,
    };
  } catch (e) {
    return {
      name,
      status: 'fail',
      detail: `STS GetCallerIdentity failed in ${clientRegion}: ${describeError(e).text}`,
      fix: 'provide valid credentials for the target account (AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN])',
    };
  }
}

/** The deploy gate's check, said earlier: production needs someone on the alarm topic. */
export function checkBaselineAlarmSubscriber(
  config: Pick<BaselineConfig, 'alarmEmail' | 'alarmSubscriberRequired'>,
): CheckResult {
  const name = BASELINE_CHECK_NAMES.alarmSubscriber;
  if (config.alarmEmail) {
    return { name, status: 'pass', detail: `security alarms go to ${config.alarmEmail}` };
  }
  if (config.alarmSubscriberRequired) {
    return {
      name,
      status: 'fail',
      detail: baselineAlarmSubscriberMessage(),
      fix: `set ${BASELINE_ALARM_EMAIL_VARIABLE}=<an address that answers security alarms>`,
    };
  }
  return {
    name,
    status: 'pass',
    detail: `no subscriber (${BASELINE_ALARM_EMAIL_VARIABLE} unset); allowed outside the production profile`,
  };
}

/** AWS Backup opted in, in one region, for every type the tag-based selections pick. */
export async function checkBackupOptIn(
  name: string,
  region: string,
  backup: BackupClient,
): Promise<CheckResult> {
  try {
    const out = await backup.send(new DescribeRegionSettingsCommand({}));
    const optIn = out.ResourceTypeOptInPreference ?? {};
    const missing = BACKED_UP_RESOURCE_TYPES.filter((t) => optIn[t] !== true);
    if (missing.length === 0) {
      return {
        name,
        status: 'pass',
        detail: `AWS Backup in ${region} is opted in for ${BACKED_UP_RESOURCE_TYPES.join(', ')}`,
      };
    }
    return {
      name,
      status: 'fail',
      detail: `AWS Backup in ${region} is not opted in for ${missing.join(', ')}: the tag-based selections would skip those resources without an error`,
      fix: `aws backup update-region-settings --region ${region} --resource-type-opt-in-preference ${BACKED_UP_RESOURCE_TYPES.map((t) => `${t}=true`).join(',')} (the setting replaces the whole map: list every type that is opted in now too, as DescribeRegionSettings shows)`,
    };
  } catch (e) {
    return notVerified(
      name,
      `AWS Backup DescribeRegionSettings in ${region}`,
      'backup:DescribeRegionSettings',
      e,
    );
  }
}

const owned = (tags: Record<string, string> | undefined) =>
  tags !== undefined && Object.entries(OWN_TAGS).every(([k, v]) => tags[k] === v);

/** The outcome when the service is absent, for each mode. */
function absent(
  name: string,
  mode: ServiceMode,
  service: string,
  variable: string,
  region: string,
  what: string,
): CheckResult {
  if (mode === 'organization') {
    return {
      name,
      status: 'fail',
      detail: organizationServiceMissingMessage(service, variable, region),
      fix: `enable ${service} for this account through the organization's delegated administrator, or set ${variable}=on`,
    };
  }
  return {
    name,
    status: 'pass',
    detail:
      mode === 'on'
        ? `no ${what} yet: the baseline creates one`
        : `no ${what}; ${variable}=off: neither created nor watched`,
  };
}

export async function checkGuardDuty(
  config: BaselinePreflightConfig,
  guardDuty: GuardDutyClient,
): Promise<CheckResult> {
  const name = BASELINE_CHECK_NAMES.guardDuty;
  const mode = config.guardDuty;
  const variable = VARIABLES.guardDuty;
  try {
    const ids = (await guardDuty.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
    if (ids.length === 0)
      return absent(name, mode, 'GuardDuty', variable, config.region, 'detector');
    const detector = await guardDuty.send(new GetDetectorCommand({ DetectorId: ids[0] }));
    const ours = owned(detector.Tags);
    const what = `a detector (${ids[0]})`;
    if (mode === 'on') {
      return ours
        ? {
            name,
            status: 'pass',
            detail: `${what} is this baseline's (tags ManagedBy=cdktf, Component=account-baseline)`,
          }
        : {
            name,
            status: 'fail',
            detail: alreadyRunsMessage('GuardDuty', what, variable),
            fix: `set ${variable}=organization (the organization's detector stays as it is), or import the detector into the baseline's state`,
          };
    }
    if (mode === 'organization') {
      if (ours) {
        return {
          name,
          status: 'fail',
          detail: `${variable}=organization, but ${what} is this baseline's own: switching would delete it`,
          fix: `keep ${variable}=on, or remove the detector from the baseline's state (terraform state rm) before the organization takes it over`,
        };
      }
      return detector.Status === 'ENABLED'
        ? { name, status: 'pass', detail: `the organization's ${what.slice(2)} is ENABLED` }
        : {
            name,
            status: 'fail',
            detail: organizationServiceMissingMessage('GuardDuty', variable, config.region),
            fix: `have the delegated administrator enable ${what.slice(2)} (status ${detector.Status})`,
          };
    }
    return {
      name,
      status: 'pass',
      detail: `${what} exists; ${variable}=off: not managed or watched here`,
    };
  } catch (e) {
    return notVerified(
      name,
      'GuardDuty ListDetectors/GetDetector',
      'guardduty:ListDetectors, guardduty:GetDetector',
      e,
    );
  }
}

/** "Not subscribed" answers of DescribeHub: Security Hub is off in this account and region. */
function hubIsOff(e: unknown): boolean {
  const err = describeError(e);
  return (
    err.text.startsWith('InvalidAccessException') ||
    err.text.startsWith('ResourceNotFoundException') ||
    /not subscribed/i.test(err.text)
  );
}

export async function checkSecurityHub(
  config: BaselinePreflightConfig,
  securityHub: SecurityHubClient,
): Promise<CheckResult> {
  const name = BASELINE_CHECK_NAMES.securityHub;
  const mode = config.securityHub;
  const variable = VARIABLES.securityHub;
  let hubArn: string | undefined;
  try {
    hubArn = (await securityHub.send(new DescribeHubCommand({}))).HubArn ?? 'enabled';
  } catch (e) {
    if (!hubIsOff(e))
      return notVerified(name, 'Security Hub DescribeHub', 'securityhub:DescribeHub', e);
  }
  if (hubArn === undefined)
    return absent(name, mode, 'Security Hub', variable, config.region, 'hub');
  let administrator: string | undefined;
  try {
    const out = await securityHub.send(new GetAdministratorAccountCommand({}));
    administrator = out.Administrator?.AccountId;
  } catch (e) {
    return notVerified(
      name,
      'Security Hub GetAdministratorAccount',
      'securityhub:GetAdministratorAccount',
      e,
    );
  }
  if (mode === 'on' && administrator !== undefined) {
    return {
      name,
      status: 'fail',
      detail: alreadyRunsMessage(
        'Security Hub',
        `a hub administered by account ${administrator}`,
        variable,
      ),
      fix: `set ${variable}=organization`,
    };
  }
  if (mode === 'on') {
    // Security Hub carries no tags the provider sets: who enabled it cannot be told from here.
    return {
      name,
      status: 'not-verified',
      detail: `Security Hub is enabled (${hubArn}) with no administrator account: by this baseline (nothing to do) or by hand (the deploy then fails with ResourceConflictException)`,
      fix: `if it was enabled by hand: terraform import the aws_securityhub_account into TapAccountBaseline, or set ${variable}=off`,
    };
  }
  if (mode === 'organization') {
    return administrator !== undefined
      ? {
          name,
          status: 'pass',
          detail: `enabled (${hubArn}), administered by account ${administrator}`,
        }
      : {
          name,
          status: 'fail',
          detail: `${variable}=organization, but Security Hub (${hubArn}) has no administrator account: no organization manages it here`,
          fix: `have the organization's delegated administrator add this account, or set ${variable}=on`,
        };
  }
  return {
    name,
    status: 'pass',
    detail: `enabled (${hubArn}); ${variable}=off: not managed or watched here`,
  };
}

export async function checkConfigRecorder(
  config: BaselinePreflightConfig,
  configService: ConfigServiceClient,
): Promise<CheckResult> {
  const name = BASELINE_CHECK_NAMES.config;
  const mode = config.config;
  const variable = VARIABLES.config;
  try {
    const recorders = (
      (await configService.send(new DescribeConfigurationRecordersCommand({})))
        .ConfigurationRecorders ?? []
    ).filter((r) => r.servicePrincipal === undefined); // service-linked recorders do not collide
    if (recorders.length === 0)
      return absent(name, mode, 'AWS Config', variable, config.region, 'configuration recorder');
    const recorder = recorders[0].name ?? '(unnamed)';
    const ours = recorder === config.names.configRecorder;
    if (mode === 'on') {
      return ours
        ? { name, status: 'pass', detail: `the recorder ${recorder} is this baseline's` }
        : {
            name,
            status: 'fail',
            detail: alreadyRunsMessage(
              'AWS Config',
              `a configuration recorder (${recorder})`,
              variable,
            ),
            fix: `set ${variable}=organization (AWS Config allows one recorder per region)`,
          };
    }
    if (mode === 'organization') {
      const status = await configService.send(
        new DescribeConfigurationRecorderStatusCommand({ ConfigurationRecorderNames: [recorder] }),
      );
      const recording = status.ConfigurationRecordersStatus?.[0]?.recording === true;
      if (!ours && recording)
        return {
          name,
          status: 'pass',
          detail: `the organization's recorder ${recorder} is recording`,
        };
      return {
        name,
        status: 'fail',
        detail: ours
          ? `${variable}=organization, but the recorder ${recorder} is this baseline's own: switching would delete it`
          : organizationServiceMissingMessage('AWS Config', variable, config.region),
        fix: ours
          ? `keep ${variable}=on`
          : `have the organization start recording with ${recorder}, or set ${variable}=on`,
      };
    }
    return {
      name,
      status: 'pass',
      detail: `recorder ${recorder} exists; ${variable}=off: not managed here`,
    };
  } catch (e) {
    return notVerified(
      name,
      'AWS Config DescribeConfigurationRecorders',
      'config:DescribeConfigurationRecorders, config:DescribeConfigurationRecorderStatus',
      e,
    );
  }
}

export async function checkCloudTrail(
  config: BaselinePreflightConfig,
  cloudTrail: CloudTrailClient,
): Promise<CheckResult> {
  const name = BASELINE_CHECK_NAMES.cloudTrail;
  const mode = config.cloudTrail;
  const variable = VARIABLES.cloudTrail;
  try {
    const trails =
      (await cloudTrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ??
      [];
    const organization = trails.find((t) => t.IsOrganizationTrail === true);
    const others = trails
      .filter((t) => t !== organization && t.Name !== config.names.trail)
      .map((t) => t.Name);
    const also =
      others.length > 0 ? `; also here, not managed by the baseline: ${others.join(', ')}` : '';
    if (mode === 'on') {
      return organization
        ? {
            name,
            status: 'fail',
            detail: alreadyRunsMessage(
              'CloudTrail',
              `an organization trail (${organization.Name})`,
              variable,
            ),
            fix: `set ${variable}=organization (a second trail records every event twice, and is billed twice)`,
          }
        : {
            name,
            status: 'pass',
            detail: `no organization trail: the baseline runs ${config.names.trail}${also}`,
          };
    }
    if (mode === 'organization') {
      return organization
        ? {
            name,
            status: 'pass',
            detail: `the organization trail ${organization.Name} records this account${also}`,
          }
        : absent(name, mode, 'CloudTrail', variable, config.region, 'organization trail');
    }
    return {
      name,
      status: 'pass',
      detail: `${variable}=off${also || ': no trail is watched here'}`,
    };
  } catch (e) {
    return notVerified(name, 'CloudTrail DescribeTrails', 'cloudtrail:DescribeTrails', e);
  }
}
