import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { PostgresMajorVersion } from '../../config/config';
import type { EncryptionKey } from '../encryption/encryption-key';
import { dataStoreSecurityGroup } from '../network/data-store-security-group';
import type { Network } from '../network/network';

export interface DatabaseProps {
  /** DB instance identifier, e.g. `healthcare-db-prod`. */
  readonly identifier: string;
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
  /** @default 7 */
  readonly backupRetentionDays?: number;
  /** @default false */
  readonly multiAz?: boolean;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** @default false (a final snapshot is taken) */
  readonly skipFinalSnapshot?: boolean;
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
}

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
  readonly endpointAddress: string;
  readonly port: number;
  readonly masterUserSecretArn: string;
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const major = props.engineMajorVersion ?? '16';
    const instanceClass = props.instanceClass ?? 'db.t4g.medium';
    const allocatedStorageGiB = props.allocatedStorageGiB ?? 20;
    const maxAllocatedStorageGiB = props.maxAllocatedStorageGiB ?? 100;
    const backupRetentionDays = props.backupRetentionDays ?? 7;
    const multiAz = props.multiAz ?? false;
    const deletionProtection = props.deletionProtection ?? true;
    const skipFinalSnapshot = props.skipFinalSnapshot ?? false;
    const monitoringIntervalSeconds = props.monitoringIntervalSeconds ?? 60;
    const performanceInsightsRetentionDays = props.performanceInsightsRetentionDays ?? 7;
    const preventDestroy = props.preventDestroy ?? false;
    const securityGroupName = props.securityGroupName ?? props.identifier;
    const masterUsername = props.masterUsername ?? 'healthcare_admin';

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
          maxAllocatedStorageGiB < allocatedStorageGiB,
        message: `maxAllocatedStorageGiB = ${maxAllocatedStorageGiB}: must be at least allocatedStorageGiB (${allocatedStorageGiB}); raise it or lower the allocated storage`,
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

    // All four parameters are dynamic in RDS PostgreSQL, so they apply without a reboot.
    const parameterGroup = new DbParameterGroup(this, 'parameter-group', {
      name: props.parameterGroupName,
      family: `postgres${major}`,
      description: `PostgreSQL ${major} for ${props.identifier}: TLS only, connection and slow-query logging`,
      parameter: [
        { name: 'rds.force_ssl', value: '1', applyMethod: 'immediate' },
        { name: 'log_min_duration_statement', value: '1000', applyMethod: 'immediate' },
        { name: 'log_connections', value: '1', applyMethod: 'immediate' },
        { name: 'log_disconnections', value: '1', applyMethod: 'immediate' },
      ],
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
            // Confused-deputy guard: only RDS acting for this account may assume it.
            Condition: { StringEquals: { 'aws:SourceAccount': props.dataKey.accountId } },
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
      backupRetentionPeriod: backupRetentionDays,
      backupWindow: BACKUP_WINDOW,
      maintenanceWindow: MAINTENANCE_WINDOW,
      copyTagsToSnapshot: true,
      deletionProtection,
      skipFinalSnapshot,
      // Set even when skipping, so flipping skipFinalSnapshot later still names the snapshot.
      finalSnapshotIdentifier: `${props.identifier}-final`,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: props.dataKey.keyArn,
      performanceInsightsRetentionPeriod: performanceInsightsRetentionDays,
      monitoringInterval: monitoringIntervalSeconds,
      monitoringRoleArn: monitoringRole.arn,
      enabledCloudwatchLogsExports: [...EXPORTED_LOGS],
      // Changes wait for the maintenance window instead of restarting a live database.
      applyImmediately: false,
      dependsOn: [...logGroups, monitoringPolicy],
      lifecycle: { preventDestroy },
    });

    this.instanceIdentifier = db.identifier;
    this.instanceArn = db.arn;
    this.endpointAddress = db.address;
    this.port = POSTGRES_PORT;
    this.masterUserSecretArn = db.masterUserSecret.get(0).secretArn;
  }
}

function validate(identifier: string, rules: { failed: boolean; message: string }[]): void {
  const problems = rules.filter((r) => r.failed).map((r) => `  - ${r.message}`);
  if (problems.length > 0) {
    throw new Error(`Database "${identifier}" is invalid:\n${problems.join('\n')}`);
  }
}
