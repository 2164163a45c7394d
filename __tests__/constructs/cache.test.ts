import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { ElasticacheParameterGroup } from '@cdktf/provider-aws/lib/elasticache-parameter-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { ElasticacheUser } from '@cdktf/provider-aws/lib/elasticache-user';
import { ElasticacheUserGroup } from '@cdktf/provider-aws/lib/elasticache-user-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Lazy, TerraformOutput, Testing, Token } from 'cdktf';
import { Cache, cacheParameterGroupName, CacheProps } from '../../constructs/cache/cache';
import type { EncryptionKey } from '../../constructs/encryption/encryption-key';
import type { Network } from '../../constructs/network/network';

const DATA_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/data';
const LOGS_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/logs';
const fakeKey = (keyArn: string, keyId: string) =>
  ({
    keyArn,
    keyId,
    aliasName: `alias/${keyId}`,
    accountId: '111122223333',
    partition: 'aws',
  }) as unknown as EncryptionKey;
const network = {
  vpcId: 'vpc-123',
  vpcCidr: '10.40.0.0/16',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  publicSubnetIds: ['subnet-pa', 'subnet-pb'],
  privateSubnetIds: ['subnet-ra', 'subnet-rb'],
  isolatedSubnetIds: ['subnet-a', 'subnet-b'],
  natGatewayIds: [],
  applicationSecurityGroupId: 'sg-app',
  flowLogGroupArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:flow',
} as unknown as Network;

const baseProps: CacheProps = {
  replicationGroupId: 'healthcare-redis-test',
  parameterGroupName: 'healthcare-redis-test',
  subnetGroupName: 'healthcare-redis-test',
  iamUserName: 'healthcare-app-test',
  defaultUserId: 'healthcare-dflt-test',
  userGroupId: 'healthcare-redis-test',
  network,
  dataKey: fakeKey(DATA_KEY_ARN, 'data'),
  logsKey: fakeKey(LOGS_KEY_ARN, 'logs'),
  logRetentionDays: 30,
};
const FINAL_SNAPSHOT =
  'healthcare-redis-test-final-${formatdate("YYYYMMDDhhmmss", plantimestamp())}';

type Block = Record<string, Record<string, Record<string, unknown>>>;
interface Synthesized {
  readonly output: Record<string, { value: string }>;
  readonly resource: Block;
}

function synth(props: Partial<CacheProps> = {}): { json: string; parsed: Synthesized } {
  const json = Testing.synthScope((scope) => {
    const cache = new Cache(scope, 'cache', { ...baseProps, ...props });
    new TerraformOutput(scope, 'primary', { value: cache.primaryEndpointAddress });
    new TerraformOutput(scope, 'reader', { value: cache.readerEndpointAddress });
    new TerraformOutput(scope, 'port', { value: cache.port });
    new TerraformOutput(scope, 'group_id', { value: cache.replicationGroupId });
    new TerraformOutput(scope, 'group_arn', { value: cache.replicationGroupArn });
    new TerraformOutput(scope, 'user_id', { value: cache.iamUserId });
    new TerraformOutput(scope, 'user_arn', { value: cache.iamUserArn });
    new TerraformOutput(scope, 'sg', { value: cache.securityGroupId });
  });
  return { json, parsed: JSON.parse(json) as Synthesized };
}

const only = (block: Block, type: string): Record<string, unknown> => {
  const all = Object.values(block[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0];
};

describe('cacheParameterGroupName: a replacement never takes the old name', () => {
  test('two descriptions give two names', () => {
    const a = cacheParameterGroupName(
      'healthcare-redis-test',
      'redis7',
      'Redis 7 for healthcare-redis-test',
    );
    const b = cacheParameterGroupName(
      'healthcare-redis-test',
      'redis7',
      'Redis 7 for healthcare-redis-other',
    );
    expect(a).toBe('healthcare-redis-test-redis7-4fed0b0e');
    expect(b).toBe('healthcare-redis-test-redis7-59c5b8a3');
  });

  test('two families with one description give two names', () => {
    expect(
      cacheParameterGroupName(
        'healthcare-redis-test',
        'redis8',
        'Redis 7 for healthcare-redis-test',
      ),
    ).toBe('healthcare-redis-test-redis8-09d48d8d');
  });

  test('the same arguments give the same name (no change, no replacement)', () => {
    expect(cacheParameterGroupName('p', 'redis7', 'd')).toBe(
      cacheParameterGroupName('p', 'redis7', 'd'),
    );
  });

  test('the group named by the Cache construct changes with its description (the replication group id)', () => {
    const name = (replicationGroupId: string) =>
      only(synth({ replicationGroupId }).parsed.resource, 'aws_elasticache_parameter_group');
    const a = name('healthcare-redis-test');
    const b = name('healthcare-redis-other');
    expect(a.name).not.toBe(b.name);
    expect(a.lifecycle).toEqual({ create_before_destroy: true });
    expect(b.lifecycle).toEqual({ create_before_destroy: true });
  });
});

describe('Cache', () => {
  test('finalSnapshot false deletes without a final snapshot', () => {
    const { parsed } = synth({ finalSnapshot: false });
    expect(only(parsed.resource, 'aws_elasticache_replication_group')).not.toHaveProperty(
      'final_snapshot_identifier',
    );
  });

  test('minimal props: encrypted at rest and in transit, RBAC user group, Multi-AZ', () => {
    // Given / When
    const { json, parsed } = synth();

    // Then
    expect(json).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      replication_group_id: 'healthcare-redis-test',
      engine: 'redis',
      engine_version: '7.1',
      auto_minor_version_upgrade: 'true',
      node_type: 'cache.t4g.small',
      port: 6379,
      cluster_mode: 'disabled',
      num_cache_clusters: 2,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      at_rest_encryption_enabled: 'true',
      kms_key_id: DATA_KEY_ARN,
      transit_encryption_enabled: true,
      transit_encryption_mode: 'required',
      snapshot_retention_limit: 1,
      snapshot_window: '03:00-04:00',
      final_snapshot_identifier: FINAL_SNAPSHOT,
      maintenance_window: 'sun:05:00-sun:06:00',
      apply_immediately: false,
      lifecycle: { prevent_destroy: false, ignore_changes: ['final_snapshot_identifier'] },
    });
    const group = only(parsed.resource, 'aws_elasticache_replication_group');
    expect(typeof group.description).toBe('string');
    expect((group.description as string).length).toBeGreaterThan(0);
    expect(group).not.toHaveProperty('replication_group_description');
    expect(group).not.toHaveProperty('auth_token_enabled');
    expect(group).not.toHaveProperty('num_node_groups');
    // No shared AUTH token anywhere: authentication is the RBAC user group.
    expect(group).not.toHaveProperty('auth_token');
    expect(group).not.toHaveProperty('auth_token_update_strategy');
    expect(group.user_group_ids).toEqual([
      expect.stringMatching(
        /^\$\{aws_elasticache_user_group\.cache_user-group_\w+\.user_group_id\}$/,
      ),
    ]);
    expect(json).not.toMatch(/secretsmanager|random_password|"passwords"/);
    expect(group.parameter_group_name).toMatch(
      /^\$\{aws_elasticache_parameter_group\.cache_parameter-group_\w+\.name\}$/,
    );
    expect(group.subnet_group_name).toMatch(
      /^\$\{aws_elasticache_subnet_group\.cache_subnet-group_\w+\.name\}$/,
    );
    expect(group.security_group_ids).toEqual([
      expect.stringMatching(/^\$\{aws_security_group\.cache_security-group_\w+\.id\}$/),
    ]);

    expect(json).toHaveResourceWithProperties(ElasticacheParameterGroup, {
      // sha256("redis7\nRedis 7 for healthcare-redis-test"), first 8 hex digits.
      name: 'healthcare-redis-test-redis7-4fed0b0e',
      family: 'redis7',
      description: 'Redis 7 for healthcare-redis-test',
      lifecycle: { create_before_destroy: true },
    });
    expect(json).toHaveResourceWithProperties(ElasticacheSubnetGroup, {
      name: 'healthcare-redis-test',
      subnet_ids: ['subnet-a', 'subnet-b'],
    });
  });

  test('RBAC: an IAM-authenticated application user and a disabled default user', () => {
    const { json, parsed } = synth();

    // IAM authentication requires user_id == user_name.
    expect(json).toHaveResourceWithProperties(ElasticacheUser, {
      user_id: 'healthcare-app-test',
      user_name: 'healthcare-app-test',
      engine: 'redis',
      authentication_mode: { type: 'iam' },
      access_string: 'on ~app:* -@all +@read +@write +@connection -@dangerous',
    });
    expect(json).toHaveResourceWithProperties(ElasticacheUser, {
      user_id: 'healthcare-dflt-test',
      user_name: 'default',
      engine: 'redis',
      no_password_required: true,
      access_string: 'off -@all',
    });
    const users = Object.values(parsed.resource.aws_elasticache_user);
    expect(users).toHaveLength(2);
    for (const user of users) expect(user).not.toHaveProperty('passwords');

    expect(json).toHaveResourceWithProperties(ElasticacheUserGroup, {
      user_group_id: 'healthcare-redis-test',
      engine: 'redis',
    });
    const group = only(parsed.resource, 'aws_elasticache_user_group');
    expect(group.user_ids).toEqual([
      expect.stringMatching(/^\$\{aws_elasticache_user\.cache_default-user_\w+\.user_id\}$/),
      expect.stringMatching(/^\$\{aws_elasticache_user\.cache_iam-user_\w+\.user_id\}$/),
    ]);
  });

  test('keyPattern narrows the application user to other keys', () => {
    const { json } = synth({ keyPattern: 'sessions:*' });
    expect(json).toHaveResourceWithProperties(ElasticacheUser, {
      user_id: 'healthcare-app-test',
      access_string: 'on ~sessions:* -@all +@read +@write +@connection -@dangerous',
    });
  });

  test('network: own security group, 6379 only from the application SG, no egress', () => {
    const { json, parsed } = synth();

    expect(json).toHaveResourceWithProperties(SecurityGroup, {
      name: 'healthcare-redis-test',
      vpc_id: 'vpc-123',
    });
    const sg = only(parsed.resource, 'aws_security_group');
    expect(sg).not.toHaveProperty('ingress');
    expect(sg).not.toHaveProperty('egress');
    expect(parsed.resource.aws_vpc_security_group_egress_rule).toBeUndefined();

    expect(json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      ip_protocol: 'tcp',
      from_port: 6379,
      to_port: 6379,
      referenced_security_group_id: 'sg-app',
    });
    const rule = only(parsed.resource, 'aws_vpc_security_group_ingress_rule');
    expect(rule).not.toHaveProperty('cidr_ipv4');
    expect(json).not.toContain('0.0.0.0/0');
  });

  test('slow and engine logs go as JSON to KMS-encrypted log groups', () => {
    const { json, parsed } = synth();

    for (const logType of ['slow-log', 'engine-log']) {
      expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: `/aws/elasticache/healthcare-redis-test/${logType}`,
        kms_key_id: LOGS_KEY_ARN,
        retention_in_days: 30,
      });
    }
    const group = only(parsed.resource, 'aws_elasticache_replication_group');
    expect(group.log_delivery_configuration).toEqual([
      {
        destination: expect.stringMatching(
          /^\$\{aws_cloudwatch_log_group\.cache_log-group-slow-log_\w+\.name\}$/,
        ),
        destination_type: 'cloudwatch-logs',
        log_format: 'json',
        log_type: 'slow-log',
      },
      {
        destination: expect.stringMatching(
          /^\$\{aws_cloudwatch_log_group\.cache_log-group-engine-log_\w+\.name\}$/,
        ),
        destination_type: 'cloudwatch-logs',
        log_format: 'json',
        log_type: 'engine-log',
      },
    ]);
  });

  test('exposes the primary endpoint (not the configuration endpoint), reader, port, ARNs and the IAM user', () => {
    const { parsed } = synth();
    const ref = (attr: string) =>
      new RegExp(
        `^\\$\\{aws_elasticache_replication_group\\.cache_replication-group_\\w+\\.${attr}\\}$`,
      );

    expect(parsed.output.primary.value).toMatch(ref('primary_endpoint_address'));
    expect(parsed.output.primary.value).not.toContain('configuration_endpoint');
    expect(parsed.output.reader.value).toMatch(ref('reader_endpoint_address'));
    expect(parsed.output.group_id.value).toMatch(ref('replication_group_id'));
    expect(parsed.output.port.value).toBe(6379);
    expect(parsed.output.group_arn.value).toMatch(ref('arn'));
    expect(parsed.output.user_id.value).toMatch(
      /^\$\{aws_elasticache_user\.cache_iam-user_\w+\.user_id\}$/,
    );
    expect(parsed.output.user_arn.value).toMatch(
      /^\$\{aws_elasticache_user\.cache_iam-user_\w+\.arn\}$/,
    );
    expect(parsed.output.sg.value).toMatch(
      /^\$\{aws_security_group\.cache_security-group_\w+\.id\}$/,
    );
  });

  test('full props: every setting reaches the resources', () => {
    const { json } = synth({
      nodeType: 'cache.r7g.large',
      engineVersion: '7.0',
      snapshotRetentionDays: 35,
      preventDestroy: true,
      securityGroupName: 'healthcare-cache-test',
    });

    expect(json).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      node_type: 'cache.r7g.large',
      engine_version: '7.0',
      snapshot_retention_limit: 35,
      lifecycle: { prevent_destroy: true, ignore_changes: ['final_snapshot_identifier'] },
    });
    expect(json).toHaveResourceWithProperties(SecurityGroup, { name: 'healthcare-cache-test' });
  });

  test('snapshots can be turned off with 0', () => {
    const { json } = synth({ snapshotRetentionDays: 0 });
    expect(json).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      snapshot_retention_limit: 0,
    });
  });

  test('values that are still tokens are not validated', () => {
    expect(() =>
      synth({
        replicationGroupId: Lazy.stringValue({ produce: () => 'healthcare-redis-test' }),
        engineVersion: Lazy.stringValue({ produce: () => '7.1' }),
        snapshotRetentionDays: Token.asNumber('${var.snapshots}'),
      }),
    ).not.toThrow();
  });

  describe('throws when', () => {
    test('replicationGroupId is longer than 40 characters', () => {
      const id = `healthcare-redis-${'a'.repeat(24)}`;
      expect(() => synth({ replicationGroupId: id })).toThrow(
        `replicationGroupId = "${id}": at most 40 characters (it has 41); shorten the name or the environment suffix`,
      );
    });

    test.each(['Healthcare-redis', '1redis', 'redis--test', 'redis-test-', 'redis_test'])(
      'replicationGroupId is %p',
      (id) => {
        expect(() => synth({ replicationGroupId: id })).toThrow(
          `replicationGroupId = "${id}": lowercase letters, digits and hyphens, starting with a letter, with no two consecutive hyphens and no trailing hyphen`,
        );
      },
    );

    test.each([-1, 36, 1.5])('snapshotRetentionDays is %p', (days) => {
      expect(() => synth({ snapshotRetentionDays: days })).toThrow(
        `snapshotRetentionDays = ${days}: ElastiCache keeps snapshots a whole number of days from 0 (off) to 35`,
      );
    });

    test.each(['6.2', '7', '7.1.0', '8.0'])('engineVersion is %p', (engineVersion) => {
      expect(() => synth({ engineVersion })).toThrow(
        `engineVersion = "${engineVersion}": must be a Redis 7 version as major.minor, such as 7.1 (the parameter group family is redis7; IAM authentication needs 7.0 or later)`,
      );
    });

    test.each(['Healthcare-app', 'app_user', 'app--user', `app-${'a'.repeat(37)}`])(
      'iamUserName is %p',
      (iamUserName) => {
        expect(() => synth({ iamUserName })).toThrow(
          `iamUserName = "${iamUserName}": an IAM-authenticated ElastiCache user's id and name are the same, at most 40 lowercase letters, digits and single hyphens, starting with a letter`,
        );
      },
    );

    test.each(['default', 'Default-user', 'dflt_user', `d${'x'.repeat(40)}`])(
      'defaultUserId is %p',
      (defaultUserId) => {
        expect(() => synth({ defaultUserId })).toThrow(
          `defaultUserId = "${defaultUserId}": the replacement default user needs its own id (not "default"): at most 40 lowercase letters, digits and single hyphens, starting with a letter`,
        );
      },
    );

    test.each(['Healthcare-redis', 'redis--group', `r${'x'.repeat(40)}`])(
      'userGroupId is %p',
      (userGroupId) => {
        expect(() => synth({ userGroupId })).toThrow(
          `userGroupId = "${userGroupId}": at most 40 lowercase letters, digits and single hyphens, starting with a letter`,
        );
      },
    );

    test('ids of exactly 40 characters are accepted', () => {
      const id = (c: string) => `${c}${'x'.repeat(39)}`;
      const { resource } = synth({
        iamUserName: id('a'),
        defaultUserId: id('d'),
        userGroupId: id('g'),
      }).parsed;
      const users = Object.values(resource.aws_elasticache_user ?? {});
      expect(users.map((u) => u.user_id).sort()).toEqual([id('a'), id('d')]);
      expect(only(resource, 'aws_elasticache_user_group')).toMatchObject({
        user_group_id: id('g'),
      });
    });

    test.each(['', 'app:* other:*'])('keyPattern is %p', (keyPattern) => {
      expect(() => synth({ keyPattern })).toThrow(
        `keyPattern = "${keyPattern}": one Redis key pattern without spaces, such as app:*`,
      );
    });

    test('several rules fail: all are reported together', () => {
      expect(() => synth({ snapshotRetentionDays: 99, engineVersion: '6.2' })).toThrow(
        'Cache "healthcare-redis-test" is invalid:\n  - snapshotRetentionDays = 99: ElastiCache keeps snapshots a whole number of days from 0 (off) to 35\n  - engineVersion = "6.2":',
      );
    });
  });
});
