/**
 * The estimate's arithmetic on known resources. Expected figures are computed by hand from
 * the test table's round prices (fixtures/cost/test-prices.ts), never read back from a table.
 */
import {
  CostResource,
  DEFAULT_USAGE,
  estimate,
  describeUsage,
  lookupPrice,
  PriceTable,
  resourcesOfStack,
  stackRegion,
} from '../../../tools/cost';
import { TEST_PRICES, TEST_REGION } from '../../fixtures/cost/test-prices';

const res = (
  type: string,
  values: Record<string, unknown> = {},
  region = TEST_REGION,
): CostResource => ({
  address: `${type}.x`,
  type,
  values,
  region,
});
const monthly = (r: CostResource, prices: PriceTable = TEST_PRICES) =>
  estimate([r], { prices }).items.map((i) => [i.what, i.quantity, i.monthlyUsd ?? i.unpriced]);

describe('estimate: hourly resources', () => {
  test('a NAT gateway at $0.045 an hour costs $32.85 a month, plus its assumed data', () => {
    const prices: PriceTable = {
      hoursPerMonth: 730,
      regions: { r: { 'nat.hour': { usd: 0.045, unit: 'h', source: 's', read: '2026-12-07' } } },
    };
    const e = estimate([res('aws_nat_gateway', {}, 'r')], { prices });
    expect(e.items[0]).toMatchObject({ quantity: 730, unitPriceUsd: 0.045, monthlyUsd: 32.85 });
    // The data line has no price in this table: reported, not guessed, and left out of the total.
    expect(e.items[1]).toMatchObject({ quantity: 10, unpriced: 'no price for r (nat.gb)' });
    expect(e.totalUsd).toBe(32.85);
  });

  test('an Elastic IP is 730 address-hours', () => {
    expect(monthly(res('aws_eip', { domain: 'vpc' }))).toEqual([
      ['public IPv4 address (Elastic IP)', 730, 3.65],
    ]);
  });

  test('an interface endpoint is billed per subnet (AZ); a gateway endpoint is free', () => {
    const subnets = ['${aws_subnet.a.id}', '${aws_subnet.b.id}', '${aws_subnet.c.id}'];
    expect(
      monthly(res('aws_vpc_endpoint', { vpc_endpoint_type: 'Interface', subnet_ids: subnets })),
    ).toEqual([
      ['interface endpoint × 3 AZ', 2190, 21.9],
      ['interface endpoint data processed (assumed)', 1, 0.01],
    ]);
    expect(monthly(res('aws_vpc_endpoint', { vpc_endpoint_type: 'Gateway' }))).toEqual([
      ['Gateway endpoint (no charge)', 1, 0],
    ]);
    // No type given: Terraform's default is Gateway.
    expect(monthly(res('aws_vpc_endpoint', {}))[0][2]).toBe(0);
  });
});

describe('estimate: RDS', () => {
  const db = (extra: Record<string, unknown>) =>
    res('aws_db_instance', {
      instance_class: 'db.r6g.large',
      allocated_storage: 100,
      storage_type: 'gp3',
      ...extra,
    });

  test('Multi-AZ doubles instance-hours and storage, as AWS bills it', () => {
    expect(monthly(db({ multi_az: true }))).toEqual([
      ['RDS db.r6g.large Multi-AZ (primary + standby)', 1460, 365],
      ['RDS gp3 storage 100 GB × 2', 200, 20],
    ]);
    expect(monthly(db({ multi_az: false }))).toEqual([
      ['RDS db.r6g.large Single-AZ', 730, 182.5],
      ['RDS gp3 storage 100 GB × 1', 100, 10],
    ]);
  });

  test('Performance Insights is free at 7 days and unpriced beyond (one day more)', () => {
    const pi = (days: number) =>
      monthly(
        db({ performance_insights_enabled: true, performance_insights_retention_period: days }),
      )[2];
    expect(pi(7)).toEqual(['Performance Insights, 7-day retention (free tier)', 1, 0]);
    expect(pi(8)).toEqual([
      'Performance Insights, 8-day retention',
      1,
      'no price for test-1 (rds.performanceInsights.longTerm)',
    ]);
  });

  test('the RDS-managed master password is one secret', () => {
    expect(monthly(db({ manage_master_user_password: 'true' }))[2]).toEqual([
      'RDS-managed master user secret',
      1,
      0.4,
    ]);
  });

  test('an unknown instance class is reported unpriced, the rest still priced', () => {
    const e = estimate([db({ instance_class: 'db.x9.huge' })], { prices: TEST_PRICES });
    expect(e.unpriced.map((i) => i.unpriced)).toEqual([
      'no price for test-1 (rds.instance.db.x9.huge)',
    ]);
    expect(e.totalUsd).toBe(10);
  });

  test('an unresolved class or storage size is named, not invented', () => {
    expect(monthly(res('aws_db_instance', { instance_class: '${var.cls}' }))).toEqual([
      ['RDS unknown class Single-AZ', 730, 'no price for test-1 (rds.instance.unknown class)'],
      ['RDS gp2 storage 0 GB × 1', 0, 'no price for test-1 (rds.storage.gp2)'],
    ]);
  });
});

describe('estimate: ElastiCache', () => {
  test('node type × num_cache_clusters', () => {
    expect(
      monthly(
        res('aws_elasticache_replication_group', {
          node_type: 'cache.t4g.small',
          num_cache_clusters: 2,
        }),
      ),
    ).toEqual([['ElastiCache cache.t4g.small × 2 nodes', 1460, 58.4]]);
  });

  test('cluster mode: node groups × (replicas + 1); a lone group without replicas is one node each', () => {
    const group = (extra: object) =>
      monthly(
        res('aws_elasticache_replication_group', { node_type: 'cache.t4g.small', ...extra }),
      )[0];
    expect(group({ num_node_groups: 2, replicas_per_node_group: 1 })).toEqual([
      'ElastiCache cache.t4g.small × 4 nodes',
      2920,
      116.8,
    ]);
    expect(group({ num_node_groups: 3 })[1]).toBe(2190);
    expect(group({})[1]).toBe(730);
  });

  test('a memcached/redis cluster counts num_cache_nodes', () => {
    expect(
      monthly(
        res('aws_elasticache_cluster', { node_type: 'cache.t4g.small', num_cache_nodes: '3' }),
      ),
    ).toEqual([['ElastiCache cache.t4g.small × 3 nodes', 2190, 87.6]]);
    expect(monthly(res('aws_elasticache_cluster', {}))[0][0]).toBe(
      'ElastiCache unknown node type × 1 nodes',
    );
    expect(monthly(res('aws_elasticache_replication_group', {}))[0][0]).toBe(
      'ElastiCache unknown node type × 1 nodes',
    );
  });
});

describe('estimate: per-unit and usage-based resources', () => {
  test('keys, alarms and secrets are one unit each', () => {
    expect(monthly(res('aws_kms_key'))).toEqual([['KMS key', 1, 1]]);
    expect(monthly(res('aws_kms_replica_key'))).toEqual([['KMS replica key', 1, 1]]);
    expect(monthly(res('aws_cloudwatch_metric_alarm'))).toEqual([['CloudWatch alarm', 1, 0.1]]);
    expect(monthly(res('aws_secretsmanager_secret'))).toEqual([['Secrets Manager secret', 1, 0.4]]);
  });

  test('log storage is what a group holds after 12 months, or its retention if shorter', () => {
    const storage = (days?: number) =>
      monthly(
        res('aws_cloudwatch_log_group', days === undefined ? {} : { retention_in_days: days }),
      )[1];
    expect(monthly(res('aws_cloudwatch_log_group', { retention_in_days: 30 }))[0]).toEqual([
      'log ingestion (assumed)',
      0.5,
      0.25,
    ]);
    expect(storage(30)).toEqual(['log storage, 30-day retention', 0.5, 0.015]);
    expect(storage(360)).toEqual(['log storage, 360-day retention', 6, 0.18]);
    expect(storage(330)[1]).toBe(5.5);
    expect(storage(2192)[1]).toBe(6);
    expect(storage()).toEqual(['log storage, never expires', 6, 0.18]);
  });

  test('WAF: the ACL, one charge per rule, and the assumed requests', () => {
    expect(monthly(res('aws_wafv2_web_acl', { rule: [{}, {}, {}] }))).toEqual([
      ['WAF web ACL', 1, 5],
      ['WAF rules (3)', 3, 3],
      ['WAF requests (assumed)', 1, 0.6],
    ]);
    expect(monthly(res('aws_wafv2_web_acl', {}))[1]).toEqual(['WAF rules (0)', 0, 0]);
  });

  test('API Gateway and Lambda from the assumed traffic; Arm and x86 priced apart', () => {
    expect(monthly(res('aws_api_gateway_rest_api'))).toEqual([
      ['API Gateway REST requests (assumed)', 1, 3.5],
    ]);
    // 100,000 × 0.2 s × 0.25 GB = 5,000 GB-s.
    expect(
      monthly(res('aws_lambda_function', { architectures: ['arm64'], memory_size: 256 })),
    ).toEqual([
      ['Lambda requests (assumed)', 0.1, 0.02],
      ['Lambda compute, 256 MB Arm (assumed)', 5000, 0.05],
    ]);
    // Default 128 MB, x86: 2,500 GB-s.
    expect(monthly(res('aws_lambda_function'))[1]).toEqual([
      'Lambda compute, 128 MB x86 (assumed)',
      2500,
      0.05,
    ]);
  });

  test('negligible services are $0 lines that say so', () => {
    for (const type of ['aws_sqs_queue', 'aws_sns_topic', 'aws_dynamodb_table']) {
      const [[what, , usd]] = monthly(res(type));
      expect(what).toMatch(/negligible/);
      expect(usd).toBe(0);
    }
  });

  test('CloudTrail: management events free, data events only with data selectors', () => {
    const plain = monthly(res('aws_cloudtrail', { event_selector: [{ data_resource: [] }] }));
    expect(plain).toEqual([['CloudTrail management events (first copy free)', 1, 0]]);
    const withData = monthly(
      res('aws_cloudtrail', { event_selector: [{ data_resource: [{ type: 'AWS::S3::Object' }] }] }),
    );
    expect(withData[1]).toEqual(['CloudTrail data events (assumed)', 1, 0.1]);
    expect(monthly(res('aws_cloudtrail', { advanced_event_selector: [] }))).toHaveLength(2);
    expect(monthly(res('aws_cloudtrail'))).toHaveLength(1);
  });

  test('Config: items, rule evaluations, and a conformance pack counted by its rules', () => {
    expect(monthly(res('aws_config_configuration_recorder'))).toEqual([
      ['Config items recorded (assumed)', 1000, 3],
    ]);
    expect(monthly(res('aws_config_config_rule'))).toEqual([
      ['Config rule evaluations (assumed)', 100, 0.1],
    ]);
    const template = 'A:\n  Type: AWS::Config::ConfigRule\nB:\n  Type: AWS::Config::ConfigRule\n';
    expect(monthly(res('aws_config_conformance_pack', { template_body: template }))).toEqual([
      ['conformance pack evaluations, 2 rules (assumed)', 200, 0.2],
    ]);
    expect(monthly(res('aws_config_conformance_pack'))[0][1]).toBe(0);
  });

  test('GuardDuty, Security Hub, backups and S3 from stated assumptions', () => {
    expect(monthly(res('aws_guardduty_detector'))).toEqual([
      ['GuardDuty CloudTrail event analysis (assumed)', 0.1, 0.4],
    ]);
    expect(monthly(res('aws_securityhub_account'))).toEqual([
      ['Security Hub security checks (assumed)', 10000, 10],
    ]);
    expect(monthly(res('aws_backup_vault'))).toEqual([
      ['backup storage, RDS snapshots (assumed)', 50, 5],
    ]);
    expect(monthly(res('aws_backup_plan', { rule: [{ copy_action: [{}] }] }))).toEqual([
      ['cross-region backup copy transfer (assumed)', 50, 1],
    ]);
    expect(monthly(res('aws_backup_plan', { rule: [{}] }))).toEqual([]);
    expect(monthly(res('aws_backup_plan'))).toEqual([]);
    expect(monthly(res('aws_s3_bucket'))).toEqual([['S3 Standard storage (assumed)', 1, 0.025]]);
  });
});

describe('estimate: boundaries', () => {
  test('zero resources cost nothing', () => {
    expect(estimate([], { prices: TEST_PRICES })).toEqual({
      items: [],
      totalUsd: 0,
      unpriced: [],
      notEstimated: [],
    });
  });

  test('free types add no line; types not modelled are named', () => {
    const e = estimate([res('aws_iam_role'), res('aws_launch_template')], { prices: TEST_PRICES });
    expect(e.items).toEqual([]);
    expect(e.notEstimated).toEqual(['aws_launch_template.x']);
  });

  test('a region without prices, and no region at all, are reported per charge', () => {
    expect(monthly(res('aws_kms_key', {}, 'mars-1'))).toEqual([
      ['KMS key', 1, 'no price for mars-1'],
    ]);
    const noRegion: CostResource = { address: 'aws_kms_key.k', type: 'aws_kms_key', values: {} };
    expect(monthly(noRegion)).toEqual([['KMS key', 1, 'no region known']]);
    expect(lookupPrice(TEST_PRICES, TEST_REGION, 'kms.key')).toMatchObject({ price: { usd: 1 } });
  });

  test('the assumptions are stated with the numbers used', () => {
    const text = describeUsage(DEFAULT_USAGE, 730).join('\n');
    expect(text).toContain('730 hours a month');
    expect(text).toContain('1,000,000 API requests a month');
    expect(text).toContain('10 GB through each NAT gateway');
  });
});

describe('resources of a synthesized stack', () => {
  test('reads the default and aliased provider regions, and expands a numeric count', () => {
    const doc = {
      provider: { aws: [{ region: TEST_REGION }, { alias: 'dr', region: 'dr-1' }, { alias: 'x' }] },
      resource: {
        aws_kms_key: {
          home: { '//': { metadata: {} } },
          dr: { provider: 'aws.dr' },
        },
        aws_eip: { nat: { count: 2 } },
      },
    };
    expect(stackRegion(doc)).toBe(TEST_REGION);
    const resources = resourcesOfStack(doc);
    expect(resources.map((r) => [r.address, r.region])).toEqual([
      ['aws_kms_key.home', TEST_REGION],
      ['aws_kms_key.dr', 'dr-1'],
      ['aws_eip.nat[0]', TEST_REGION],
      ['aws_eip.nat[1]', TEST_REGION],
    ]);
    // The DR key is priced at the DR region's price.
    expect(estimate(resources, { prices: TEST_PRICES }).totalUsd).toBe(1 + 2 + 3.65 + 3.65);
  });

  test('a single provider block, and none', () => {
    expect(stackRegion({ provider: { aws: { region: 'eu-west-1' } } })).toBe('eu-west-1');
    expect(stackRegion({})).toBeUndefined();
    expect(resourcesOfStack({})).toEqual([]);
  });
});
