import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeAddressesCommand,
  DescribeFlowLogsCommand,
  DescribeNatGatewaysCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeCacheClustersCommand,
  DescribeCacheSubnetGroupsCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
} from '@aws-sdk/client-kms';
import {
  DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListWebACLsCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { mockAws } from '../../support/aws-mock';
import { findLeftovers } from '../../../tools/e2e/leftovers';

const settings = {
  region: 'eu-west-1',
  endpoint: 'http://127.0.0.1:5000',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
};

const ec2 = mockAws(EC2Client);
const rds = mockAws(RDSClient);
const cache = mockAws(ElastiCacheClient);
const secrets = mockAws(SecretsManagerClient);
const s3 = mockAws(S3Client);
const dynamo = mockAws(DynamoDBClient);
const kms = mockAws(KMSClient);
const api = mockAws(APIGatewayClient);
const waf = mockAws(WAFV2Client);
const logs = mockAws(CloudWatchLogsClient);
const alarms = mockAws(CloudWatchClient);
const sns = mockAws(SNSClient);
const iam = mockAws(IAMClient);
const mocks = [ec2, rds, cache, secrets, s3, dynamo, kms, api, waf, logs, alarms, sns, iam];

/** An account holding only what AWS or the emulator has before any deploy. */
function emptyAccount() {
  for (const mock of mocks) mock.reset();
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-default', IsDefault: true }] });
  ec2.on(DescribeNatGatewaysCommand).resolves({});
  ec2.on(DescribeAddressesCommand).resolves({});
  ec2.on(DescribeFlowLogsCommand).resolves({});
  ec2.on(DescribeVpcEndpointsCommand).resolves({});
  rds.on(DescribeDBInstancesCommand).resolves({});
  rds
    .on(DescribeDBSubnetGroupsCommand)
    .resolves({ DBSubnetGroups: [{ DBSubnetGroupName: 'default' }] });
  cache.on(DescribeReplicationGroupsCommand).resolves({});
  cache.on(DescribeCacheClustersCommand).resolves({});
  cache
    .on(DescribeCacheSubnetGroupsCommand)
    .resolves({ CacheSubnetGroups: [{ CacheSubnetGroupName: 'default' }] });
  secrets.on(ListSecretsCommand).resolves({});
  s3.on(ListBucketsCommand).resolves({});
  dynamo.on(ListTablesCommand).resolves({});
  kms.on(ListKeysCommand).resolves({});
  kms.on(ListAliasesCommand).resolves({});
  api.on(GetRestApisCommand).resolves({});
  waf.on(ListWebACLsCommand).resolves({});
  logs.on(DescribeLogGroupsCommand).resolves({});
  alarms.on(DescribeAlarmsCommand).resolves({});
  sns.on(ListTopicsCommand).resolves({});
  iam.on(ListRolesCommand).resolves({
    Roles: [
      {
        RoleName: 'AWSServiceRoleForRDS',
        Path: '/aws-service-role/rds.amazonaws.com/',
        RoleId: 'r1',
        Arn: 'arn:aws:iam::123456789012:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS',
        CreateDate: new Date(0),
      },
    ],
  });
}

beforeEach(emptyAccount);

describe('findLeftovers', () => {
  test('finds nothing in an account that holds only defaults, service-linked roles and deleted things', async () => {
    ec2.on(DescribeNatGatewaysCommand).resolves({
      NatGateways: [
        { NatGatewayId: 'nat-gone', State: 'deleted' },
        { NatGatewayId: 'nat-going', State: 'deleting' },
      ],
    });
    ec2.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [{ VpcEndpointId: 'vpce-gone', State: 'Deleted' }],
    });
    secrets.on(ListSecretsCommand).resolves({
      SecretList: [{ Name: 'healthcare-dev/db', DeletedDate: new Date(0) }],
    });
    expect(await findLeftovers(settings)).toEqual([]);
  });

  test('names what is left by kind and id, in probe order', async () => {
    ec2.on(DescribeVpcsCommand).resolves({
      Vpcs: [
        { VpcId: 'vpc-default', IsDefault: true },
        { VpcId: 'vpc-app', IsDefault: false },
      ],
    });
    ec2.on(DescribeNatGatewaysCommand).resolves({
      NatGateways: [{ NatGatewayId: 'nat-1', State: 'available' }],
    });
    ec2.on(DescribeAddressesCommand).resolves({
      Addresses: [{ AllocationId: 'eipalloc-1' }, { PublicIp: '203.0.113.7' }],
    });
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [{ FlowLogId: 'fl-1' }] });
    ec2.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [{ VpcEndpointId: 'vpce-1', State: 'Available' }, { VpcEndpointId: 'vpce-2' }],
    });
    rds
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DBInstanceIdentifier: 'db-1' }] });
    rds.on(DescribeDBSubnetGroupsCommand).resolves({
      DBSubnetGroups: [{ DBSubnetGroupName: 'default' }, { DBSubnetGroupName: 'db-subnets' }],
    });
    cache
      .on(DescribeReplicationGroupsCommand)
      .resolves({ ReplicationGroups: [{ ReplicationGroupId: 'rg-1' }] });
    cache
      .on(DescribeCacheClustersCommand)
      .resolves({ CacheClusters: [{ CacheClusterId: 'rg-1-001' }] });
    cache.on(DescribeCacheSubnetGroupsCommand).resolves({
      CacheSubnetGroups: [
        { CacheSubnetGroupName: 'default' },
        { CacheSubnetGroupName: 'cache-subnets' },
      ],
    });
    secrets.on(ListSecretsCommand).resolves({ SecretList: [{ Name: 'healthcare-dev/redis' }] });
    s3.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'logs-bucket' }] });
    dynamo.on(ListTablesCommand).resolves({ TableNames: ['locks'] });
    api.on(GetRestApisCommand).resolves({ items: [{ name: 'health', id: 'a1' }] });
    waf.on(ListWebACLsCommand).resolves({ WebACLs: [{ Name: 'acl' }] });
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: '/aws/api' }] });
    alarms.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'cpu' }] });
    sns
      .on(ListTopicsCommand)
      .resolves({ Topics: [{ TopicArn: 'arn:aws:sns:eu-west-1:1:alarms' }] });
    iam.on(ListRolesCommand).resolves({
      Roles: [
        {
          RoleName: 'flow-logs',
          Path: '/',
          RoleId: 'r2',
          Arn: 'arn:aws:iam::1:role/flow-logs',
          CreateDate: new Date(0),
        },
      ],
    });
    expect(await findLeftovers(settings)).toEqual([
      'VPC (non-default): vpc-app',
      'NAT gateway: nat-1',
      'Elastic IP: eipalloc-1',
      'Elastic IP: 203.0.113.7',
      'VPC flow log: fl-1',
      'VPC endpoint: vpce-1',
      'VPC endpoint: vpce-2',
      'RDS instance: db-1',
      'RDS subnet group: db-subnets',
      'ElastiCache replication group: rg-1',
      'ElastiCache cluster: rg-1-001',
      'ElastiCache subnet group: cache-subnets',
      'Secrets Manager secret: healthcare-dev/redis',
      'S3 bucket: logs-bucket',
      'DynamoDB table: locks',
      'API Gateway REST API: health (a1)',
      'WAFv2 web ACL: acl',
      'CloudWatch log group: /aws/api',
      'CloudWatch alarm: cpu',
      'SNS topic: arn:aws:sns:eu-west-1:1:alarms',
      'IAM role: flow-logs',
    ]);
    // The web ACLs of the API are regional; IAM is global and asked in us-east-1.
    expect(waf.commandCalls(ListWebACLsCommand)[0].args[0].input).toEqual({ Scope: 'REGIONAL' });
    expect(await iam.call(0).thisValue.config.region()).toBe('us-east-1');
    expect(await ec2.call(0).thisValue.config.region()).toBe('eu-west-1');
  });

  test('ignores what it is told to keep: the bootstrap bucket, table, key and alias', async () => {
    const keyArn = 'arn:aws:kms:eu-west-1:1:key/state';
    s3.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'state' }, { Name: 'stray' }] });
    dynamo.on(ListTablesCommand).resolves({ TableNames: ['locks', 'stray-table'] });
    kms.on(ListKeysCommand).resolves({ Keys: [{ KeyId: 'state' }] });
    kms
      .on(ListAliasesCommand)
      .resolves({ Aliases: [{ AliasName: 'alias/state', TargetKeyId: 'state' }] });
    kms.on(DescribeKeyCommand, { KeyId: 'state' }).resolves({
      KeyMetadata: { KeyId: 'state', Arn: keyArn, KeyManager: 'CUSTOMER', KeyState: 'Enabled' },
    });
    const keep = {
      buckets: ['state'],
      tables: ['locks'],
      keyArns: [keyArn],
      aliases: ['alias/state'],
    };
    expect(await findLeftovers(settings, keep)).toEqual([
      'S3 bucket: stray',
      'DynamoDB table: stray-table',
    ]);
  });

  test('counts a customer key until it is pending deletion; AWS-managed keys never count', async () => {
    kms.on(ListKeysCommand).resolves({
      Keys: [
        { KeyId: 'live' },
        { KeyId: 'deleting' },
        { KeyId: 'aws-managed' },
        { KeyId: 'moto-default' },
      ],
    });
    // moto creates the alias/aws/* keys as customer keys: the alias decides.
    kms.on(ListAliasesCommand).resolves({
      Aliases: [
        { AliasName: 'alias/aws/rds', TargetKeyId: 'moto-default' },
        { AliasName: 'alias/healthcare-dev-data', TargetKeyId: 'live' },
      ],
    });
    const meta = (
      KeyId: string,
      KeyManager: 'AWS' | 'CUSTOMER',
      KeyState: 'Enabled' | 'PendingDeletion',
    ) => ({
      KeyMetadata: { KeyId, Arn: `arn:aws:kms:eu-west-1:1:key/${KeyId}`, KeyManager, KeyState },
    });
    kms.on(DescribeKeyCommand, { KeyId: 'live' }).resolves(meta('live', 'CUSTOMER', 'Enabled'));
    kms
      .on(DescribeKeyCommand, { KeyId: 'deleting' })
      .resolves(meta('deleting', 'CUSTOMER', 'PendingDeletion'));
    kms
      .on(DescribeKeyCommand, { KeyId: 'aws-managed' })
      .resolves(meta('aws-managed', 'AWS', 'Enabled'));
    expect(await findLeftovers(settings)).toEqual([
      'KMS key (not pending deletion): arn:aws:kms:eu-west-1:1:key/live',
      'KMS alias: alias/healthcare-dev-data',
    ]);
    // The key behind alias/aws/* is never described.
    const described = kms.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input.KeyId);
    expect(described).toEqual(['live', 'deleting', 'aws-managed']);
  });

  test('reports a kind it could not list, and goes on with the others', async () => {
    const denied = Object.assign(new Error('not authorized to perform rds:DescribeDBInstances'), {
      name: 'AccessDenied',
    });
    rds.on(DescribeDBInstancesCommand).rejects(denied);
    sns.on(ListTopicsCommand).resolves({ Topics: [{ TopicArn: 'arn:aws:sns:eu-west-1:1:left' }] });
    expect(await findLeftovers(settings)).toEqual([
      'RDS instance: could not list (AccessDenied: not authorized to perform rds:DescribeDBInstances)',
      'SNS topic: arn:aws:sns:eu-west-1:1:left',
    ]);
  });
});
