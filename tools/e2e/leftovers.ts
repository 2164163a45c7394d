/**
 * After destroy: lists what is still in the account/emulator region, so the e2e run
 * can prove teardown left nothing behind. Resources in `keep` (the bootstrap stack's
 * bucket, table and key, which are protected by prevent_destroy) are ignored.
 */
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

export interface ClientSettings {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface Keep {
  readonly buckets?: readonly string[];
  readonly tables?: readonly string[];
  readonly keyArns?: readonly string[];
  readonly aliases?: readonly string[];
  /** IAM roles the run made itself (an account's OrganizationAccountAccessRole). */
  readonly roles?: readonly string[];
}

/** One kind of resource to look for: returns the ids found. */
interface Probe {
  readonly kind: string;
  readonly list: () => Promise<string[]>;
}

type SdkSettings = ClientSettings & { forcePathStyle: boolean; maxAttempts: number };

/** The VPC, NAT gateways, addresses, flow logs and endpoints. */
function networkProbes(c: SdkSettings): Probe[] {
  const ec2 = new EC2Client(c);
  return [
    {
      kind: 'VPC (non-default)',
      list: async () =>
        ((await ec2.send(new DescribeVpcsCommand({}))).Vpcs ?? [])
          .filter((v) => !v.IsDefault)
          .map((v) => v.VpcId!),
    },
    {
      kind: 'NAT gateway',
      list: async () =>
        ((await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [])
          .filter((n) => n.State !== 'deleted' && n.State !== 'deleting')
          .map((n) => n.NatGatewayId!),
    },
    {
      kind: 'Elastic IP',
      list: async () =>
        ((await ec2.send(new DescribeAddressesCommand({}))).Addresses ?? []).map(
          (a) => a.AllocationId ?? a.PublicIp!,
        ),
    },
    {
      kind: 'VPC flow log',
      list: async () =>
        ((await ec2.send(new DescribeFlowLogsCommand({}))).FlowLogs ?? []).map((f) => f.FlowLogId!),
    },
    {
      kind: 'VPC endpoint',
      list: async () =>
        ((await ec2.send(new DescribeVpcEndpointsCommand({}))).VpcEndpoints ?? [])
          .filter((e) => (e.State ?? '').toLowerCase() !== 'deleted')
          .map((e) => e.VpcEndpointId!),
    },
  ];
}

/** Databases, caches, secrets, buckets and tables (the bootstrap's are kept). */
function dataStoreProbes(c: SdkSettings, keep: Keep): Probe[] {
  const rds = new RDSClient(c);
  const cache = new ElastiCacheClient(c);
  return [
    {
      kind: 'RDS instance',
      list: async () =>
        ((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map(
          (d) => d.DBInstanceIdentifier!,
        ),
    },
    {
      kind: 'RDS subnet group',
      list: async () =>
        ((await rds.send(new DescribeDBSubnetGroupsCommand({}))).DBSubnetGroups ?? [])
          .map((g) => g.DBSubnetGroupName!)
          .filter((n) => n !== 'default'),
    },
    {
      kind: 'ElastiCache replication group',
      list: async () =>
        ((await cache.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups ?? []).map(
          (g) => g.ReplicationGroupId!,
        ),
    },
    {
      kind: 'ElastiCache cluster',
      list: async () =>
        ((await cache.send(new DescribeCacheClustersCommand({}))).CacheClusters ?? []).map(
          (g) => g.CacheClusterId!,
        ),
    },
    {
      kind: 'ElastiCache subnet group',
      list: async () =>
        ((await cache.send(new DescribeCacheSubnetGroupsCommand({}))).CacheSubnetGroups ?? [])
          .map((g) => g.CacheSubnetGroupName!)
          .filter((n) => n !== 'default'),
    },
    {
      kind: 'Secrets Manager secret',
      list: async () =>
        ((await new SecretsManagerClient(c).send(new ListSecretsCommand({}))).SecretList ?? [])
          .filter((s) => !s.DeletedDate)
          .map((s) => s.Name!),
    },
    {
      kind: 'S3 bucket',
      list: async () =>
        ((await new S3Client(c).send(new ListBucketsCommand({}))).Buckets ?? [])
          .map((b) => b.Name!)
          .filter((n) => !(keep.buckets ?? []).includes(n)),
    },
    {
      kind: 'DynamoDB table',
      list: async () =>
        ((await new DynamoDBClient(c).send(new ListTablesCommand({}))).TableNames ?? []).filter(
          (n) => !(keep.tables ?? []).includes(n),
        ),
    },
  ];
}

/** Customer-managed KMS keys and their aliases (the bootstrap's are kept). */
function keyProbes(c: SdkSettings, keep: Keep): Probe[] {
  const kms = new KMSClient(c);
  return [
    {
      kind: 'KMS key (not pending deletion)',
      list: async () => {
        const keys = (await kms.send(new ListKeysCommand({}))).Keys ?? [];
        // Keys behind alias/aws/* are AWS managed. AWS reports KeyManager AWS; moto creates
        // them on first use as customer keys described "Default key", so the alias decides.
        const awsManaged = new Set(
          ((await kms.send(new ListAliasesCommand({}))).Aliases ?? [])
            .filter((a) => a.AliasName?.startsWith('alias/aws/'))
            .map((a) => a.TargetKeyId),
        );
        const live: string[] = [];
        for (const k of keys) {
          if (awsManaged.has(k.KeyId)) continue;
          const meta = (await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId! }))).KeyMetadata;
          if (!meta || meta.KeyManager === 'AWS' || meta.KeyState === 'PendingDeletion') continue;
          if ((keep.keyArns ?? []).includes(meta.Arn!)) continue;
          live.push(meta.Arn!);
        }
        return live;
      },
    },
    {
      kind: 'KMS alias',
      list: async () =>
        ((await kms.send(new ListAliasesCommand({}))).Aliases ?? [])
          .map((a) => a.AliasName!)
          .filter((n) => !n.startsWith('alias/aws/') && !(keep.aliases ?? []).includes(n)),
    },
  ];
}

/** The API, its WAF, logs, alarms, topics and IAM roles. */
function edgeAndObservabilityProbes(c: SdkSettings, keep: Keep): Probe[] {
  return [
    {
      kind: 'API Gateway REST API',
      list: async () =>
        ((await new APIGatewayClient(c).send(new GetRestApisCommand({}))).items ?? []).map(
          (a) => `${a.name} (${a.id})`,
        ),
    },
    {
      kind: 'WAFv2 web ACL',
      list: async () =>
        (
          (await new WAFV2Client(c).send(new ListWebACLsCommand({ Scope: 'REGIONAL' }))).WebACLs ??
          []
        ).map((w) => w.Name!),
    },
    {
      kind: 'CloudWatch log group',
      list: async () =>
        (
          (await new CloudWatchLogsClient(c).send(new DescribeLogGroupsCommand({}))).logGroups ?? []
        ).map((g) => g.logGroupName!),
    },
    {
      kind: 'CloudWatch alarm',
      list: async () =>
        (
          (await new CloudWatchClient(c).send(new DescribeAlarmsCommand({}))).MetricAlarms ?? []
        ).map((a) => a.AlarmName!),
    },
    {
      kind: 'SNS topic',
      list: async () =>
        ((await new SNSClient(c).send(new ListTopicsCommand({}))).Topics ?? []).map(
          (t) => t.TopicArn!,
        ),
    },
    {
      kind: 'IAM role',
      list: async () =>
        (
          (await new IAMClient({ ...c, region: 'us-east-1' }).send(new ListRolesCommand({})))
            .Roles ?? []
        )
          .filter((r) => !(r.Path ?? '').startsWith('/aws-service-role/'))
          .map((r) => r.RoleName!)
          .filter((n) => !(keep.roles ?? []).includes(n)),
    },
  ];
}

export async function findLeftovers(settings: ClientSettings, keep: Keep = {}): Promise<string[]> {
  const c = { ...settings, forcePathStyle: true, maxAttempts: 2 };
  const probes: Probe[] = [
    ...networkProbes(c),
    ...dataStoreProbes(c, keep),
    ...keyProbes(c, keep),
    ...edgeAndObservabilityProbes(c, keep),
  ];
  const found: string[] = [];
  for (const probe of probes) {
    try {
      for (const id of await probe.list()) found.push(`${probe.kind}: ${id}`);
    } catch (error) {
      found.push(
        `${probe.kind}: could not list (${(error as Error).name}: ${(error as Error).message})`,
      );
    }
  }
  return found;
}
