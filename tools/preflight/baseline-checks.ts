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
 *   own (set `organization`), `organization` fails when the service is not running;
 * - with CI roles, GitHub's OIDC provider against BASELINE_CI_OIDC_PROVIDER (github-oidc.ts).
 *
 * Rows are preflight's CheckResult: pass, fail (with the fix) or not-verified.
 */
import { BackupClient, DescribeRegionSettingsCommand } from '@aws-sdk/client-backup';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { BaselineConfig } from '../../config/baseline';
import {
  BASELINE_ALARM_EMAIL_VARIABLE,
  BASELINE_ALARM_GATE,
  baselineAlarmSubscriberMessage,
} from '../../constructs/safety-nets/gate-messages';
import { describeError, notVerified } from './aws-answers';
import {
  BASELINE_ROLE_SETTINGS,
  deployRoleCredentials,
  DeployRoleRefused,
  deployRoleRefusedResult,
} from './deploy-role';
import {
  checkCloudTrail,
  checkConfigRecorder,
  checkGuardDuty,
  checkSecurityHub,
  SERVICE_CHECK_NAMES,
} from './baseline-services';
import { checkGithubOidcProvider, GITHUB_OIDC_CHECK_NAME } from './github-oidc';
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
  | 'ci'
  | 'accountWide'
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
  /** IAM is global: the home region's client answers for the account. */
  readonly iam: IAMClient;
}

export const BASELINE_CHECK_NAMES = {
  identity: 'credentials and region',
  alarmSubscriber: BASELINE_ALARM_GATE,
  backupHome: 'AWS Backup opt-in (home region)',
  backupDr: 'AWS Backup opt-in (DR region)',
  ...SERVICE_CHECK_NAMES,
  githubOidc: GITHUB_OIDC_CHECK_NAME,
} as const;

/** The resource types the PHI and synthetic selections pick by tag (database, state bucket, lock table). */
export const BACKED_UP_RESOURCE_TYPES = ['RDS', 'S3', 'DynamoDB'] as const;

/**
 * Clients for the baseline's home region (and AWS Backup's of the DR region). With the
 * baseline's deploy role (BASELINE_DEPLOY_ROLE_ARN) they all act as that role, assumed once
 * through STS of the home region as the baseline's providers do; without it, as the
 * credentials of the default chain.
 */
export function createBaselineClients(
  config: Pick<BaselineConfig, 'region' | 'drRegion' | 'deployRole'>,
  maxAttempts = 2,
): BaselineClients {
  const credentials = config.deployRole
    ? {
        credentials: deployRoleCredentials(config.deployRole, {
          region: config.region,
          maxAttempts,
        }),
      }
    : {};
  const home = { region: config.region, maxAttempts, ...credentials };
  return {
    sts: new STSClient(home),
    backup: new BackupClient(home),
    drBackup: new BackupClient({ region: config.drRegion, maxAttempts, ...credentials }),
    guardDuty: new GuardDutyClient(home),
    securityHub: new SecurityHubClient(home),
    configService: new ConfigServiceClient(home),
    cloudTrail: new CloudTrailClient(home),
    iam: new IAMClient(home),
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
        (n) =>
          n !== BASELINE_CHECK_NAMES.identity &&
          n !== BASELINE_CHECK_NAMES.alarmSubscriber &&
          (n !== BASELINE_CHECK_NAMES.githubOidc || config.ci !== undefined),
      )
      .map((name) => ({
        name,
        status: 'not-verified' as const,
        detail: `skipped: the "${BASELINE_CHECK_NAMES.identity}" check failed`,
      }));
    return [identity, alarm, ...skipped];
  }
  const rows = await Promise.all([
    checkBackupOptIn(BASELINE_CHECK_NAMES.backupHome, config.region, clients.backup, true),
    checkBackupOptIn(BASELINE_CHECK_NAMES.backupDr, config.drRegion, clients.drBackup),
    checkGuardDuty(config, clients.guardDuty),
    checkSecurityHub(config, clients.securityHub),
    checkConfigRecorder(config, clients.configService),
    checkCloudTrail(config, clients.cloudTrail),
  ]);
  const oidc = await checkGithubOidcProvider(config, clients.iam);
  return [identity, alarm, ...rows, ...(oidc ? [oidc] : [])];
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
    if (e instanceof DeployRoleRefused) {
      return deployRoleRefusedResult(name, clientRegion, e, BASELINE_ROLE_SETTINGS);
    }
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
/**
 * AWS Backup opted in, in one region, for every type the tag-based selections pick; in the
 * home region (`copiesFromHere`) also full AWS Backup management of DynamoDB ("advanced
 * DynamoDB backup"), without which a DynamoDB recovery point is not copied to another region
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/advanced-ddb-backup.html): the copy
 * job fails, and the copy-job rule alarms, every night.
 */
export async function checkBackupOptIn(
  name: string,
  region: string,
  backup: BackupClient,
  copiesFromHere = false,
): Promise<CheckResult> {
  try {
    const out = await backup.send(new DescribeRegionSettingsCommand({}));
    const optIn = out.ResourceTypeOptInPreference ?? {};
    const missing = BACKED_UP_RESOURCE_TYPES.filter((t) => optIn[t] !== true);
    const managed = out.ResourceTypeManagementPreference ?? {};
    if (missing.length === 0 && copiesFromHere && managed.DynamoDB !== true) {
      return {
        name,
        status: 'fail',
        detail: `AWS Backup in ${region} does not fully manage DynamoDB (advanced DynamoDB backup is off): the nightly copy of the state lock table's recovery point to the DR region would fail`,
        fix: `aws backup update-region-settings --region ${region} --resource-type-management-preference DynamoDB=true (keep the other types as DescribeRegionSettings shows them)`,
      };
    }
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
