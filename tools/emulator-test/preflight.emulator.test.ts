/**
 * What `npm run preflight` asks (tools/preflight/checks.ts) and moto 5.2.1 answered with HTTP
 * 500 or without a field (tools/emulator/moto_preflight_gaps.py): ElastiCache
 * DescribeCacheEngineVersions (gap 33) and DescribeReservedCacheNodesOfferings (gap 34), EC2
 * DescribeSecurityGroupRules' GroupOwnerId (gap 35). Expected values are written out from
 * AWS's pages and the dated list docs/e2e.md names, never read from the catalog under test.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeCacheEngineVersionsCommand,
  DescribeReservedCacheNodesOfferingsCommand,
  ElastiCacheClient,
  type CacheEngineVersion,
  type DescribeCacheEngineVersionsCommandInput,
  type DescribeReservedCacheNodesOfferingsCommandInput,
  type ReservedCacheNodesOffering,
} from '@aws-sdk/client-elasticache';
import { DEV_ACCOUNT, TOOLING_ACCOUNT, inAccount, refusal, tooling } from './emulator-clients';

const ec = new ElastiCacheClient(tooling());
const versions = async (input: DescribeCacheEngineVersionsCommandInput) =>
  (await ec.send(new DescribeCacheEngineVersionsCommand(input))).CacheEngineVersions ?? [];
const pairs = (list: CacheEngineVersion[]) =>
  list.map((v) => `${v.Engine} ${v.EngineVersion} ${v.CacheParameterGroupFamily}`);

describe('gap 33 ElastiCache DescribeCacheEngineVersions: the versions eu-west-1 offers', () => {
  it('lists Redis OSS 4.0.10 to 7.1 with their parameter group families (what preflight asks: Engine redis)', async () => {
    expect(pairs(await versions({ Engine: 'redis', MaxRecords: 100 }))).toEqual([
      'redis 4.0.10 redis4.0',
      'redis 5.0.6 redis5.0',
      'redis 6.0 redis6.x',
      'redis 6.2 redis6.x',
      'redis 7.0 redis7',
      'redis 7.1 redis7',
    ]);
  });

  it('describes a version as AWS does', async () => {
    expect(await versions({ Engine: 'redis', EngineVersion: '7.1' })).toEqual([
      {
        Engine: 'redis',
        EngineVersion: '7.1',
        CacheParameterGroupFamily: 'redis7',
        CacheEngineDescription: 'Redis',
        CacheEngineVersionDescription: 'redis version 7.1',
      },
    ]);
  });

  it('lists Valkey 7.2 to 9.0', async () => {
    expect(pairs(await versions({ Engine: 'valkey' }))).toEqual([
      'valkey 7.2 valkey7',
      'valkey 8.0 valkey8',
      'valkey 8.1 valkey8',
      'valkey 8.2 valkey8',
      'valkey 9.0 valkey9',
    ]);
  });

  it('filters by family, by a major version, and answers nothing for a version never offered', async () => {
    expect(pairs(await versions({ CacheParameterGroupFamily: 'valkey8' }))).toEqual([
      'valkey 8.0 valkey8',
      'valkey 8.1 valkey8',
      'valkey 8.2 valkey8',
    ]);
    expect(pairs(await versions({ Engine: 'redis', EngineVersion: '6' }))).toEqual([
      'redis 6.0 redis6.x',
      'redis 6.2 redis6.x',
    ]);
    expect(await versions({ Engine: 'redis', EngineVersion: '7.2' })).toEqual([]);
    expect(await versions({ Engine: 'redis', EngineVersion: '7.1.1' })).toEqual([]);
  });

  it('DefaultOnly answers one version per engine (of the major asked for)', async () => {
    expect(pairs(await versions({ Engine: 'redis', DefaultOnly: true }))).toEqual([
      'redis 7.1 redis7',
    ]);
    expect(
      pairs(await versions({ Engine: 'redis', EngineVersion: '6', DefaultOnly: true })),
    ).toEqual(['redis 6.2 redis6.x']);
    expect(pairs(await versions({ DefaultOnly: true }))).toEqual([
      'memcached 1.6.22 memcached1.6',
      'redis 7.1 redis7',
      'valkey 9.0 valkey9',
    ]);
  });

  it('pages with MaxRecords 20 (its minimum) and a Marker; refuses 19', async () => {
    const first = await ec.send(new DescribeCacheEngineVersionsCommand({ MaxRecords: 20 }));
    expect([first.CacheEngineVersions?.length, first.Marker]).toEqual([20, '20']);
    const rest = await ec.send(
      new DescribeCacheEngineVersionsCommand({ MaxRecords: 20, Marker: first.Marker }),
    );
    expect([pairs(rest.CacheEngineVersions ?? []), rest.Marker]).toEqual([
      ['valkey 8.2 valkey8', 'valkey 9.0 valkey9'],
      undefined,
    ]);
    const r = await refusal(ec.send(new DescribeCacheEngineVersionsCommand({ MaxRecords: 19 })));
    expect(r).toEqual({
      code: 'InvalidParameterValue',
      message: 'The value of MaxRecords must be between 20 and 100.',
      status: 400,
    });
  });
});

const offerings = async (input: DescribeReservedCacheNodesOfferingsCommandInput) => {
  const all: ReservedCacheNodesOffering[] = [];
  for (let Marker: string | undefined, first = true; first || Marker; first = false) {
    const out = await ec.send(new DescribeReservedCacheNodesOfferingsCommand({ ...input, Marker }));
    all.push(...(out.ReservedCacheNodesOfferings ?? []));
    Marker = out.Marker;
  }
  return all;
};

describe('gap 34 ElastiCache DescribeReservedCacheNodesOfferings: the node types the region sells', () => {
  it('offers cache.t4g.micro for redis: 1 and 3 years, each of the three offering types', async () => {
    const found = await offerings({
      CacheNodeType: 'cache.t4g.micro',
      ProductDescription: 'redis',
    });
    expect(
      found.map(
        (o) => `${o.CacheNodeType} ${o.ProductDescription} ${o.Duration} ${o.OfferingType}`,
      ),
    ).toEqual([
      'cache.t4g.micro redis 31536000 No Upfront',
      'cache.t4g.micro redis 31536000 Partial Upfront',
      'cache.t4g.micro redis 31536000 All Upfront',
      'cache.t4g.micro redis 94608000 No Upfront',
      'cache.t4g.micro redis 94608000 Partial Upfront',
      'cache.t4g.micro redis 94608000 All Upfront',
    ]);
    expect(found[0].ReservedCacheNodesOfferingId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it.each([
    'cache.t3.micro',
    'cache.t4g.medium',
    'cache.m6g.large',
    'cache.m7g.16xlarge',
    'cache.r6g.large',
    'cache.r7g.xlarge',
    'cache.r6gd.xlarge',
    'cache.c7gn.large',
  ])('offers the current-generation type %s for redis', async (type) => {
    const found = await offerings({
      CacheNodeType: type,
      ProductDescription: 'redis',
      Duration: '1',
    });
    expect(found.map((o) => o.OfferingType)).toEqual([
      'No Upfront',
      'Partial Upfront',
      'All Upfront',
    ]);
  });

  it('offers no made-up type, no previous-generation type and no size a family lacks', async () => {
    for (const type of ['cache.x9.huge', 'cache.t2.micro', 'cache.t4g.large', 'cache.r6gd.large']) {
      expect(await offerings({ CacheNodeType: type })).toEqual([]);
    }
  });

  it('offers data tiering (r6gd) for redis and valkey only', async () => {
    const found = await offerings({
      CacheNodeType: 'cache.r6gd.xlarge',
      Duration: '3',
      OfferingType: 'No Upfront',
    });
    expect(found.map((o) => o.ProductDescription)).toEqual(['redis', 'valkey']);
  });

  it('lists every current-generation redis type (what preflight suggests from)', async () => {
    const types = new Set(
      (
        await offerings({
          ProductDescription: 'redis',
          Duration: '31536000',
          OfferingType: 'All Upfront',
        })
      ).map((o) => o.CacheNodeType),
    );
    expect(types.size).toBe(70); // c7gn 7, m4 5, m5 6, m6g 7, m7g 7, r4 6, r5 6, r6g 7, r6gd 6, r7g 7, t3 3, t4g 3
    expect([...types].filter((t) => t?.startsWith('cache.t'))).toEqual([
      'cache.t3.micro',
      'cache.t3.small',
      'cache.t3.medium',
      'cache.t4g.micro',
      'cache.t4g.small',
      'cache.t4g.medium',
    ]);
  });

  it('finds an offering by its id, and refuses an unknown id and an invalid duration', async () => {
    const [one] = await offerings({
      CacheNodeType: 'cache.m7g.large',
      ProductDescription: 'valkey',
      Duration: '3',
      OfferingType: 'All Upfront',
    });
    const again = await offerings({
      ReservedCacheNodesOfferingId: one.ReservedCacheNodesOfferingId,
    });
    expect(again).toEqual([one]);
    expect(one).toMatchObject({
      CacheNodeType: 'cache.m7g.large',
      Duration: 94608000,
      ProductDescription: 'valkey',
      OfferingType: 'All Upfront',
    });
    const missing = await refusal(
      ec.send(
        new DescribeReservedCacheNodesOfferingsCommand({
          ReservedCacheNodesOfferingId: 'no-such-offering',
        }),
      ),
    );
    expect(missing).toEqual({
      code: 'ReservedCacheNodesOfferingNotFound',
      message: 'ReservedCacheNodesOffering not found: no-such-offering',
      status: 404,
    });
    const duration = await refusal(
      ec.send(new DescribeReservedCacheNodesOfferingsCommand({ Duration: '2' })),
    );
    expect([duration.code, duration.status]).toEqual(['InvalidParameterValue', 400]);
  });
});

describe("gap 35 EC2 DescribeSecurityGroupRules: each rule's GroupOwnerId", () => {
  it.each([
    ['tooling', TOOLING_ACCOUNT],
    ['dev', DEV_ACCOUNT],
  ])('names the account that owns the group (%s)', async (_, account) => {
    const ec2 = new EC2Client(account === TOOLING_ACCOUNT ? tooling() : await inAccount(account));
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }));
    const group = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: `owner-${account}`,
        Description: 'owner',
        VpcId: vpc.Vpc!.VpcId,
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group.GroupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.42.0.0/16' }] },
        ],
      }),
    );
    const rules = await ec2.send(
      new DescribeSecurityGroupRulesCommand({
        Filters: [{ Name: 'group-id', Values: [group.GroupId!] }],
      }),
    );
    expect(
      rules.SecurityGroupRules?.map((r) => [r.IsEgress, r.GroupId, r.GroupOwnerId]).sort(),
    ).toEqual([
      [false, group.GroupId, account],
      [true, group.GroupId, account],
    ]);
  });
});
