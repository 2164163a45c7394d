import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { PostgresMajorVersion } from '../../config/config';
import {
  CONTINUOUS_BACKUP_RETENTION_DAYS,
  minimumMaxAllocatedStorageGiB,
} from '../../config/settings';
import { isPgauditLog, PGAUDIT_CLASSES } from '../../config/pgaudit';
import type { EncryptionKey } from '../encryption/encryption-key';
import { FINAL_SNAPSHOT_ATTRIBUTE, finalSnapshotName } from '../lifecycle/final-snapshot';
import { dataStoreSecurityGroup } from '../network/data-store-security-group';
import type { Network } from '../network/network';

export interface DatabaseProps {
  /** DB instance identifier, e.g. `healthcare-db-prod`. */
  readonly identifier: string;
  /**
   * Parameter group name prefix: the group is named `<prefix>-postgres16-<26 characters
   * Terraform generates>` (`name_prefix`), so a replacement never collides with the old group.
   */
  readonly parameterGroupName: string;
  readonly subnetGroupName: string;
  readonly monitoringRoleName: string;
  readonly network: Network;
  /** Encrypts storage, Performance Insights and the managed master secret. */
  readonly dataKey: EncryptionKey;
  /** Encrypts the pre-created log groups of the exported logs. */
  readonly logsKey: EncryptionKey;
  readonly logRetentionDays: number;
  /** @default '16' */
  readonly engineMajorVersion?: PostgresMajorVersion;
  /** @default 'db.t4g.medium' */
  readonly instanceClass?: string;
  /** @default 20 */
  readonly allocatedStorageGiB?: number;
  /** @default 100 */
  readonly maxAllocatedStorageGiB?: number;
  /**
   * Automated backup retention. With `backupOwner: 'aws-backup'` it must equal the continuous
   * rule's retention (CONTINUOUS_BACKUP_RETENTION_DAYS, 35).
   * @default 7, or 35 when AWS Backup owns the backups
   */
  readonly backupRetentionDays?: number;
  /**
   * Who owns the automated backups' retention and window. `aws-backup`: the instance is in an
   * AWS Backup plan with a continuous (point-in-time) rule, which manages them (AWS: "You must
   * use your backup plan to increase or decrease the retention period"); Terraform creates the
   * instance with the rule's retention and then ignores both, so plans never fight AWS Backup.
   * `terraform`: no continuous rule covers the instance and Terraform keeps both in step.
   * @default 'terraform'
   */
  readonly backupOwner?: BackupOwner;
  /** @default false */
  readonly multiAz?: boolean;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** @default false (a final snapshot is taken) */
  readonly skipFinalSnapshot?: boolean;
  /**
   * Keep the automated backups (point-in-time recovery) for their retention period
   * after the instance is deleted.
   * @default false
   */
  readonly retainAutomatedBackups?: boolean;
  /** @default 60 */
  readonly monitoringIntervalSeconds?: number;
  /** @default 7 */
  readonly performanceInsightsRetentionDays?: number;
  /** @default false */
  readonly preventDestroy?: boolean;
  /** Name of the database's own security group. @default - the instance identifier */
  readonly securityGroupName?: string;
  /** Master user name; its password is generated and kept by RDS. @default 'healthcare_admin' */
  readonly masterUsername?: string;
  /**
   * pgaudit session audit classes (`pgaudit.log`), e.g. `ddl,role,read,write`.
   * @default 'ddl,role'
   */
  readonly auditLog?: string;
  /**
   * Apply changes at once instead of in the maintenance window. Needed for the deploy
   * that changes the engine major version (see docs/database-upgrades.md).
   * @default false
   */
  readonly applyImmediately?: boolean;
}

/** Who owns an instance's automated backup retention and window (see DatabaseProps.backupOwner). */
export type BackupOwner = 'aws-backup' | 'terraform';

/** Attributes AWS Backup's continuous rule manages on the instances it covers. */
export const AWS_BACKUP_OWNED_ATTRIBUTES = ['backup_retention_period', 'backup_window'] as const;

export const POSTGRES_PORT = 5432;
/** Intervals Enhanced Monitoring accepts (0 would turn it off, which we never do). */
export const MONITORING_INTERVALS = [1, 5, 10, 15, 30, 60] as const;
/** Logs RDS exports for PostgreSQL; each gets a pre-created, KMS-encrypted log group. */
const EXPORTED_LOGS = ['postgresql', 'upgrade'] as const;
// Windows are UTC and must not overlap: backup first, maintenance after it.
const BACKUP_WINDOW = '03:00-04:00';
const MAINTENANCE_WINDOW = 'sun:04:30-sun:05:30';

const isInteger = (value: number): boolean => Number.isInteger(value);
const known = (value: number): boolean => !Token.isUnresolved(value);

/** Performance Insights keeps 7 days (free tier), 731 days, or a whole number of months (31 days). */
const isPerformanceInsightsRetention = (days: number): boolean =>
  isInteger(days) && (days === 7 || days === 731 || (days > 0 && days <= 713 && days % 31 === 0));

/** RDS PostgreSQL in the isolated subnets, reachable only from the application tier. */
export class Database extends Construct {
  readonly instanceIdentifier: string;
  readonly instanceArn: string;
  /** The instance's `dbi-…` resource id: the resource part of `rds-db:connect` ARNs. */
  readonly resourceId: string;
  readonly endpointAddress: string;
  readonly port: number;
  readonly masterUserSecretArn: string;
  readonly securityGroupId: string;
  /** The exported `postgresql` log group (statement text: it gets a data protection policy). */
  readonly postgresqlLogGroupName: string;
  readonly parameterGroupNamePrefix: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const major = props.engineMajorVersion ?? '16';
    const instanceClass = props.instanceClass ?? 'db.t4g.medium';
    const allocatedStorageGiB = props.allocatedStorageGiB ?? 20;
    const maxAllocatedStorageGiB = props.maxAllocatedStorageGiB ?? 100;
    const backupOwner = props.backupOwner ?? 'terraform';
    const backupRetentionDays =
      props.backupRetentionDays ??
      (backupOwner === 'aws-backup' ? CONTINUOUS_BACKUP_RETENTION_DAYS : 7);
    const multiAz = props.multiAz ?? false;
    const deletionProtection = props.deletionProtection ?? true;
    const skipFinalSnapshot = props.skipFinalSnapshot ?? false;
    const retainAutomatedBackups = props.retainAutomatedBackups ?? false;
    const monitoringIntervalSeconds = props.monitoringIntervalSeconds ?? 60;
    const performanceInsightsRetentionDays = props.performanceInsightsRetentionDays ?? 7;
    const preventDestroy = props.preventDestroy ?? false;
    const securityGroupName = props.securityGroupName ?? props.identifier;
    const masterUsername = props.masterUsername ?? 'healthcare_admin';
    const auditLog = props.auditLog ?? 'ddl,role';
    const applyImmediately = props.applyImmediately ?? false;

    validate(props.identifier, [
      {
        failed:
          !Token.isUnresolved(props.identifier) &&
          !(props.identifier.length <= 63 && /^[a-z](?:-?[a-z0-9])*$/.test(props.identifier)),
        message: `identifier = "${props.identifier}": an RDS DB instance identifier is 1 to 63 lowercase letters, digits or hyphens, starts with a letter, and has no two consecutive hyphens and no trailing hyphen`,
      },
      {
        failed:
          known(allocatedStorageGiB) &&
          !(
            isInteger(allocatedStorageGiB) &&
            allocatedStorageGiB >= 20 &&
            allocatedStorageGiB <= 65536
          ),
        message: `allocatedStorageGiB = ${allocatedStorageGiB}: gp3 storage for PostgreSQL is a whole number from 20 to 65536 GiB`,
      },
      {
        failed:
          known(maxAllocatedStorageGiB) &&
          !(isInteger(maxAllocatedStorageGiB) && maxAllocatedStorageGiB <= 65536),
        message: `maxAllocatedStorageGiB = ${maxAllocatedStorageGiB}: storage autoscaling goes up to a whole number of at most 65536 GiB`,
      },
      {
        failed:
          known(maxAllocatedStorageGiB) &&
          known(allocatedStorageGiB) &&
          maxAllocatedStorageGiB < minimumMaxAllocatedStorageGiB(allocatedStorageGiB),
        message: `maxAllocatedStorageGiB = ${maxAllocatedStorageGiB}: RDS needs the autoscaling ceiling at least 10% above allocatedStorageGiB (${allocatedStorageGiB}), i.e. at least ${minimumMaxAllocatedStorageGiB(allocatedStorageGiB)}; raise it or lower the allocated storage`,
      },
      {
        failed:
          known(backupRetentionDays) &&
          !(
            isInteger(backupRetentionDays) &&
            backupRetentionDays >= 1 &&
            backupRetentionDays <= 35
          ),
        message: `backupRetentionDays = ${backupRetentionDays}: automated backups are kept a whole number of days from 1 to 35 (0 would turn backups off)`,
      },
      {
        failed:
          backupOwner === 'aws-backup' &&
          known(backupRetentionDays) &&
          backupRetentionDays !== CONTINUOUS_BACKUP_RETENTION_DAYS,
        message: `backupRetentionDays = ${backupRetentionDays}: AWS Backup's continuous rule owns this instance's backups and keeps them ${CONTINUOUS_BACKUP_RETENTION_DAYS} days; create it with ${CONTINUOUS_BACKUP_RETENTION_DAYS} (change the retention in the backup plan, not here)`,
      },
      {
        failed:
          known(monitoringIntervalSeconds) &&
          !(MONITORING_INTERVALS as readonly number[]).includes(monitoringIntervalSeconds),
        message: `monitoringIntervalSeconds = ${monitoringIntervalSeconds}: Enhanced Monitoring accepts ${MONITORING_INTERVALS.join(', ')} seconds`,
      },
      {
        failed:
          known(performanceInsightsRetentionDays) &&
          !isPerformanceInsightsRetention(performanceInsightsRetentionDays),
        message: `performanceInsightsRetentionDays = ${performanceInsightsRetentionDays}: Performance Insights keeps 7 days, 731 days, or a multiple of 31 days (months) up to 713`,
      },
      {
        failed: !Token.isUnresolved(auditLog) && !isPgauditLog(auditLog),
        message: `auditLog = "${auditLog}": a comma list of pgaudit classes (${PGAUDIT_CLASSES.join(', ')}), each optionally prefixed with "-"`,
      },
    ]);

    const securityGroup = dataStoreSecurityGroup(this, {
      name: securityGroupName,
      what: `PostgreSQL ${props.identifier}`,
      engine: 'PostgreSQL',
      port: POSTGRES_PORT,
      network: props.network,
    });
    this.securityGroupId = securityGroup.id;

    const subnetGroup = new DbSubnetGroup(this, 'subnet-group', {
      name: props.subnetGroupName,
      description: `Isolated subnets of ${props.identifier}`,
      subnetIds: props.network.isolatedSubnetIds,
    });

    // Replaced (create before destroy) whenever a ForceNew argument changes: the family on a
    // major upgrade, or the description. The name is a prefix plus a suffix Terraform generates,
    // so the new group never collides with the old one (DBParameterGroupAlreadyExists); the
    // instance moves to it in the same update, then the old group is deleted.
    this.parameterGroupNamePrefix = `${props.parameterGroupName}-postgres${major}-`;
    const parameterGroup = new DbParameterGroup(this, 'parameter-group', {
      namePrefix: this.parameterGroupNamePrefix,
      family: `postgres${major}`,
      description: `PostgreSQL ${major} for ${props.identifier}: TLS only, pgaudit, no bind values in logs`,
      parameter: databaseParameters(auditLog),
      lifecycle: { createBeforeDestroy: true },
    });

    const monitoringRole = new IamRole(this, 'monitoring-role', {
      name: props.monitoringRoleName,
      description: `Enhanced Monitoring for ${props.identifier}`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'monitoring.rds.amazonaws.com' },
            Action: 'sts:AssumeRole',
            // Confused-deputy guard: only RDS acting for this instance of this account.
            Condition: {
              StringEquals: { 'aws:SourceAccount': props.dataKey.accountId },
              ArnLike: {
                'aws:SourceArn': `arn:${props.dataKey.partition}:rds:${props.dataKey.region}:${props.dataKey.accountId}:db:${props.identifier}`,
              },
            },
          },
        ],
      }),
    });
    const monitoringPolicy = new IamRolePolicyAttachment(this, 'monitoring-policy', {
      role: monitoringRole.name,
      policyArn: `arn:${props.dataKey.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    });

    // Pre-created so they are KMS-encrypted with our retention; RDS would create them
    // unencrypted with no expiry on the first export.
    const logGroups = EXPORTED_LOGS.map(
      (log) =>
        new CloudwatchLogGroup(this, `log-group-${log}`, {
          name: `/aws/rds/instance/${props.identifier}/${log}`,
          kmsKeyId: props.logsKey.keyArn,
          retentionInDays: props.logRetentionDays,
        }),
    );

    const db = new DbInstance(this, 'instance', {
      identifier: props.identifier,
      engine: 'postgres',
      // The major only: RDS picks the region's default minor and upgrades minors itself,
      // so a full version that does not exist in the region can never be requested.
      engineVersion: major,
      autoMinorVersionUpgrade: true,
      // Changing the major is an in-place upgrade (engine_version updates in place); RDS
      // refuses a major change unless this is set.
      allowMajorVersionUpgrade: true,
      instanceClass,
      port: POSTGRES_PORT,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [securityGroup.id],
      parameterGroupName: parameterGroup.name,
      publiclyAccessible: false,
      multiAz,
      storageType: 'gp3',
      allocatedStorage: allocatedStorageGiB,
      maxAllocatedStorage: maxAllocatedStorageGiB,
      storageEncrypted: true,
      kmsKeyId: props.dataKey.keyArn,
      username: masterUsername,
      // RDS generates and rotates the password in Secrets Manager: none in code or state.
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.dataKey.keyArn,
      iamDatabaseAuthenticationEnabled: true,
      caCertIdentifier: 'rds-ca-rsa2048-g1',
      // Created with these; with backupOwner 'aws-backup' the continuous rule owns them after.
      backupRetentionPeriod: backupRetentionDays,
      backupWindow: BACKUP_WINDOW,
      maintenanceWindow: MAINTENANCE_WINDOW,
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: !retainAutomatedBackups,
      deletionProtection,
      skipFinalSnapshot,
      // Set even when skipping, so flipping skipFinalSnapshot later still names the snapshot;
      // unique per instance lifetime (AWS keeps snapshot names after the instance is gone).
      finalSnapshotIdentifier: finalSnapshotName(props.identifier),
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: props.dataKey.keyArn,
      performanceInsightsRetentionPeriod: performanceInsightsRetentionDays,
      monitoringInterval: monitoringIntervalSeconds,
      monitoringRoleArn: monitoringRole.arn,
      enabledCloudwatchLogsExports: [...EXPORTED_LOGS],
      // By default changes wait for the maintenance window instead of restarting a live
      // database; a major upgrade is deployed with applyImmediately (docs/database-upgrades.md).
      applyImmediately,
      dependsOn: [...logGroups, monitoringPolicy],
      lifecycle: {
        preventDestroy,
        ignoreChanges: [
          FINAL_SNAPSHOT_ATTRIBUTE,
          ...(backupOwner === 'aws-backup' ? AWS_BACKUP_OWNED_ATTRIBUTES : []),
        ],
      },
    });

    this.postgresqlLogGroupName = logGroups[EXPORTED_LOGS.indexOf('postgresql')].name;
    this.instanceIdentifier = db.identifier;
    this.instanceArn = db.arn;
    this.resourceId = db.resourceId;
    this.endpointAddress = db.address;
    this.port = POSTGRES_PORT;
    this.masterUserSecretArn = db.masterUserSecret.get(0).secretArn;
  }
}

/**
 * TLS only; connection and slow-query logging without bind values (PHI) in the log;
 * pgaudit session auditing without parameters. All are dynamic except
 * shared_preload_libraries (static: applied at the next reboot).
 */
function databaseParameters(auditLog: string) {
  const dynamic = (name: string, value: string) => ({ name, value, applyMethod: 'immediate' });
  return [
    dynamic('rds.force_ssl', '1'),
    dynamic('log_min_duration_statement', '1000'),
    dynamic('log_connections', '1'),
    dynamic('log_disconnections', '1'),
    // Statements are audited by pgaudit; log_statement would log them a second time.
    dynamic('log_statement', 'none'),
    // 0 = no bind parameter values in slow-query and error log lines (PostgreSQL 13+).
    dynamic('log_parameter_max_length', '0'),
    dynamic('log_parameter_max_length_on_error', '0'),
    // No DETAIL/HINT/CONTEXT lines: a unique violation's DETAIL quotes the key's value
    // ("Key (email)=(...) already exists"). The primary message and STATEMENT stay.
    dynamic('log_error_verbosity', 'terse'),
    // pg_stat_statements is RDS's default library; pgaudit is added to it.
    {
      name: 'shared_preload_libraries',
      value: 'pg_stat_statements,pgaudit',
      applyMethod: 'pending-reboot',
    },
    dynamic('pgaudit.log', auditLog),
    dynamic('pgaudit.log_parameter', '0'),
    dynamic('pgaudit.log_catalog', '0'),
    dynamic('pgaudit.role', 'rds_pgaudit'),
  ];
}

function validate(identifier: string, rules: { failed: boolean; message: string }[]): void {
  const problems = rules.filter((r) => r.failed).map((r) => `  - ${r.message}`);
  if (problems.length > 0) {
    throw new Error(`Database "${identifier}" is invalid:\n${problems.join('\n')}`);
  }
}
