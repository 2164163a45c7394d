/**
 * Settings of the account baseline (`TapAccountBaseline`): the controls deployed once per
 * account and region, after the state bootstrap and before the environments. Read like
 * the platform's settings, with the platform's reader (environment variable, then cdktf
 * context, then the profile default); a variable or context key that is present but blank
 * is refused, so a half-set CI variable cannot turn a control off or shorten a retention.
 */
import {
  ConfigError,
  ConfigSources,
  dedupe,
  DEFAULT_REGION,
  LOG_RETENTION_DAYS,
  Profile,
  Reader,
  SETTINGS,
} from './config';
import { ACCOUNT_ID_PATTERN } from './account';
import { CiAccessConfig, readCiAccess } from './ci-access';
import { DeployRole, deployRoleFor, EXTERNAL_ID_PATTERN, EXTERNAL_ID_RULE } from './deploy-role';
import { AWS_REGIONS, AwsRegion, isAwsRegion } from './regions';
import { BASELINE_SETTINGS } from './baseline-settings';

export { BASELINE_SETTINGS };

/** The stack id: `cdktf deploy TapAccountBaseline`. Part of the contract (state key). */
export const BASELINE_STACK_ID = 'TapAccountBaseline';

export type OnOff = 'on' | 'off';
/**
 * Who runs a detective or audit service in this account and region:
 * - `on`: this baseline creates and owns it;
 * - `organization`: the AWS Organization (a delegated administrator, an organization trail)
 *   already runs it here; the baseline creates nothing for it, never disables it, checks it
 *   where Terraform can, and still routes its findings to the alarm topic;
 * - `off`: nobody here (the baseline neither creates nor watches it).
 */
export type ServiceMode = 'on' | 'organization' | 'off';
export const SERVICE_MODES: readonly ServiceMode[] = ['on', 'organization', 'off'];
/** S3 Object Lock modes (S3 API spelling). */
export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';
/** AWS Backup Vault Lock modes: compliance sets `changeable_for_days`, governance does not. */
export type VaultLockMode = 'governance' | 'compliance';

/**
 * Where each home region copies its backups by default: the other region of the same
 * country or jurisdiction where AWS has one (eu-west-1 → eu-central-1 keeps PHI in the
 * EU), else the nearest. Opt-in regions (e.g. eu-central-2, ap-southeast-4, ca-west-1)
 * must be enabled in the account first. A Record over every region, so a new region in
 * config/regions.ts does not compile until it has a default here.
 */
export const DEFAULT_DR_REGIONS: Readonly<Record<AwsRegion, AwsRegion>> = {
  'af-south-1': 'eu-west-1',
  'ap-east-1': 'ap-southeast-1',
  'ap-northeast-1': 'ap-northeast-3',
  'ap-northeast-2': 'ap-northeast-1',
  'ap-northeast-3': 'ap-northeast-1',
  'ap-south-1': 'ap-south-2',
  'ap-south-2': 'ap-south-1',
  'ap-southeast-1': 'ap-southeast-5',
  'ap-southeast-2': 'ap-southeast-4',
  'ap-southeast-3': 'ap-southeast-1',
  'ap-southeast-4': 'ap-southeast-2',
  'ap-southeast-5': 'ap-southeast-1',
  'ap-southeast-7': 'ap-southeast-1',
  'ca-central-1': 'ca-west-1',
  'ca-west-1': 'ca-central-1',
  'eu-central-1': 'eu-west-1',
  'eu-central-2': 'eu-central-1',
  'eu-north-1': 'eu-central-1',
  'eu-south-1': 'eu-central-1',
  'eu-south-2': 'eu-west-3',
  'eu-west-1': 'eu-central-1',
  'eu-west-2': 'eu-west-1',
  'eu-west-3': 'eu-central-1',
  'il-central-1': 'eu-central-1',
  'me-central-1': 'me-south-1',
  'me-south-1': 'me-central-1',
  'mx-central-1': 'us-east-2',
  'sa-east-1': 'us-east-1',
  'us-east-1': 'us-west-2',
  'us-east-2': 'us-west-2',
  'us-west-1': 'us-west-2',
  'us-west-2': 'us-east-1',
};

/** Physical names of the baseline's resources (one set per account and region). */
export const BASELINE_NAMES = {
  trail: 'healthcare-account-trail',
  trailLogGroup: '/healthcare/account/cloudtrail',
  trailLogsRole: 'healthcare-cloudtrail-logs',
  auditKeyAlias: 'alias/healthcare-audit',
  /** `<prefix>-<account id>-<region>`: S3 bucket names are global. */
  archiveBucketPrefix: 'healthcare-audit',
  accessLogBucketPrefix: 'healthcare-s3-access-logs',
  alarmTopic: 'healthcare-account-security-alarms',
  alarmNamespace: 'Healthcare/AccountBaseline',
  backupKeyAlias: 'alias/healthcare-backup',
  drBackupKeyAlias: 'alias/healthcare-backup-dr',
  backupVault: 'healthcare-backup',
  drBackupVault: 'healthcare-backup-dr',
  backupPlan: 'healthcare-phi',
  backupSelection: 'healthcare-phi-tagged',
  /** The deletable vault, plan and selection of DataClassification=synthetic (test data). */
  syntheticBackupVault: 'healthcare-backup-synthetic',
  syntheticBackupPlan: 'healthcare-synthetic',
  syntheticBackupSelection: 'healthcare-synthetic-tagged',
  backupRole: 'healthcare-backup',
  /** `<prefix>-<account id>-<region>`: AWS Config's own bucket (no Object Lock). */
  configBucketPrefix: 'healthcare-config',
  configRecorder: 'healthcare-account',
  configRole: 'healthcare-config',
  conformancePack: 'healthcare-hipaa-security',
  apiGatewayCloudWatchRole: 'healthcare-apigw-cloudwatch',
  /** EventBridge rules that route findings and backup failures to the alarm topic. */
  eventRules: {
    guardDutyFindings: 'healthcare-guardduty-findings',
    securityHubFindings: 'healthcare-securityhub-findings',
    backupJobFailed: 'healthcare-backup-job-failed',
    copyJobFailed: 'healthcare-backup-copy-job-failed',
    restoreJobFailed: 'healthcare-backup-restore-job-failed',
  },
} as const;

export interface BaselineConfig {
  readonly stackId: string;
  readonly profile: Profile;
  readonly isProduction: boolean;
  /** The home region: trail home, archive, Config, GuardDuty, Security Hub, vault. */
  readonly region: AwsRegion;
  /** Where every recovery point is copied. Never the home region. */
  readonly drRegion: AwsRegion;
  /** Who runs each control here: this baseline, the organization, or nobody. */
  readonly cloudTrail: ServiceMode;
  readonly config: ServiceMode;
  readonly guardDuty: ServiceMode;
  readonly securityHub: ServiceMode;
  /**
   * This region owns the account-wide (global) settings: IAM password policy, S3 account
   * public access block, Config's global resource types. Exactly one region per account.
   */
  readonly accountWide: boolean;
  readonly alarmEmail?: string;
  /** The account the baseline is for (BASELINE_ACCOUNT_ID): pin and state key. */
  readonly accountId?: string;
  /** The role its providers assume (BASELINE_DEPLOY_ROLE_ARN). */
  readonly deployRole?: DeployRole;
  /**
   * A deploy must have someone on the alarm topic (production): a deploy gate in the
   * synthesized Terraform and a preflight check refuse it without BASELINE_ALARM_EMAIL.
   */
  readonly alarmSubscriberRequired: boolean;
  /** Object Lock default retention of the audit archive. */
  readonly archiveLockMode: ObjectLockMode;
  readonly archiveRetentionDays: number;
  /** Days the trail's CloudWatch log group keeps events (the archive keeps the files). */
  readonly trailLogRetentionDays: number;
  readonly vaultLockMode: VaultLockMode;
  /** Compliance-mode cooling-off period: the lock can be changed or removed until it ends. */
  readonly vaultLockChangeableForDays: number;
  readonly dailyBackupRetentionDays: number;
  /** Monthly backups kept this long; production only (undefined elsewhere). */
  readonly monthlyBackupRetentionDays?: number;
  /** Continuous (point-in-time) backup retention for RDS; the AWS maximum is 35. */
  readonly continuousBackupRetentionDays: number;
  /** Daily backups of DataClassification=synthetic resources, in the deletable vault. */
  readonly syntheticBackupRetentionDays: number;
  readonly kmsDeletionWindowDays: number;
  /** `prevent_destroy` on keys, buckets and vaults. */
  readonly protectStatefulResources: boolean;
  readonly names: typeof BASELINE_NAMES;
  /**
   * GitHub Actions' OIDC provider and the CI roles of each environment this account hosts
   * (constructs/ci-access/); undefined while BASELINE_CI_REPOSITORY is unset.
   */
  readonly ci?: CiAccessConfig;
}

const ON_OFF = ['on', 'off'] as const;

/**
 * Irreversible choices are explicit opt-ins: both profiles default to governance-mode locks,
 * so a deploy with default settings creates nothing that cannot be deleted the same day
 * (a principal allowed s3:BypassGovernanceRetention / backup:DeleteBackupVaultLockConfiguration
 * can). COMPLIANCE / compliance only when BASELINE_ARCHIVE_LOCK_MODE / BASELINE_VAULT_LOCK_MODE
 * say so; the plan review lists such a lock first, with the date it becomes permanent.
 */
const PROFILE_DEFAULTS = {
  production: {
    archiveLockMode: 'GOVERNANCE' as ObjectLockMode,
    archiveRetentionDays: 2192,
    trailLogRetentionDays: 365,
    vaultLockMode: 'governance' as VaultLockMode,
    monthlyBackupRetentionDays: 2192,
  },
  standard: {
    archiveLockMode: 'GOVERNANCE' as ObjectLockMode,
    archiveRetentionDays: 30,
    trailLogRetentionDays: 30,
    vaultLockMode: 'governance' as VaultLockMode,
    monthlyBackupRetentionDays: undefined,
  },
} as const;

/** HIPAA keeps documentation six years (45 CFR 164.316(b)(2)(i)). */
export const HIPAA_RETENTION_DAYS = 2192;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

type BaselineKey = keyof typeof BASELINE_SETTINGS;

/** The platform's reader over the baseline's table, plus on/off switches and regions. */
class BaselineReader extends Reader<BaselineKey> {
  constructor(sources: ConfigSources) {
    super(sources, BASELINE_SETTINGS);
  }

  flag(key: BaselineKey): boolean {
    return this.oneOf<OnOff>(key, 'on', ON_OFF) === 'on';
  }

  mode(key: BaselineKey): ServiceMode {
    return this.oneOf<ServiceMode>(key, 'on', SERVICE_MODES);
  }

  region(key: BaselineKey, fallback: AwsRegion): AwsRegion {
    const raw = this.raw(key);
    if (!raw) return fallback;
    if (!isAwsRegion(raw.value)) {
      this.fail(
        raw.label,
        raw.value,
        `must be a commercial AWS region such as eu-central-1 (one of ${AWS_REGIONS.length} in config/regions.ts)`,
      );
      return fallback;
    }
    return raw.value;
  }
}

/**
 * The home region: BASELINE_REGION, else the platform's AWS_REGION (or context "region",
 * already refused there when blank), else eu-west-1.
 */
function homeRegion(reader: BaselineReader, sources: ConfigSources): AwsRegion {
  const fromEnv = sources.env[SETTINGS.region.envVar]?.trim();
  const fromContext = sources.context?.(SETTINGS.region.contextKey);
  const platformRegion = fromEnv || (typeof fromContext === 'string' ? fromContext.trim() : '');
  const fallback = isAwsRegion(platformRegion) ? platformRegion : DEFAULT_REGION;
  return reader.region('baselineRegion', fallback);
}

/**
 * Loads and validates the baseline's settings. Throws ConfigError listing every problem.
 * Every setting has a default: nothing is required.
 */
export function loadBaselineConfig(sources: ConfigSources): BaselineConfig {
  const reader = new BaselineReader(sources);
  const profile = reader.oneOf<Profile>('baselineProfile', 'production', [
    'production',
    'standard',
  ]);
  const isProduction = profile === 'production';
  const d = PROFILE_DEFAULTS[profile];
  const region = homeRegion(reader, sources);
  const drRegion = reader.region('baselineDrRegion', DEFAULT_DR_REGIONS[region]);
  if (drRegion === region) {
    const raw = reader.raw('baselineDrRegion')!;
    reader.fail(
      raw.label,
      raw.value,
      `must differ from the home region ${region}: a copy in the same region does not survive a regional outage`,
    );
  }

  const controls = readControls(reader);
  const alarmEmail = reader.raw('baselineAlarmEmail');
  if (alarmEmail && !EMAIL_PATTERN.test(alarmEmail.value)) {
    reader.fail(
      alarmEmail.label,
      alarmEmail.value,
      'must be an e-mail address such as security@example.org',
    );
  }

  const archiveRetentionDays = readArchiveRetention(reader, isProduction, d.archiveRetentionDays);

  const result: BaselineConfig = {
    stackId: BASELINE_STACK_ID,
    profile,
    isProduction,
    region,
    drRegion,
    ...controls,
    alarmEmail: alarmEmail?.value,
    alarmSubscriberRequired: isProduction,
    ...readAccount(reader),
    archiveLockMode: reader.oneOf<ObjectLockMode>('baselineArchiveLockMode', d.archiveLockMode, [
      'COMPLIANCE',
      'GOVERNANCE',
    ]),
    archiveRetentionDays,
    trailLogRetentionDays: reader.oneOf<number>(
      'baselineTrailLogRetentionDays',
      d.trailLogRetentionDays,
      LOG_RETENTION_DAYS,
    ),
    vaultLockMode: reader.oneOf<VaultLockMode>('baselineVaultLockMode', d.vaultLockMode, [
      'compliance',
      'governance',
    ]),
    vaultLockChangeableForDays: 3,
    dailyBackupRetentionDays: reader.integer('baselineDailyBackupRetentionDays', 35, 7, 36500),
    monthlyBackupRetentionDays: d.monthlyBackupRetentionDays,
    continuousBackupRetentionDays: 35,
    syntheticBackupRetentionDays: reader.integer('baselineSyntheticBackupRetentionDays', 7, 1, 35),
    kmsDeletionWindowDays: 30,
    protectStatefulResources: isProduction,
    names: BASELINE_NAMES,
    ci: readCiAccess(reader),
  };
  if (reader.problems.length > 0) throw new ConfigError(dedupe(reader.problems));
  return result;
}

/** BASELINE_ACCOUNT_ID and the role to deploy through, checked against each other. */
function readAccount(reader: BaselineReader): { accountId?: string; deployRole?: DeployRole } {
  const accountId = reader.matching(
    'baselineAccountId',
    '',
    ACCOUNT_ID_PATTERN,
    'must be a 12-digit AWS account id such as 111111111111',
  );
  const roleArn = reader.raw('baselineDeployRoleArn');
  const externalId = reader.raw('baselineDeployExternalId');
  if (externalId && !EXTERNAL_ID_PATTERN.test(externalId.value)) {
    reader.fail(externalId.label, externalId.value, `must be ${EXTERNAL_ID_RULE}`);
  }
  const role = deployRoleFor(
    'account',
    roleArn?.value,
    externalId?.value,
    accountId || undefined,
    accountId ? `the baseline of account ${accountId}` : 'the account baseline',
  );
  if (role !== undefined && !('roleArn' in role)) {
    const raw = roleArn ?? externalId!;
    reader.fail(raw.label, raw.value, role.rule);
  }
  return {
    ...(accountId ? { accountId } : {}),
    ...(role !== undefined && 'roleArn' in role ? { deployRole: role } : {}),
  };
}

/**
 * Who runs each control. Independent of each other: Config delivers to a bucket of its own
 * (AWS Config does not deliver to an Object Lock bucket), not to the trail's archive.
 */
function readControls(reader: BaselineReader) {
  return {
    cloudTrail: reader.mode('baselineCloudTrail'),
    config: reader.mode('baselineConfig'),
    guardDuty: reader.mode('baselineGuardDuty'),
    securityHub: reader.mode('baselineSecurityHub'),
    accountWide: reader.flag('baselineAccountWide'),
  };
}

/** Object Lock retention of the archive; six years at least in production. */
function readArchiveRetention(
  reader: BaselineReader,
  isProduction: boolean,
  fallback: number,
): number {
  const archiveRetentionDays = reader.integer('baselineArchiveRetentionDays', fallback, 1, 36500);
  if (isProduction && archiveRetentionDays < HIPAA_RETENTION_DAYS) {
    const raw = reader.raw('baselineArchiveRetentionDays')!;
    reader.fail(
      raw.label,
      raw.value,
      `must be at least ${HIPAA_RETENTION_DAYS} (6 years, HIPAA 164.316(b)(2)(i)) with the production profile`,
    );
  }

  return archiveRetentionDays;
}
