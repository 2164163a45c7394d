/**
 * The platform's configuration: every setting a user can change, where it is read
 * from (environment variable, then cdktf context, then the profile default), and the
 * rule it must satisfy. Bad input is collected into one ConfigError that names the
 * setting, the value and the rule, so main.ts can stop before anything is written.
 */
import { accountIdFor } from './account';
import { ApiDomain, apiDomainFor, checkDistinctDomains } from './api-domain';
import type { DeployRole } from './deploy-role';
import { isPgauditLog, PGAUDIT_CLASSES } from './pgaudit';
import { parseMaskPatterns, type CustomDataIdentifier } from './log-masking';
import { resourceNames, ResourceNames, tightestNameRule, NAME_RULES, NameKey } from './names';
import { AwsRegion, isAwsRegion } from './regions';
import { checkVpcOverlaps, readNetwork } from './network-settings';
import { readDeployRole, readRunSettings, RunSettings } from './run-settings';
import { ConfigError, ConfigSources, dedupe, Reader } from './reader';
import {
  CONTINUOUS_BACKUP_RETENTION_DAYS,
  DATA_CLASSIFICATIONS,
  DataClassification,
  DEFAULT_ENVIRONMENT,
  minimumMaxAllocatedStorageGiB,
  DEFAULT_REGION,
  LOG_RETENTION_DAYS,
  NatGatewayMode,
  POSTGRES_MAJOR_VERSIONS,
  PostgresMajorVersion,
  Profile,
  PROFILE_DEFAULTS,
  SETTINGS,
} from './settings';

export * from './reader';
export * from './settings';
export { readEnvironmentAccounts } from './run-settings';

export interface NetworkSettings {
  readonly vpcCidr: string;
  readonly azCount: number;
  readonly natGateways: NatGatewayMode;
  /** One CIDR per AZ for each tier, carved from the VPC CIDR unless overridden. */
  readonly publicSubnetCidrs: readonly string[];
  readonly privateSubnetCidrs: readonly string[];
  readonly isolatedSubnetCidrs: readonly string[];
  /** Zone names pinned by AVAILABILITY_ZONES; undefined: the region's first azCount zones. */
  readonly availabilityZones?: readonly string[];
}

export interface DatabaseSettings {
  readonly instanceClass: string;
  readonly engineMajorVersion: PostgresMajorVersion;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  readonly backupRetentionDays: number;
  readonly multiAz: boolean;
  readonly deletionProtection: boolean;
  /** false in production: a final snapshot is always taken before deletion. */
  readonly skipFinalSnapshot: boolean;
  readonly monitoringIntervalSeconds: number;
  readonly performanceInsightsRetentionDays: number;
  /** pgaudit session classes (`pgaudit.log`). */
  readonly auditLog: string;
  /** Apply changes now rather than in the maintenance window (major upgrades). */
  readonly applyImmediately: boolean;
  /**
   * Who owns the automated backups' retention and window: AWS Backup for a database the
   * account baseline's continuous rule covers (DataClassification PHI: the production
   * profile), else Terraform (constructs/database, `backupOwner`).
   */
  readonly backupOwner: 'aws-backup' | 'terraform';
}

export interface CacheSettings {
  readonly nodeType: string;
  readonly engineVersion: string;
  readonly snapshotRetentionDays: number;
}

export interface ApiSettings {
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  /** Requests per 5 minutes per client IP before the WAF blocks it. */
  readonly wafRateLimit: number;
  /** The custom domain (TLS_1_2; the execute-api endpoint is then disabled). */
  readonly customDomain?: ApiDomain;
  /**
   * Production clients must not reach the API over TLS 1.0: the deploy gates and preflight
   * refuse a production deploy while this is true and customDomain is undefined.
   */
  readonly customDomainRequired: boolean;
}

export interface ReadinessSettings {
  /** Concurrent executions reserved for the readiness function; 0 = no reservation. */
  readonly reservedConcurrency: number;
}

export interface PlatformConfig {
  /** The environment suffix carried by the stack id and every resource name. */
  readonly environment: string;
  readonly stackId: string;
  readonly region: AwsRegion;
  readonly profile: Profile;
  readonly isProduction: boolean;
  /** `prevent_destroy` on stateful resources. */
  readonly protectStatefulResources: boolean;
  readonly names: ResourceNames;
  readonly network: NetworkSettings;
  readonly database: DatabaseSettings;
  readonly cache: CacheSettings;
  readonly api: ApiSettings;
  readonly readiness: ReadinessSettings;
  /** What the environment may hold: the provider default tag DataClassification. */
  readonly dataClassification: DataClassification;
  readonly logRetentionDays: number;
  readonly kmsDeletionWindowDays: number;
  readonly alarmEmail?: string;
  /**
   * Production alarms must reach a person: preflight and deploy refuse a production
   * deploy while this is true and alarmEmail is undefined. Synthesis never refuses.
   */
  readonly alarmSubscriberRequired: boolean;
  /** The only AWS account this environment may be deployed to (provider allowed_account_ids). */
  readonly accountId?: string;
  /** What CloudWatch Logs masks besides the managed identifiers (LOG_MASK_PATTERNS). */
  readonly logMasking: { readonly customIdentifiers: readonly CustomDataIdentifier[] };
  /** A production plan must name its account: the deploy gates and preflight refuse it unpinned. */
  readonly accountPinRequired: boolean;
  /** The role the provider assumes in the environment's account (DEPLOY_ROLE_ARN). */
  readonly deployRole?: DeployRole;
}

export type { ApiDomain };

/** The environment-suffix rule: a lowercase letter, then lowercase letters, digits and single hyphens. */
export const SUFFIX_PATTERN = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/;

/** The platform stack of an environment (its construct id, and the `{stack}` of its state key). */
export const platformStackId = (environment: string): string => `TapStack${environment}`;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

interface EnvironmentTarget {
  readonly environment: string;
  readonly region?: string;
}

/**
 * Loads and validates the configuration of every environment to synthesize.
 * Throws ConfigError listing every problem when any setting is invalid.
 */
export function loadConfigs(sources: ConfigSources): PlatformConfig[] {
  const reader = new Reader(sources);
  const targets = readTargets(reader);
  const run = readRunSettings(reader);
  const configs = targets.map((t) => buildConfig(reader, t, run));
  // Settings that relate the environments of one run to each other.
  checkVpcOverlaps(
    reader,
    configs.map((c) => ({ environment: c.environment, vpcCidr: c.network.vpcCidr })),
  );
  checkDistinctDomains(
    reader,
    configs.map((c) => ({
      environment: c.environment,
      domainName: c.api.customDomain?.domainName,
    })),
  );
  if (reader.problems.length > 0) throw new ConfigError(dedupe(reader.problems));
  return configs;
}

/** Loads the configuration of a single environment (the common case, and for tests). */
export function loadConfig(sources: ConfigSources): PlatformConfig {
  const configs = loadConfigs(sources);
  if (configs.length !== 1) {
    throw new ConfigError([
      {
        setting: SETTINGS.environment.envVar,
        value: configs.map((c) => c.environment).join(','),
        rule: 'exactly one environment expected here',
      },
    ]);
  }
  return configs[0];
}

function readTargets(reader: Reader): EnvironmentTarget[] {
  const raw = reader.raw('environment');
  if (!raw) return [{ environment: DEFAULT_ENVIRONMENT }];
  const maxLength = tightestNameRule();
  const items = raw.value.split(',').map((s) => s.trim());
  const targets: EnvironmentTarget[] = [];
  for (const item of items) {
    const [environment, region, ...rest] = item.split('@');
    if (!environment || rest.length > 0 || !SUFFIX_PATTERN.test(environment)) {
      reader.fail(
        raw.label,
        item,
        'each environment suffix must start with a lowercase letter and contain only lowercase letters, digits and single hyphens (e.g. "prod", "dev2", "qa-eu"), optionally followed by @<region>',
      );
      continue;
    }
    if (environment.length > maxLength.maxSuffixLength) {
      reader.fail(
        raw.label,
        item,
        `at most ${maxLength.maxSuffixLength} characters: the ${maxLength.what} "${NAME_RULES[maxLength.key].build(environment)}" would exceed its ${NAME_RULES[maxLength.key].maxLength}-character limit`,
      );
      continue;
    }
    if (targets.some((t) => t.environment === environment)) {
      reader.fail(
        raw.label,
        raw.value,
        `environment "${environment}" is listed twice; suffixes must be unique (names such as IAM roles are global to the account)`,
      );
      continue;
    }
    targets.push({ environment, region });
  }
  return targets;
}

function readAuditLog(reader: Reader, fallback: string): string {
  const raw = reader.raw('dbAuditLog');
  if (!raw) return fallback;
  if (!isPgauditLog(raw.value)) {
    reader.fail(
      raw.label,
      raw.value,
      `must be a comma list of pgaudit classes (${PGAUDIT_CLASSES.join(', ')}), each optionally prefixed with "-", e.g. ddl,role,read,write`,
    );
    return fallback;
  }
  return raw.value
    .split(',')
    .map((item) => item.trim())
    .join(',');
}

function readMaskPatterns(reader: Reader): CustomDataIdentifier[] {
  const raw = reader.raw('logMaskPatterns');
  if (!raw) return [];
  const parsed = parseMaskPatterns(raw.value);
  for (const problem of parsed.problems) reader.fail(raw.label, raw.value, problem);
  return parsed.problems.length > 0 ? [] : parsed.identifiers;
}

/**
 * A database in AWS Backup's continuous plan keeps the rule's retention: any other value would
 * be undone by AWS Backup (and Terraform ignores the attribute after creation anyway).
 */
function readBackupRetention(reader: Reader, fallback: number, owner: string): number {
  const days = reader.integer('dbBackupRetentionDays', fallback, 1, 35);
  const raw = reader.raw('dbBackupRetentionDays');
  if (raw && owner === 'aws-backup' && days !== CONTINUOUS_BACKUP_RETENTION_DAYS) {
    reader.fail(
      raw.label,
      raw.value,
      `the production profile's database is in the account baseline's continuous backup rule, which owns its retention (${CONTINUOUS_BACKUP_RETENTION_DAYS} days): change it in the backup plan, or unset this`,
    );
    return CONTINUOUS_BACKUP_RETENTION_DAYS;
  }
  return days;
}

function buildConfig(reader: Reader, target: EnvironmentTarget, run: RunSettings): PlatformConfig {
  const environment = target.environment;
  const region = readRegion(reader, target.region);
  const accountId = accountIdFor(run.accounts, environment);
  const profile = reader.oneOf<Profile>(
    'profile',
    environment === DEFAULT_ENVIRONMENT ? 'production' : 'standard',
    ['production', 'standard'],
  );
  const d = PROFILE_DEFAULTS[profile];
  const isProduction = profile === 'production';
  // Production is tagged PHI, which the baseline's continuous backup rule selects.
  const backupOwner = isProduction ? 'aws-backup' : 'terraform';

  const azCount = reader.integer('azCount', d.azCount, 2, 4);
  const network = readNetwork(reader, {
    environment,
    region,
    azCount,
    natDefault: d.natGateways,
    vpcRanges: run.vpcRanges,
  });

  const allocatedStorageGiB = reader.integer(
    'dbAllocatedStorageGiB',
    d.dbAllocatedStorageGiB,
    20,
    65536,
  );
  // RDS refuses an autoscaling ceiling less than 10% above the allocated storage.
  const lowestCeiling = minimumMaxAllocatedStorageGiB(allocatedStorageGiB);
  const maxAllocatedStorageGiB = reader.integer(
    'dbMaxAllocatedStorageGiB',
    Math.min(Math.max(d.dbMaxAllocatedStorageGiB, lowestCeiling), 65536),
    20,
    65536,
  );
  if (maxAllocatedStorageGiB < lowestCeiling) {
    const raw = reader.raw('dbMaxAllocatedStorageGiB');
    reader.fail(
      raw?.label ?? SETTINGS.dbAllocatedStorageGiB.envVar,
      raw?.value ?? String(allocatedStorageGiB),
      raw
        ? `must be at least 10% above the allocated storage (${allocatedStorageGiB} GiB): at least ${lowestCeiling}`
        : `leaves no room for storage autoscaling, which RDS needs at least 10% above the allocated storage and at most 65536 GiB: at most ${Math.floor((65536 * 10) / 11)}`,
    );
  }

  const throttlingRateLimit = reader.integer(
    'apiThrottlingRateLimit',
    d.apiThrottlingRateLimit,
    1,
    10000,
  );
  const throttlingBurstLimit = reader.integer(
    'apiThrottlingBurstLimit',
    Math.max(d.apiThrottlingBurstLimit, throttlingRateLimit),
    1,
    5000,
  );
  if (throttlingBurstLimit < throttlingRateLimit) {
    const raw = reader.raw('apiThrottlingBurstLimit')!;
    reader.fail(raw.label, raw.value, `must be at least the rate limit (${throttlingRateLimit})`);
  }

  const alarmEmail = reader.raw('alarmEmail');
  if (alarmEmail && !EMAIL_PATTERN.test(alarmEmail.value)) {
    reader.fail(
      alarmEmail.label,
      alarmEmail.value,
      'must be an e-mail address such as oncall@example.org',
    );
  }

  return {
    environment,
    stackId: platformStackId(environment),
    region,
    profile,
    isProduction,
    protectStatefulResources: isProduction,
    names: resourceNames(environment),
    network,
    database: {
      instanceClass: reader.matching(
        'dbInstanceClass',
        d.dbInstanceClass,
        /^db\.[a-z0-9-]+\.[a-z0-9]+$/,
        'must be an RDS instance class such as db.t4g.medium or db.r6g.large',
      ),
      engineMajorVersion: reader.oneOf('dbEngineMajorVersion', '16', POSTGRES_MAJOR_VERSIONS),
      allocatedStorageGiB,
      maxAllocatedStorageGiB,
      backupRetentionDays: readBackupRetention(reader, d.dbBackupRetentionDays, backupOwner),
      multiAz: isProduction,
      deletionProtection: isProduction,
      skipFinalSnapshot: !isProduction,
      monitoringIntervalSeconds: 60,
      performanceInsightsRetentionDays: d.performanceInsightsRetentionDays,
      auditLog: readAuditLog(reader, d.dbAuditLog),
      applyImmediately: reader.oneOf('dbApplyImmediately', 'false', ['true', 'false']) === 'true',
      backupOwner,
    },
    cache: {
      nodeType: reader.matching(
        'cacheNodeType',
        d.cacheNodeType,
        /^cache\.[a-z0-9-]+\.[a-z0-9]+$/,
        'must be an ElastiCache node type such as cache.t4g.small or cache.r7g.large',
      ),
      engineVersion: '7.1',
      snapshotRetentionDays: reader.integer(
        'cacheSnapshotRetentionDays',
        d.cacheSnapshotRetentionDays,
        1,
        35,
      ),
    },
    api: {
      throttlingRateLimit,
      throttlingBurstLimit,
      wafRateLimit: reader.integer('wafRateLimit', d.wafRateLimit, 100, 2_000_000_000),
      customDomain: apiDomainFor(reader, run.domains, { environment, region, accountId }),
      customDomainRequired: isProduction,
    },
    readiness: {
      reservedConcurrency: readReservedConcurrency(reader, profile, d.readinessReservedConcurrency),
    },
    dataClassification: readDataClassification(reader, profile, d.dataClassification),
    logRetentionDays: reader.oneOf<number>(
      'logRetentionDays',
      d.logRetentionDays,
      LOG_RETENTION_DAYS,
    ),
    kmsDeletionWindowDays: 30,
    alarmEmail: alarmEmail?.value,
    alarmSubscriberRequired: isProduction,
    accountId,
    logMasking: { customIdentifiers: readMaskPatterns(reader) },
    accountPinRequired: isProduction,
    deployRole: readDeployRole(reader, environment, run, accountId),
  };
}

/**
 * DATA_CLASSIFICATION: PHI needs the production profile's controls (Multi-AZ, deletion
 * protection, 35-day backups, 6-year logs, read/write audit); a standard environment holds
 * synthetic test data only.
 */
function readDataClassification(
  reader: Reader,
  profile: Profile,
  fallback: DataClassification,
): DataClassification {
  const value = reader.oneOf<DataClassification>(
    'dataClassification',
    fallback,
    DATA_CLASSIFICATIONS,
  );
  if (value === 'PHI' && profile !== 'production') {
    const raw = reader.raw('dataClassification')!;
    reader.fail(
      raw.label,
      raw.value,
      `the ${profile} profile may not hold PHI: its controls are below the production bar (single-AZ database, no deletion protection, 7-day backups, 30-day logs); set ${SETTINGS.profile.envVar}=production for an environment that holds PHI, or ${SETTINGS.dataClassification.envVar}=synthetic`,
    );
    return 'synthetic';
  }
  return value;
}

/** READINESS_RESERVED_CONCURRENCY: 0 turns the reservation off, outside production only. */
function readReservedConcurrency(reader: Reader, profile: Profile, fallback: number): number {
  const value = reader.integer('readinessReservedConcurrency', fallback, 0, 100);
  if (value === 0 && profile === 'production') {
    const raw = reader.raw('readinessReservedConcurrency')!;
    reader.fail(
      raw.label,
      raw.value,
      'the production profile keeps a reservation (it caps the connections the function opens to the database and the cache; policy HIPAA-LAMBDA-004): request a Lambda concurrent executions quota of at least 101 in the region instead',
    );
    return fallback;
  }
  return value;
}

function readRegion(reader: Reader, fromTarget: string | undefined): AwsRegion {
  if (fromTarget !== undefined) {
    if (isAwsRegion(fromTarget)) return fromTarget;
    reader.fail(
      SETTINGS.environment.envVar,
      fromTarget,
      'unknown AWS region after "@" (e.g. eu-west-1, us-east-1)',
    );
    return DEFAULT_REGION;
  }
  const raw = reader.raw('region');
  if (!raw) return DEFAULT_REGION;
  if (!isAwsRegion(raw.value)) {
    reader.fail(
      raw.label,
      raw.value,
      'must be a commercial AWS region such as eu-west-1 or us-east-1',
    );
    return DEFAULT_REGION;
  }
  return raw.value;
}

export type { NameKey };
