import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { ElasticacheParameterGroup } from '@cdktf/provider-aws/lib/elasticache-parameter-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { EncryptionKey } from '../encryption/encryption-key';
import { dataStoreSecurityGroup } from '../network/data-store-security-group';
import type { Network } from '../network/network';
import { Secret } from '../secrets/secret';

export interface CacheProps {
  /** Replication group id, e.g. `healthcare-redis-prod` (max 40 chars). */
  readonly replicationGroupId: string;
  readonly parameterGroupName: string;
  readonly subnetGroupName: string;
  /** Secrets Manager name of the AUTH token, e.g. `healthcare/prod/redis-auth`. */
  readonly authSecretName: string;
  readonly network: Network;
  readonly dataKey: EncryptionKey;
  readonly logsKey: EncryptionKey;
  readonly logRetentionDays: number;
  readonly secretRecoveryWindowDays: number;
  /** @default 'cache.t4g.small' */
  readonly nodeType?: string;
  /** Redis 7 `major.minor` (the parameter group family is `redis7`). @default '7.1' */
  readonly engineVersion?: string;
  /** @default 1 */
  readonly snapshotRetentionDays?: number;
  /** @default false */
  readonly preventDestroy?: boolean;
  /**
   * Take a snapshot named `<replicationGroupId>-final` when the group is deleted.
   * @default true
   */
  readonly finalSnapshot?: boolean;
  /** Name of the cache's own security group. @default - the replication group id */
  readonly securityGroupName?: string;
}

export const REDIS_PORT = 6379;
/** ElastiCache log types, each delivered to its own KMS-encrypted log group. */
const LOG_TYPES = ['slow-log', 'engine-log'] as const;
// Windows are UTC and must not overlap: snapshot first, maintenance after it.
const SNAPSHOT_WINDOW = '03:00-04:00';
const MAINTENANCE_WINDOW = 'sun:05:00-sun:06:00';
/** Length of the generated AUTH token (Redis allows 16 to 128 printable characters). */
const AUTH_TOKEN_LENGTH = 64;

/** ElastiCache Redis (cluster mode disabled, 2 nodes, Multi-AZ) in the isolated subnets. */
export class Cache extends Construct {
  readonly replicationGroupId: string;
  readonly primaryEndpointAddress: string;
  readonly readerEndpointAddress: string;
  readonly port: number;
  readonly authSecretArn: string;
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    const nodeType = props.nodeType ?? 'cache.t4g.small';
    const engineVersion = props.engineVersion ?? '7.1';
    const snapshotRetentionDays = props.snapshotRetentionDays ?? 1;
    const preventDestroy = props.preventDestroy ?? false;
    const finalSnapshot = props.finalSnapshot ?? true;
    const groupId = props.replicationGroupId;
    const securityGroupName = props.securityGroupName ?? groupId;

    const problems = [
      {
        failed: !Token.isUnresolved(groupId) && groupId.length > 40,
        message: `replicationGroupId = "${groupId}": at most 40 characters (it has ${groupId.length}); shorten the name or the environment suffix`,
      },
      {
        failed: !Token.isUnresolved(groupId) && !/^[a-z](?:-?[a-z0-9])*$/.test(groupId),
        message: `replicationGroupId = "${groupId}": lowercase letters, digits and hyphens, starting with a letter, with no two consecutive hyphens and no trailing hyphen`,
      },
      {
        failed:
          !Token.isUnresolved(snapshotRetentionDays) &&
          !(
            Number.isInteger(snapshotRetentionDays) &&
            snapshotRetentionDays >= 0 &&
            snapshotRetentionDays <= 35
          ),
        message: `snapshotRetentionDays = ${snapshotRetentionDays}: ElastiCache keeps snapshots a whole number of days from 0 (off) to 35`,
      },
      {
        // The parameter group family and transit_encryption_mode need Redis 7.
        failed: !Token.isUnresolved(engineVersion) && !/^7\.\d+$/.test(engineVersion),
        message: `engineVersion = "${engineVersion}": must be a Redis 7 version as major.minor, such as 7.1 (the parameter group family is redis7)`,
      },
    ]
      .filter((p) => p.failed)
      .map((p) => `  - ${p.message}`);
    if (problems.length > 0) {
      throw new Error(`Cache "${groupId}" is invalid:\n${problems.join('\n')}`);
    }

    const securityGroup = dataStoreSecurityGroup(this, {
      name: securityGroupName,
      what: `Redis ${groupId}`,
      engine: 'Redis',
      port: REDIS_PORT,
      network: props.network,
    });
    this.securityGroupId = securityGroup.id;

    const subnetGroup = new ElasticacheSubnetGroup(this, 'subnet-group', {
      name: props.subnetGroupName,
      description: `Isolated subnets of ${groupId}`,
      subnetIds: props.network.isolatedSubnetIds,
    });

    const parameterGroup = new ElasticacheParameterGroup(this, 'parameter-group', {
      name: props.parameterGroupName,
      family: 'redis7',
      description: `Redis 7 for ${groupId}`,
    });

    // AUTH token generated by Secrets Manager and stored under the data key.
    const authSecret = new Secret(this, 'auth-token', {
      name: props.authSecretName,
      description: `Redis AUTH token of ${groupId}`,
      encryptionKey: props.dataKey,
      recoveryWindowDays: props.secretRecoveryWindowDays,
      generatedPassword: { length: AUTH_TOKEN_LENGTH, excludePunctuation: true },
      preventDestroy,
    });
    this.authSecretArn = authSecret.secretArn;

    // Pre-created so the logs are KMS-encrypted and expire.
    const logGroups = LOG_TYPES.map(
      (logType) =>
        new CloudwatchLogGroup(this, `log-group-${logType}`, {
          name: `/aws/elasticache/${groupId}/${logType}`,
          kmsKeyId: props.logsKey.keyArn,
          retentionInDays: props.logRetentionDays,
        }),
    );

    const group = new ElasticacheReplicationGroup(this, 'replication-group', {
      replicationGroupId: groupId,
      description: `Healthcare platform Redis ${groupId}`,
      engine: 'redis',
      engineVersion,
      autoMinorVersionUpgrade: 'true',
      nodeType,
      port: REDIS_PORT,
      parameterGroupName: parameterGroup.name,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [securityGroup.id],
      // Cluster mode disabled: one shard, a primary and a replica in different AZs.
      clusterMode: 'disabled',
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      atRestEncryptionEnabled: 'true',
      kmsKeyId: props.dataKey.keyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      // The token itself is never in code; rotating it later keeps old clients working.
      authToken: authSecret.secretValue,
      authTokenUpdateStrategy: 'ROTATE',
      snapshotRetentionLimit: snapshotRetentionDays,
      snapshotWindow: SNAPSHOT_WINDOW,
      finalSnapshotIdentifier: finalSnapshot ? `${props.replicationGroupId}-final` : undefined,
      maintenanceWindow: MAINTENANCE_WINDOW,
      logDeliveryConfiguration: logGroups.map((logGroup, i) => ({
        destinationType: 'cloudwatch-logs',
        destination: logGroup.name,
        logFormat: 'json',
        logType: LOG_TYPES[i],
      })),
      applyImmediately: false,
      lifecycle: {
        preventDestroy,
        // The token lives in Secrets Manager (and may be rotated there): never reset it.
        ignoreChanges: ['auth_token'],
      },
    });

    this.replicationGroupId = group.replicationGroupId;
    this.primaryEndpointAddress = group.primaryEndpointAddress;
    this.readerEndpointAddress = group.readerEndpointAddress;
    this.port = REDIS_PORT;
  }
}
