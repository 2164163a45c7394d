/**
 * The platform's configuration: every setting a user can change, where it is read
 * from (environment variable, then cdktf context, then the profile default), and the
 * rule it must satisfy. Bad input is collected into one ConfigError that names the
 * setting, the value and the rule, so main.ts can stop before anything is written.
 */
import { accountIdFor, parseAccountIds, ParsedAccountIds } from './account';
import { isPgauditLog, PGAUDIT_CLASSES } from './pgaudit';
import { contains, formatCidr, cidrSubnet, overlaps, parseCidr, Ipv4Cidr } from './cidr';
import { resourceNames, ResourceNames, tightestNameRule, NAME_RULES, NameKey } from './names';
import { AwsRegion, isAwsRegion } from './regions';

export type Profile = 'production' | 'standard';
export type NatGatewayMode = 'one-per-az' | 'single';

export const DEFAULT_ENVIRONMENT = 'prod';
export const DEFAULT_REGION: AwsRegion = 'eu-west-1';

/** The values CloudWatch Logs accepts for retention_in_days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** PostgreSQL major versions RDS offers with standard support; preflight checks the region. */
export const POSTGRES_MAJOR_VERSIONS = ['14', '15', '16', '17'] as const;
export type PostgresMajorVersion = (typeof POSTGRES_MAJOR_VERSIONS)[number];

export interface NetworkSettings {
  readonly vpcCidr: string;
  readonly azCount: number;
  readonly natGateways: NatGatewayMode;
  /** One CIDR per AZ for each tier, carved from the VPC CIDR unless overridden. */
  readonly publicSubnetCidrs: readonly string[];
  readonly privateSubnetCidrs: readonly string[];
  readonly isolatedSubnetCidrs: readonly string[];
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
}

export interface ConfigProblem {
  /** Where the value came from: the variable name, `context "key"`, or the setting name. */
  readonly setting: string;
  readonly value: string;
  readonly rule: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was synthesized:\n` +
        problems.map((p) => `  - ${p.setting} = ${JSON.stringify(p.value)}: ${p.rule}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Where configuration comes from; main.ts passes process.env and the app's context. */
export interface ConfigSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly context?: (key: string) => unknown;
}

/** One row of the settings table: also the source of the README's configuration table. */
export interface SettingSpec {
  readonly envVar: string;
  readonly contextKey: string;
  readonly description: string;
  readonly defaultText: string;
  readonly ruleText: string;
}

export const SETTINGS: Record<string, SettingSpec> = {
  environment: {
    envVar: 'ENVIRONMENT_SUFFIX',
    contextKey: 'env',
    description: 'Environment suffix(es); a comma-separated list synthesizes one stack each',
    defaultText: 'prod',
    ruleText: `lowercase letters, digits and single hyphens, starting with a letter; at most ${tightestNameRule().maxSuffixLength} characters; optional @region per item`,
  },
  region: {
    envVar: 'AWS_REGION',
    contextKey: 'region',
    description: 'AWS region of the platform',
    defaultText: DEFAULT_REGION,
    ruleText: 'a commercial AWS region (config/regions.ts)',
  },
  profile: {
    envVar: 'PLATFORM_PROFILE',
    contextKey: 'profile',
    description: 'Settings profile',
    defaultText: '`production` for `prod`, else `standard`',
    ruleText: '`production` or `standard`',
  },
  vpcCidr: {
    envVar: 'VPC_CIDR',
    contextKey: 'vpcCidr',
    description: 'VPC IPv4 range',
    defaultText: '10.40.0.0/16',
    ruleText: 'private (RFC 1918) IPv4 CIDR, prefix /16 to /22',
  },
  azCount: {
    envVar: 'AZ_COUNT',
    contextKey: 'azCount',
    description: 'Availability zones used by every subnet tier',
    defaultText: 'production 3, standard 2',
    ruleText: 'integer 2 to 4',
  },
  natGateways: {
    envVar: 'NAT_GATEWAYS',
    contextKey: 'natGateways',
    description: 'NAT gateway layout',
    defaultText: 'production `one-per-az`, standard `single`',
    ruleText: '`one-per-az` or `single`',
  },
  publicSubnetCidrs: {
    envVar: 'PUBLIC_SUBNET_CIDRS',
    contextKey: 'publicSubnetCidrs',
    description: 'Public subnet CIDRs, one per AZ (comma-separated)',
    defaultText: '/24s carved from the VPC: netnum 0..',
    ruleText: 'one CIDR per AZ, inside the VPC, no overlaps',
  },
  privateSubnetCidrs: {
    envVar: 'PRIVATE_SUBNET_CIDRS',
    contextKey: 'privateSubnetCidrs',
    description: 'Private (application) subnet CIDRs, one per AZ',
    defaultText: '/20s carved from the VPC: netnum 1..',
    ruleText: 'one CIDR per AZ, inside the VPC, no overlaps',
  },
  isolatedSubnetCidrs: {
    envVar: 'ISOLATED_SUBNET_CIDRS',
    contextKey: 'isolatedSubnetCidrs',
    description: 'Isolated (data) subnet CIDRs, one per AZ',
    defaultText: '/24s carved from the VPC: netnum 128..',
    ruleText: 'one CIDR per AZ, inside the VPC, no overlaps',
  },
  dbInstanceClass: {
    envVar: 'DB_INSTANCE_CLASS',
    contextKey: 'dbInstanceClass',
    description: 'RDS instance class',
    defaultText: 'production `db.r6g.large`, standard `db.t4g.medium`',
    ruleText: '`db.<family>.<size>`; preflight checks it is orderable',
  },
  dbEngineMajorVersion: {
    envVar: 'DB_ENGINE_MAJOR_VERSION',
    contextKey: 'dbEngineMajorVersion',
    description: 'PostgreSQL major version; RDS picks the region default minor',
    defaultText: '16',
    ruleText: `one of ${POSTGRES_MAJOR_VERSIONS.join(', ')}; preflight checks the region offers it`,
  },
  dbAllocatedStorageGiB: {
    envVar: 'DB_ALLOCATED_STORAGE_GIB',
    contextKey: 'dbAllocatedStorageGiB',
    description: 'Initial gp3 storage',
    defaultText: 'production 100, standard 20',
    ruleText: 'integer 20 to 65536',
  },
  dbMaxAllocatedStorageGiB: {
    envVar: 'DB_MAX_ALLOCATED_STORAGE_GIB',
    contextKey: 'dbMaxAllocatedStorageGiB',
    description: 'Storage autoscaling ceiling',
    defaultText: 'production 1000, standard 100',
    ruleText: 'integer, at least the allocated storage, at most 65536',
  },
  dbBackupRetentionDays: {
    envVar: 'DB_BACKUP_RETENTION_DAYS',
    contextKey: 'dbBackupRetentionDays',
    description: 'Automated backup retention',
    defaultText: 'production 35, standard 7',
    ruleText: 'integer 1 to 35 (backups cannot be turned off)',
  },
  cacheNodeType: {
    envVar: 'CACHE_NODE_TYPE',
    contextKey: 'cacheNodeType',
    description: 'ElastiCache node type',
    defaultText: 'production `cache.r7g.large`, standard `cache.t4g.small`',
    ruleText: '`cache.<family>.<size>`; preflight checks it is offered',
  },
  cacheSnapshotRetentionDays: {
    envVar: 'CACHE_SNAPSHOT_RETENTION_DAYS',
    contextKey: 'cacheSnapshotRetentionDays',
    description: 'Redis snapshot retention',
    defaultText: 'production 14, standard 1',
    ruleText: 'integer 1 to 35',
  },
  logRetentionDays: {
    envVar: 'LOG_RETENTION_DAYS',
    contextKey: 'logRetentionDays',
    description: 'CloudWatch Logs retention for every log group',
    defaultText: 'production 2192 (6 years, HIPAA documentation retention), standard 30',
    ruleText: 'one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, … 3653)',
  },
  apiThrottlingRateLimit: {
    envVar: 'API_THROTTLING_RATE_LIMIT',
    contextKey: 'apiThrottlingRateLimit',
    description: 'API Gateway steady-state requests per second',
    defaultText: 'production 500, standard 50',
    ruleText: 'integer 1 to 10000',
  },
  apiThrottlingBurstLimit: {
    envVar: 'API_THROTTLING_BURST_LIMIT',
    contextKey: 'apiThrottlingBurstLimit',
    description: 'API Gateway burst requests',
    defaultText: 'production 1000, standard 100',
    ruleText: 'integer 1 to 5000, at least the rate limit',
  },
  wafRateLimit: {
    envVar: 'WAF_RATE_LIMIT',
    contextKey: 'wafRateLimit',
    description: 'Requests per 5 minutes per client IP before WAF blocks',
    defaultText: 'production 2000, standard 1000',
    ruleText: 'integer 100 to 2000000000',
  },
  dbAuditLog: {
    envVar: 'DB_AUDIT_LOG',
    contextKey: 'dbAuditLog',
    description: 'pgaudit session audit classes (pgaudit.log)',
    defaultText: 'production `ddl,role,read,write`, standard `ddl,role`',
    ruleText: `comma list of ${PGAUDIT_CLASSES.join(', ')}, each optionally prefixed with -; not blank`,
  },
  dbApplyImmediately: {
    envVar: 'DB_APPLY_IMMEDIATELY',
    contextKey: 'dbApplyImmediately',
    description: 'Apply database changes now instead of in the maintenance window',
    defaultText: 'false',
    ruleText: '`true` or `false`; `true` for the deploy that changes DB_ENGINE_MAJOR_VERSION',
  },
  alarmEmail: {
    envVar: 'ALARM_EMAIL',
    contextKey: 'alarmEmail',
    description: 'E-mail subscribed to the alarm topic',
    defaultText: 'none',
    ruleText:
      'an e-mail address; synthesis works without it, but preflight and deploy refuse a production deploy without it',
  },
  accountId: {
    envVar: 'AWS_ACCOUNT_ID',
    contextKey: 'accountId',
    description: 'AWS account each environment may be deployed to (provider allowed_account_ids)',
    defaultText: 'none (not pinned)',
    ruleText:
      'a 12-digit account id for every environment, or `<env>=<12-digit id>` pairs separated by commas; set but blank is refused',
  },
};

type SettingKey = keyof typeof SETTINGS;

/** Profile defaults: production is protected and redundant, standard is cheap. */
const PROFILE_DEFAULTS = {
  production: {
    azCount: 3,
    natGateways: 'one-per-az' as NatGatewayMode,
    dbInstanceClass: 'db.r6g.large',
    dbAllocatedStorageGiB: 100,
    dbMaxAllocatedStorageGiB: 1000,
    dbBackupRetentionDays: 35,
    cacheNodeType: 'cache.r7g.large',
    cacheSnapshotRetentionDays: 14,
    logRetentionDays: 2192,
    apiThrottlingRateLimit: 500,
    apiThrottlingBurstLimit: 1000,
    wafRateLimit: 2000,
    performanceInsightsRetentionDays: 731,
    // HIPAA audit controls: who read and changed PHI, schema and role changes.
    dbAuditLog: 'ddl,role,read,write',
  },
  standard: {
    azCount: 2,
    natGateways: 'single' as NatGatewayMode,
    dbInstanceClass: 'db.t4g.medium',
    dbAllocatedStorageGiB: 20,
    dbMaxAllocatedStorageGiB: 100,
    dbBackupRetentionDays: 7,
    cacheNodeType: 'cache.t4g.small',
    cacheSnapshotRetentionDays: 1,
    logRetentionDays: 30,
    apiThrottlingRateLimit: 50,
    apiThrottlingBurstLimit: 100,
    wafRateLimit: 1000,
    performanceInsightsRetentionDays: 7,
    // Schema and role changes only: no statement volume from test traffic.
    dbAuditLog: 'ddl,role',
  },
} as const;

const SUFFIX_PATTERN = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DEFAULT_VPC_CIDR = '10.40.0.0/16';
const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr(c)!);

/** Reads one raw setting: environment variable first, then context, else undefined. */
class Reader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly sources: ConfigSources) {}

  raw(key: SettingKey): { value: string; label: string } | undefined {
    const spec = SETTINGS[key];
    const fromEnv = this.sources.env[spec.envVar];
    if (fromEnv !== undefined && fromEnv.trim() !== '') {
      return { value: fromEnv.trim(), label: spec.envVar };
    }
    const fromContext = this.sources.context?.(spec.contextKey);
    if (fromContext !== undefined && fromContext !== null && fromContext !== '') {
      const value = Array.isArray(fromContext) ? fromContext.join(',') : String(fromContext);
      return { value: value.trim(), label: `context "${spec.contextKey}"` };
    }
    return undefined;
  }

  /**
   * Like raw, but a setting that is present and blank is refused (a CI variable that
   * expanded to nothing must never silently mean "use the default").
   */
  strict(key: SettingKey): { value: string; label: string } | undefined {
    const spec = SETTINGS[key];
    const fromEnv = this.sources.env[spec.envVar];
    const fromContext = this.sources.context?.(spec.contextKey);
    const blankEnv = fromEnv !== undefined && fromEnv.trim() === '';
    const blankContext = typeof fromContext === 'string' && fromContext.trim() === '';
    if (blankEnv || (fromEnv === undefined && blankContext)) {
      const label = blankEnv ? spec.envVar : `context "${spec.contextKey}"`;
      this.fail(label, '', 'is set but blank: unset it to use the default, or give a value');
      return undefined;
    }
    return this.raw(key);
  }

  fail(label: string, value: string, rule: string): void {
    this.problems.push({ setting: label, value, rule });
  }

  integer(key: SettingKey, fallback: number, min: number, max: number): number {
    const raw = this.raw(key);
    if (!raw) return fallback;
    const n = Number(raw.value);
    if (!/^-?\d+$/.test(raw.value) || n < min || n > max) {
      this.fail(raw.label, raw.value, `must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  oneOf<T extends string | number>(key: SettingKey, fallback: T, allowed: readonly T[]): T {
    const raw = this.raw(key);
    if (!raw) return fallback;
    const match = allowed.find((a) => String(a) === raw.value);
    if (match === undefined) {
      this.fail(raw.label, raw.value, `must be one of ${allowed.join(', ')}`);
      return fallback;
    }
    return match;
  }

  matching(key: SettingKey, fallback: string, pattern: RegExp, rule: string): string {
    const raw = this.raw(key);
    if (!raw) return fallback;
    if (!pattern.test(raw.value)) {
      this.fail(raw.label, raw.value, rule);
      return fallback;
    }
    return raw.value;
  }
}

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
  const accounts = readAccountIds(reader);
  const configs = targets.map((t) => buildConfig(reader, t, accounts));
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

function readAccountIds(reader: Reader): ParsedAccountIds {
  const raw = reader.strict('accountId');
  if (!raw) return { byEnvironment: {}, problems: [] };
  const parsed = parseAccountIds(raw.value);
  for (const problem of parsed.problems) reader.fail(raw.label, problem.value, problem.rule);
  return parsed;
}

function readAuditLog(reader: Reader, fallback: string): string {
  const raw = reader.strict('dbAuditLog');
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

function buildConfig(
  reader: Reader,
  target: EnvironmentTarget,
  accounts: ParsedAccountIds,
): PlatformConfig {
  const environment = target.environment;
  const region = readRegion(reader, target.region);
  const profile = reader.oneOf<Profile>(
    'profile',
    environment === DEFAULT_ENVIRONMENT ? 'production' : 'standard',
    ['production', 'standard'],
  );
  const d = PROFILE_DEFAULTS[profile];
  const isProduction = profile === 'production';

  const azCount = reader.integer('azCount', d.azCount, 2, 4);
  const network = readNetwork(reader, azCount, d.natGateways);

  const allocatedStorageGiB = reader.integer(
    'dbAllocatedStorageGiB',
    d.dbAllocatedStorageGiB,
    20,
    65536,
  );
  const maxAllocatedStorageGiB = reader.integer(
    'dbMaxAllocatedStorageGiB',
    Math.max(d.dbMaxAllocatedStorageGiB, allocatedStorageGiB),
    20,
    65536,
  );
  if (maxAllocatedStorageGiB < allocatedStorageGiB) {
    const raw = reader.raw('dbMaxAllocatedStorageGiB')!;
    reader.fail(
      raw.label,
      raw.value,
      `must be at least the allocated storage (${allocatedStorageGiB} GiB)`,
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
    stackId: `TapStack${environment}`,
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
      backupRetentionDays: reader.integer('dbBackupRetentionDays', d.dbBackupRetentionDays, 1, 35),
      multiAz: isProduction,
      deletionProtection: isProduction,
      skipFinalSnapshot: !isProduction,
      monitoringIntervalSeconds: 60,
      performanceInsightsRetentionDays: d.performanceInsightsRetentionDays,
      auditLog: readAuditLog(reader, d.dbAuditLog),
      applyImmediately: reader.oneOf('dbApplyImmediately', 'false', ['true', 'false']) === 'true',
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
    },
    logRetentionDays: reader.oneOf<number>(
      'logRetentionDays',
      d.logRetentionDays,
      LOG_RETENTION_DAYS,
    ),
    kmsDeletionWindowDays: 30,
    alarmEmail: alarmEmail?.value,
    alarmSubscriberRequired: isProduction,
    accountId: accountIdFor(accounts, environment),
  };
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

function readNetwork(reader: Reader, azCount: number, natDefault: NatGatewayMode): NetworkSettings {
  const natGateways = reader.oneOf<NatGatewayMode>('natGateways', natDefault, [
    'one-per-az',
    'single',
  ]);
  const rawVpc = reader.raw('vpcCidr');
  let vpc = parseCidr(DEFAULT_VPC_CIDR)!;
  if (rawVpc) {
    const parsed = parseCidr(rawVpc.value);
    if (!parsed) {
      reader.fail(
        rawVpc.label,
        rawVpc.value,
        'must be an IPv4 CIDR block with no host bits set, such as 10.40.0.0/16',
      );
    } else if (parsed.prefixLength < 16 || parsed.prefixLength > 22) {
      reader.fail(
        rawVpc.label,
        rawVpc.value,
        'prefix length must be from /16 to /22 (AWS allows /16 at most; smaller than /22 leaves no room for three tiers)',
      );
    } else if (!RFC1918.some((r) => contains(r, parsed))) {
      reader.fail(
        rawVpc.label,
        rawVpc.value,
        'must be a private (RFC 1918) range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
      );
    } else {
      vpc = parsed;
    }
  }

  // Default layout, relative to the VPC prefix p: public /(p+8) from netnum 0, private
  // /(p+4) from netnum 1, isolated /(p+8) from netnum 128 (the upper half's first block).
  const carve = (newBits: number, first: number) =>
    Array.from({ length: azCount }, (_, i) => formatCidr(cidrSubnet(vpc, newBits, first + i)));
  const tiers = {
    publicSubnetCidrs: readSubnets(reader, 'publicSubnetCidrs', vpc, azCount, carve(8, 0)),
    privateSubnetCidrs: readSubnets(reader, 'privateSubnetCidrs', vpc, azCount, carve(4, 1)),
    isolatedSubnetCidrs: readSubnets(reader, 'isolatedSubnetCidrs', vpc, azCount, carve(8, 128)),
  };

  const all = Object.entries(tiers).flatMap(([key, cidrs]) =>
    cidrs.map((c) => ({ key, c, p: parseCidr(c)! })),
  );
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (overlaps(all[i].p, all[j].p)) {
        reader.fail(
          SETTINGS[all[j].key].envVar,
          all[j].c,
          `overlaps ${all[i].c} (${SETTINGS[all[i].key].envVar}); subnets must not overlap`,
        );
      }
    }
  }
  return { vpcCidr: formatCidr(vpc), azCount, natGateways, ...tiers };
}

function readSubnets(
  reader: Reader,
  key: SettingKey,
  vpc: Ipv4Cidr,
  azCount: number,
  fallback: string[],
): string[] {
  const raw = reader.raw(key);
  if (!raw) return fallback;
  const items = raw.value.split(',').map((s) => s.trim());
  if (items.length !== azCount) {
    reader.fail(
      raw.label,
      raw.value,
      `must list exactly ${azCount} CIDRs, one per availability zone (AZ_COUNT)`,
    );
    return fallback;
  }
  for (const item of items) {
    const parsed = parseCidr(item);
    if (!parsed) {
      reader.fail(
        raw.label,
        item,
        'must be an IPv4 CIDR block with no host bits set, such as 10.40.1.0/24',
      );
      return fallback;
    }
    if (parsed.prefixLength > 28 || !contains(vpc, parsed)) {
      reader.fail(
        raw.label,
        item,
        `must lie inside the VPC CIDR ${formatCidr(vpc)} with a prefix of /28 or larger`,
      );
      return fallback;
    }
  }
  return items;
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.setting}\u0000${p.value}\u0000${p.rule}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type { NameKey };
