/**
 * Every setting a user can change: its variable, context key, default and rule (this table
 * also writes docs/configuration.md's table), and the defaults of each profile.
 */
import { tightestNameRule } from './names';
import { PGAUDIT_CLASSES } from './pgaudit';
import type { AwsRegion } from './regions';

export type Profile = 'production' | 'standard';
export type NatGatewayMode = 'one-per-az' | 'single';

/**
 * What an environment may hold, written as the provider's default tag `DataClassification`
 * on every resource: `PHI` (the production profile's controls) or `synthetic` (test data
 * only, never PHI: the standard profile's controls are below the production bar). The
 * account baseline's own resources are tagged `audit`. AWS Backup selects by this tag.
 */
export const DATA_CLASSIFICATIONS = ['PHI', 'synthetic'] as const;
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

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

/** One row of the settings table: also the source of docs/configuration.md's table. */
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
    description: 'VPC IPv4 range, distinct per environment',
    defaultText:
      'per environment: prod `10.40.0.0/16`, dev `10.41.0.0/16`, staging `10.42.0.0/16`, any other a /16 of `10.64.0.0/10` chosen by its name',
    ruleText:
      'private (RFC 1918) IPv4 CIDR, prefix /16 to /20 (to /22 when all three subnet lists are given), or `<env>=<cidr>` pairs, e.g. `dev=10.41.0.0/16,prod=10.40.0.0/16`; the environments of one run must not overlap',
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
  availabilityZones: {
    envVar: 'AVAILABILITY_ZONES',
    contextKey: 'availabilityZones',
    description: 'Availability zones of every subnet tier, pinned by name',
    defaultText: "none: the region's first AZ_COUNT zones, in AWS's order",
    ruleText:
      'AZ_COUNT distinct zone names of the region (`<region><letter>`, e.g. `eu-west-1a,eu-west-1b`); the plan stops when the account has no such zone',
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
    ruleText: 'integer, at least 10% above the allocated storage (RDS refuses less), at most 65536',
  },
  dbBackupRetentionDays: {
    envVar: 'DB_BACKUP_RETENTION_DAYS',
    contextKey: 'dbBackupRetentionDays',
    description: 'Automated backup retention',
    defaultText: 'production 35, standard 7',
    ruleText:
      'integer 1 to 35 (backups cannot be turned off); the production profile takes only 35: its database is in the baseline continuous backup rule, which owns the retention',
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
  apiDomainName: {
    envVar: 'API_DOMAIN_NAME',
    contextKey: 'apiDomainName',
    description: 'Custom domain of the API (TLS 1.2 or later; the execute-api host is turned off)',
    defaultText:
      'none: only the execute-api host, which accepts TLS 1.0; a production deploy is refused',
    ruleText:
      'a lowercase DNS host name, e.g. `api.example.org`, or `<env>=<name>` pairs; distinct per environment; needs `API_CERTIFICATE_ARN`',
  },
  apiCertificateArn: {
    envVar: 'API_CERTIFICATE_ARN',
    contextKey: 'apiCertificateArn',
    description: 'ACM certificate of the custom domain',
    defaultText: 'none',
    ruleText:
      "an ACM certificate ARN in the environment's region (and pinned account), or `<env>=<arn>` pairs; needs `API_DOMAIN_NAME`; preflight checks it is ISSUED and covers the name",
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
  deployRoleArn: {
    envVar: 'DEPLOY_ROLE_ARN',
    contextKey: 'deployRoleArn',
    description:
      "IAM role the environment's AWS provider assumes (an account per environment; session healthcare-<env>-deploy)",
    defaultText: 'none (the credentials as given)',
    ruleText:
      "an IAM role ARN for every environment, or `<env>=<role ARN>` pairs; its account must be the environment's AWS_ACCOUNT_ID when that is set",
  },
  deployExternalId: {
    envVar: 'DEPLOY_EXTERNAL_ID',
    contextKey: 'deployExternalId',
    description: 'External id passed when assuming DEPLOY_ROLE_ARN (when the role requires one)',
    defaultText: 'none',
    ruleText:
      '2 to 1224 of `A-Za-z0-9+=,.@:/_-`, one for every environment or `<env>=<id>` pairs; only with DEPLOY_ROLE_ARN',
  },
  logMaskPatterns: {
    envVar: 'LOG_MASK_PATTERNS',
    contextKey: 'logMaskPatterns',
    description:
      'Custom data identifiers CloudWatch Logs masks in the platform log groups, besides the managed PHI and personal ones (docs/phi-in-logs.md)',
    defaultText: 'none',
    ruleText:
      '`name=regex;name=regex`: at most 10; names 1 to 128 of `A-Za-z0-9_-`, not an AWS-managed identifier name; each regex at most 200 characters and valid',
  },
  dataClassification: {
    envVar: 'DATA_CLASSIFICATION',
    contextKey: 'dataClassification',
    description: 'What the environment may hold (provider default tag DataClassification)',
    defaultText: 'production `PHI`, standard `synthetic`',
    ruleText:
      '`PHI` or `synthetic`; the standard profile may not hold PHI (its controls are below the production bar)',
  },
  readinessReservedConcurrency: {
    envVar: 'READINESS_RESERVED_CONCURRENCY',
    contextKey: 'readinessReservedConcurrency',
    description: 'Concurrent executions reserved for (and capping) the readiness function',
    defaultText: '2',
    ruleText:
      'integer 0 to 100; `0` = no reservation (standard profile only); a deploy needs a Lambda concurrency quota of at least this + 100',
  },
};

export type SettingKey = keyof typeof SETTINGS;

/** Profile defaults: production is protected and redundant, standard is cheap. */
export const PROFILE_DEFAULTS = {
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
    dataClassification: 'PHI' as DataClassification,
    readinessReservedConcurrency: 2,
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
    dataClassification: 'synthetic' as DataClassification,
    readinessReservedConcurrency: 2,
  },
} as const;

/**
 * The retention of the account baseline's continuous (point-in-time) backup rule for RDS (the
 * AWS Backup maximum). A database in that plan (DataClassification PHI: the production profile)
 * is created with it, and AWS Backup owns the retention afterwards (constructs/database,
 * `backupOwner`). The baseline's value is the same (a unit test keeps them equal).
 */
export const CONTINUOUS_BACKUP_RETENTION_DAYS = 35;

/**
 * The lowest storage autoscaling ceiling RDS accepts: at least 10% more than the allocated
 * storage, else "Invalid max storage size"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html).
 */
export function minimumMaxAllocatedStorageGiB(allocatedStorageGiB: number): number {
  return Math.ceil((allocatedStorageGiB * 11) / 10);
}
