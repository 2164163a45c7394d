/**
 * The emulator refuses what AWS refuses (tools/emulator/moto_refusal_rules.py, rules R1-R8),
 * with AWS's error code, and accepts the valid call next to each refusal. Each describe names
 * its rule; docs/e2e.md cites the AWS page of each.
 */
import {
  APIGatewayClient,
  CreateDomainNameCommand,
  GetDomainNameCommand,
} from '@aws-sdk/client-api-gateway';
import { CloudTrailClient, CreateTrailCommand, GetTrailCommand } from '@aws-sdk/client-cloudtrail';
import {
  ConfigServiceClient,
  DeleteDeliveryChannelCommand,
  DescribeDeliveryChannelsCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
} from '@aws-sdk/client-config-service';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateCacheParameterGroupCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import {
  CreateDetectorCommand,
  GuardDutyClient,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import { CreateDBParameterGroupCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeHubCommand,
  EnableSecurityHubCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { DEV_ACCOUNT, inAccount, refusal, tooling, unique } from './emulator-clients';

describe('R1 Config: no delivery channel to a missing bucket or an Object Lock bucket', () => {
  const config = new ConfigServiceClient(tooling());
  const s3 = new S3Client(tooling());
  const channel = (bucket: string) =>
    new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: bucket } });

  beforeAll(async () => {
    await config.send(
      new PutConfigurationRecorderCommand({
        ConfigurationRecorder: {
          name: 'default',
          roleARN: 'arn:aws:iam::123456789012:role/config',
        },
      }),
    );
  });

  it('refuses a bucket that does not exist with NoSuchBucketException', async () => {
    const missing = unique('no-such-bucket');
    const r = await refusal(config.send(channel(missing)));
    expect(r).toEqual({
      code: 'NoSuchBucketException',
      message: `Cannot find a S3 bucket with name ${missing}.`,
      status: 400,
    });
  });

  it('refuses a bucket with Object Lock enabled with InsufficientDeliveryPolicyException', async () => {
    const locked = unique('locked');
    await s3.send(
      new CreateBucketCommand({
        Bucket: locked,
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
        ObjectLockEnabledForBucket: true,
      }),
    );
    const r = await refusal(config.send(channel(locked)));
    expect(r.code).toBe('InsufficientDeliveryPolicyException');
    expect(r.status).toBe(400);
    expect(r.message).toContain(`s3 bucket: ${locked}`);
    expect(r.message).toContain('Object Lock');
  });

  it('accepts a bucket without Object Lock', async () => {
    const plain = unique('config-bucket');
    await s3.send(
      new CreateBucketCommand({
        Bucket: plain,
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    await config.send(channel(plain));
    const out = await config.send(new DescribeDeliveryChannelsCommand({}));
    expect(out.DeliveryChannels?.map((c) => [c.name, c.s3BucketName])).toEqual([
      ['default', plain],
    ]);
    await config.send(new DeleteDeliveryChannelCommand({ DeliveryChannelName: 'default' }));
  });
});

describe('R2 EC2: subnet prefixes from /16 to /28', () => {
  const ec2 = new EC2Client(tooling());
  let vpcId: string;

  beforeAll(async () => {
    const out = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
    vpcId = out.Vpc?.VpcId ?? '';
  });

  const subnet = (cidr: string) =>
    ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: 'eu-west-1a' }),
    );

  it.each(['10.20.1.0/29', '10.20.2.0/30', '10.20.3.0/32'])(
    'refuses %s (smaller than /28) with InvalidSubnet.Range',
    async (cidr) => {
      const r = await refusal(subnet(cidr));
      expect(r).toEqual({
        code: 'InvalidSubnet.Range',
        message: `The CIDR '${cidr}' is invalid.`,
        status: 400,
      });
    },
  );

  it('accepts /28, the smallest size, and /16, the largest (the whole VPC in a second one)', async () => {
    const small = await subnet('10.20.4.0/28');
    expect(small.Subnet?.CidrBlock).toBe('10.20.4.0/28');
    const other = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.21.0.0/16' }));
    const whole = await ec2.send(
      new CreateSubnetCommand({
        VpcId: other.Vpc?.VpcId,
        CidrBlock: '10.21.0.0/16',
        AvailabilityZone: 'eu-west-1b',
      }),
    );
    expect(whole.Subnet?.CidrBlock).toBe('10.21.0.0/16');
  });
});

describe('R4 GuardDuty: one detector per account and region', () => {
  it('refuses a second detector with BadRequestException; another account still gets its own', async () => {
    const region = 'eu-central-1';
    const gd = new GuardDutyClient(tooling(region));
    const first = await gd.send(new CreateDetectorCommand({ Enable: true }));
    const r = await refusal(gd.send(new CreateDetectorCommand({ Enable: true })));
    expect(r).toEqual({
      code: 'BadRequestException',
      message: 'The request is rejected because a detector already exists for the current account.',
      status: 400,
    });
    const listed = await gd.send(new ListDetectorsCommand({}));
    expect(listed.DetectorIds).toEqual([first.DetectorId]);

    const dev = new GuardDutyClient(await inAccount(DEV_ACCOUNT, region));
    const devDetector = await dev.send(new CreateDetectorCommand({ Enable: true }));
    expect(devDetector.DetectorId).toMatch(/^[0-9a-f]{32}$/);
    expect(devDetector.DetectorId).not.toBe(first.DetectorId);
  });
});

describe('R5 Security Hub: enabled once per account and region', () => {
  it('refuses EnableSecurityHub on a subscribed account with ResourceConflictException (409)', async () => {
    const hub = new SecurityHubClient(tooling('eu-west-2'));
    await hub.send(new EnableSecurityHubCommand({ EnableDefaultStandards: false }));
    const described = await hub.send(new DescribeHubCommand({}));
    expect(described.HubArn).toBe('arn:aws:securityhub:eu-west-2:123456789012:hub/default');
    const r = await refusal(
      hub.send(new EnableSecurityHubCommand({ EnableDefaultStandards: false })),
    );
    expect(r).toEqual({
      code: 'ResourceConflictException',
      message: 'Account is already subscribed to Security Hub',
      status: 409,
    });
  });
});

describe('R6 CloudTrail: trail names are unique', () => {
  it('refuses a second trail of the same name and keeps the first as it was', async () => {
    const trails = new CloudTrailClient(tooling());
    const s3 = new S3Client(tooling());
    const bucket = unique('trail-bucket');
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    const name = unique('trail');
    await trails.send(
      new CreateTrailCommand({ Name: name, S3BucketName: bucket, IsMultiRegionTrail: true }),
    );
    const r = await refusal(
      trails.send(new CreateTrailCommand({ Name: name, S3BucketName: bucket })),
    );
    expect(r).toEqual({
      code: 'TrailAlreadyExistsException',
      message: `Trail ${name} already exists for customer: 123456789012`,
      status: 400,
    });
    const kept = await trails.send(new GetTrailCommand({ Name: name }));
    expect(kept.Trail?.IsMultiRegionTrail).toBe(true);
  });
});

describe('R7 API Gateway: custom domain names are unique', () => {
  it('refuses an existing domain name with BadRequestException and keeps the first', async () => {
    const api = new APIGatewayClient(tooling());
    const domainName = `${unique('api')}.example.com`;
    const create = (cert: string) =>
      api.send(
        new CreateDomainNameCommand({
          domainName,
          regionalCertificateArn: `arn:aws:acm:eu-west-1:123456789012:certificate/${cert}`,
          endpointConfiguration: { types: ['REGIONAL'] },
          securityPolicy: 'TLS_1_2',
        }),
      );
    await create('first');
    const r = await refusal(create('second'));
    expect(r).toEqual({
      code: 'BadRequestException',
      message: 'The domain name you provided already exists.',
      status: 400,
    });
    const kept = await api.send(new GetDomainNameCommand({ domainName }));
    expect(kept.regionalCertificateArn).toBe(
      'arn:aws:acm:eu-west-1:123456789012:certificate/first',
    );
  });
});

describe('R9 parameter group names are unique (RDS: moto itself; ElastiCache: gap 3)', () => {
  it('refuses an existing RDS DB parameter group name with DBParameterGroupAlreadyExists', async () => {
    const rds = new RDSClient(tooling());
    const name = unique('pg');
    const create = () =>
      rds.send(
        new CreateDBParameterGroupCommand({
          DBParameterGroupName: name,
          DBParameterGroupFamily: 'postgres16',
          Description: 'test',
        }),
      );
    const created = await create();
    expect(created.DBParameterGroup?.DBParameterGroupName).toBe(name);
    const r = await refusal(create());
    expect(r.code).toBe('DBParameterGroupAlreadyExists');
    expect(r.status).toBe(400);
  });

  it('refuses an existing ElastiCache parameter group name with CacheParameterGroupAlreadyExists', async () => {
    const cache = new ElastiCacheClient(tooling());
    const name = unique('cpg');
    const create = () =>
      cache.send(
        new CreateCacheParameterGroupCommand({
          CacheParameterGroupName: name,
          CacheParameterGroupFamily: 'redis7',
          Description: 'test',
        }),
      );
    const created = await create();
    expect(created.CacheParameterGroup?.CacheParameterGroupName).toBe(name);
    const r = await refusal(create());
    expect(r).toEqual({
      code: 'CacheParameterGroupAlreadyExists',
      message: `Parameter group ${name} already exists.`,
      status: 400,
    });
  });
});
