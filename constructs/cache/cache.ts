import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { ElasticacheParameterGroup } from '@cdktf/provider-aws/lib/elasticache-parameter-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { ElasticacheUser } from '@cdktf/provider-aws/lib/elasticache-user';
import { ElasticacheUserGroup } from '@cdktf/provider-aws/lib/elasticache-user-group';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import type { EncryptionKey } from '../encryption/encryption-key';
import { FINAL_SNAPSHOT_ATTRIBUTE, finalSnapshotName } from '../lifecycle/final-snapshot';
import { dataStoreSecurityGroup } from '../network/data-store-security-group';
import type { Network } from '../network/network';

export interface CacheProps {
  /** Replication group id, e.g. `healthcare-redis-prod` (max 40 chars). */
  readonly replicationGroupId: string;
  /**
   * Parameter group name prefix; the family and a hash of the group's replace-only arguments
   * are appended (`<name>-redis7-<8 hex>`, see cacheParameterGroupName).
   */
  readonly parameterGroupName: string;
  readonly subnetGroupName: string;
  /**
   * Id and name of the application's IAM-authenticated ElastiCache user, e.g.
   * `healthcare-app-prod` (IAM authentication requires user id == user name, lowercase).
   */
  readonly iamUserName: string;
  /** User id of the disabled replacement of the built-in `default` user (max 40 chars, not `default`). */
  readonly defaultUserId: string;
  /** RBAC user group id, e.g. `healthcare-redis-prod` (max 40 chars). */
  readonly userGroupId: string;
  readonly network: Network;
  readonly dataKey: EncryptionKey;
  readonly logsKey: EncryptionKey;
  readonly logRetentionDays: number;
  /**
   * Key pattern the application user may touch (Redis ACL `~<pattern>`).
   * @default 'app:*'
   */
  readonly keyPattern?: string;
  /** @default 'cache.t4g.small' */
  readonly nodeType?: string;
  /** Redis 7 `major.minor` (the parameter group family is `redis7`). @default '7.1' */
  readonly engineVersion?: string;
  /** @default 1 */
  readonly snapshotRetentionDays?: number;
  /** @default false */
  readonly preventDestroy?: boolean;
  /**
   * Take a snapshot named `<replicationGroupId>-final-<plan timestamp>` when the group is
   * deleted (unique per group lifetime: AWS keeps snapshot names after the group is gone).
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
/** Parameter group family of Redis OSS 7 (IAM authentication needs 7.0 or later). */
const REDIS_FAMILY = 'redis7';
/**
 * The application user's commands: reads, writes and connection commands (PING, HELLO)
 * on its own keys; nothing dangerous (FLUSHALL, CONFIG, KEYS, DEBUG …), no pub/sub.
 */
export const APP_USER_COMMANDS = '-@all +@read +@write +@connection -@dangerous';
/** The replacement `default` user: disabled, no commands, so unauthenticated clients get nothing. */
export const DISABLED_ACCESS_STRING = 'off -@all';
/**
 * The cache parameter group's name: `<prefix>-<family>-<first 8 hex of sha256(family, description)>`.
 * aws_elasticache_parameter_group has no name_prefix, and family and description can only be
 * set at creation (a change replaces the group). With create_before_destroy the new group
 * exists next to the old one for a moment, so its name must differ whenever either changes,
 * or ElastiCache refuses it (CacheParameterGroupAlreadyExists) in the middle of the apply.
 */
export function cacheParameterGroupName(
  prefix: string,
  family: string,
  description: string,
): string {
  const hash = createHash('sha256').update(`${family}\n${description}`).digest('hex').slice(0, 8);
  return `${prefix}-${family}-${hash}`;
}

/** An ElastiCache user or user group id: at most 40 lowercase letters, digits and single hyphens, starting with a letter. */
const isRbacId = (id: string) => id.length <= 40 && /^[a-z](?:-?[a-z0-9])*$/.test(id);

/** ElastiCache Redis (cluster mode disabled, 2 nodes, Multi-AZ) in the isolated subnets. */
export class Cache extends Construct {
  readonly replicationGroupId: string;
  readonly primaryEndpointAddress: string;
  readonly readerEndpointAddress: string;
  /** ARN of the replication group (resource of `elasticache:Connect`). */
  readonly replicationGroupArn: string;
  readonly port: number;
  /** The IAM-authenticated user: its id is also the Redis user name to AUTH with. */
  readonly iamUserId: string;
  /** ARN of that user (the other resource of `elasticache:Connect`). */
  readonly iamUserArn: string;
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
    const keyPattern = props.keyPattern ?? 'app:*';

    validate({ ...props, snapshotRetentionDays, engineVersion, keyPattern });

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

    // Replaced (create before destroy) when the family or the description changes; the name
    // changes with them, so the new group is created next to the old one before the
    // replication group moves to it and the old one is deleted.
    const parameterGroupDescription = `Redis 7 for ${groupId}`;
    const parameterGroup = new ElasticacheParameterGroup(this, 'parameter-group', {
      name: cacheParameterGroupName(
        props.parameterGroupName,
        REDIS_FAMILY,
        parameterGroupDescription,
      ),
      family: REDIS_FAMILY,
      description: parameterGroupDescription,
      lifecycle: { createBeforeDestroy: true },
    });

    const { userGroup, iamUser } = this.rbac(props, keyPattern);
    this.iamUserId = iamUser.userId;
    this.iamUserArn = iamUser.arn;

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
      // RBAC (IAM authentication) instead of a shared AUTH token.
      userGroupIds: [userGroup.userGroupId],
      snapshotRetentionLimit: snapshotRetentionDays,
      snapshotWindow: SNAPSHOT_WINDOW,
      finalSnapshotIdentifier: finalSnapshot
        ? finalSnapshotName(props.replicationGroupId)
        : undefined,
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
        // The name chosen at creation stays in state; plans show no drift from the clock.
        ignoreChanges: [FINAL_SNAPSHOT_ATTRIBUTE],
      },
    });

    this.replicationGroupId = group.replicationGroupId;
    this.replicationGroupArn = group.arn;
    this.primaryEndpointAddress = group.primaryEndpointAddress;
    this.readerEndpointAddress = group.readerEndpointAddress;
    this.port = REDIS_PORT;
  }

  /**
   * RBAC with IAM authentication: no password exists anywhere (code, plans or state).
   * Clients sign a short-lived token with their IAM role (`elasticache:Connect` on the
   * replication group and the user). Every user group must hold a user named `default`;
   * ours replaces the built-in one (no password, full access) with a disabled user.
   */
  private rbac(props: CacheProps, keyPattern: string) {
    const iamUser = new ElasticacheUser(this, 'iam-user', {
      userId: props.iamUserName,
      userName: props.iamUserName,
      engine: 'redis',
      authenticationMode: { type: 'iam' },
      accessString: `on ~${keyPattern} ${APP_USER_COMMANDS}`,
    });
    const defaultUser = new ElasticacheUser(this, 'default-user', {
      userId: props.defaultUserId,
      userName: 'default',
      engine: 'redis',
      noPasswordRequired: true,
      accessString: DISABLED_ACCESS_STRING,
    });
    const userGroup = new ElasticacheUserGroup(this, 'user-group', {
      userGroupId: props.userGroupId,
      engine: 'redis',
      userIds: [defaultUser.userId, iamUser.userId],
    });
    return { userGroup, iamUser };
  }
}

/** Collects every broken rule into one message; unresolved tokens are checked by AWS. */
function validate(
  props: CacheProps & { snapshotRetentionDays: number; engineVersion: string; keyPattern: string },
): void {
  const { snapshotRetentionDays, engineVersion, keyPattern, iamUserName } = props;
  const groupId = props.replicationGroupId;
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
      message: `engineVersion = "${engineVersion}": must be a Redis 7 version as major.minor, such as 7.1 (the parameter group family is redis7; IAM authentication needs 7.0 or later)`,
    },
    {
      failed: !Token.isUnresolved(iamUserName) && !isRbacId(iamUserName),
      message: `iamUserName = "${iamUserName}": an IAM-authenticated ElastiCache user's id and name are the same, at most 40 lowercase letters, digits and single hyphens, starting with a letter`,
    },
    {
      failed:
        !Token.isUnresolved(props.defaultUserId) &&
        (props.defaultUserId === 'default' || !isRbacId(props.defaultUserId)),
      message: `defaultUserId = "${props.defaultUserId}": the replacement default user needs its own id (not "default"): at most 40 lowercase letters, digits and single hyphens, starting with a letter`,
    },
    {
      failed: !Token.isUnresolved(props.userGroupId) && !isRbacId(props.userGroupId),
      message: `userGroupId = "${props.userGroupId}": at most 40 lowercase letters, digits and single hyphens, starting with a letter`,
    },
    {
      failed: !Token.isUnresolved(keyPattern) && !/^[^\s]+$/.test(keyPattern),
      message: `keyPattern = "${keyPattern}": one Redis key pattern without spaces, such as app:*`,
    },
  ]
    .filter((p) => p.failed)
    .map((p) => `  - ${p.message}`);
  if (problems.length > 0) {
    throw new Error(`Cache "${groupId}" is invalid:\n${problems.join('\n')}`);
  }
}
