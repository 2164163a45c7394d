/** A plan's monthly cost delta and its sentence, on hand-computed figures (test table, region test-1). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planCostDelta, planRegions, resourceOfChange, signed, usd } from '../../../tools/cost';
import { TEST_PRICES } from '../../fixtures/cost/test-prices';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'plans', 'cost-nat-for-endpoint.json');
type Plan = { resource_changes: { address: string }[]; configuration?: unknown };
const load = (): Plan => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Plan;
const only = (plan: Plan, addresses: string[]): Plan => ({
  ...plan,
  resource_changes: plan.resource_changes.filter((rc) => addresses.includes(rc.address)),
});
const options = { prices: TEST_PRICES };

describe('planCostDelta', () => {
  test('one NAT gateway added, one two-AZ interface endpoint removed: +$22.39 a month', () => {
    // NAT: 730 h × $0.05 + 10 GB × $0.05 = $37.00. Endpoint: 2 AZ × 730 h × $0.01 + 1 GB × $0.01 = $14.61.
    const d = planCostDelta(
      only(load(), ['aws_nat_gateway.nat_1', 'aws_vpc_endpoint.sts']),
      options,
    );
    expect(d.deltaUsd).toBe(22.39);
    expect(d.summary).toBe(
      'This plan adds about $22.39 a month: +$37.00 `aws_nat_gateway.nat_1` (NAT gateway hours), −$14.61 `aws_vpc_endpoint.sts` (interface endpoint × 2 AZ).',
    );
  });

  test('the whole fixture: a three-AZ endpoint counted from its subnet references; a like-for-like replacement adds nothing', () => {
    // + $37.00 (NAT) + $21.91 (3 AZ × 730 h × $0.01 + $0.01) − $14.61 (sts) = $44.30; the key replacement nets $0.
    const d = planCostDelta(load(), options);
    expect(d.region).toBe('test-1');
    expect(d.items.map((i) => [i.address, i.deltaUsd])).toEqual([
      ['aws_nat_gateway.nat_1', 37],
      ['aws_vpc_endpoint.kms', 21.91],
      ['aws_vpc_endpoint.sts', -14.61],
    ]);
    expect(d.summary).toBe(
      'This plan adds about $44.30 a month: +$37.00 `aws_nat_gateway.nat_1` (NAT gateway hours), +$21.91 `aws_vpc_endpoint.kms` (interface endpoint × 3 AZ), −$14.61 `aws_vpc_endpoint.sts` (interface endpoint × 2 AZ).',
    );
  });

  test('names the top changes only, and says how many more', () => {
    const d = planCostDelta(load(), { ...options, top: 1 });
    expect(d.summary).toBe(
      'This plan adds about $44.30 a month: +$37.00 `aws_nat_gateway.nat_1` (NAT gateway hours), and 2 more.',
    );
  });

  test('a removal alone: "removes"', () => {
    expect(planCostDelta(only(load(), ['aws_vpc_endpoint.sts']), options).summary).toBe(
      'This plan removes about $14.61 a month: −$14.61 `aws_vpc_endpoint.sts` (interface endpoint × 2 AZ).',
    );
  });

  test('nothing billable: no-ops, reads, a like-for-like replacement, free types', () => {
    const d = planCostDelta(
      only(load(), ['aws_kms_key.data', 'aws_subnet.private_a', 'data.aws_region.current']),
      options,
    );
    expect(d.deltaUsd).toBe(0);
    expect(d.summary).toBe('This plan changes nothing billable.');
  });

  test('a resize is the difference of both sides (db.t4g.medium → db.r6g.large: +$109.50)', () => {
    // Before: 730 × $0.10 + 20 GB × $0.10 = $75.00; after: 730 × $0.25 + $2.00 = $184.50.
    const rc = (actions: string[], before: unknown, after: unknown) => ({
      address: 'aws_db_instance.db',
      mode: 'managed',
      type: 'aws_db_instance',
      change: { actions, before, after },
    });
    const db = (cls: string) => ({
      instance_class: cls,
      allocated_storage: 20,
      storage_type: 'gp3',
    });
    const plan = { resource_changes: [rc(['update'], db('db.t4g.medium'), db('db.r6g.large'))] };
    const d = planCostDelta(plan, { ...options, region: 'test-1' });
    expect(d.deltaUsd).toBe(109.5);
    expect(d.summary).toBe(
      'This plan adds about $109.50 a month: +$109.50 `aws_db_instance.db` (RDS db.r6g.large Single-AZ).',
    );
  });

  test('equal and opposite changes: billable, but the total does not move', () => {
    const nat = (address: string, actions: string[], before: unknown, after: unknown) => ({
      address,
      type: 'aws_nat_gateway',
      change: { actions, before, after },
    });
    const plan = {
      resource_changes: [
        nat('aws_nat_gateway.a', ['create'], null, {}),
        nat('aws_nat_gateway.b', ['delete'], {}, null),
      ],
    };
    expect(planCostDelta(plan, { ...options, region: 'test-1' }).summary).toBe(
      'This plan changes billable resources but not the monthly total: +$37.00 `aws_nat_gateway.a` (NAT gateway hours), −$37.00 `aws_nat_gateway.b` (NAT gateway hours).',
    );
  });

  test('charges without a price are named, not counted; a region without prices says so', () => {
    const plan = load();
    const d = planCostDelta(only(plan, ['aws_nat_gateway.nat_1']), {
      ...options,
      region: 'mars-1',
    });
    // The plan's own provider region wins over nothing, but an explicit region wins over the plan.
    expect(d.region).toBe('mars-1');
    expect(d.summary).toBe(
      'This plan changes nothing billable. Not counted (2 unpriced charge(s): no price for mars-1).',
    );
  });

  test('types the estimate does not model are listed, and the sentence says it covers the rest', () => {
    const plan = {
      resource_changes: [
        {
          address: 'aws_instance.x',
          type: 'aws_instance',
          change: { actions: ['create'], before: null, after: {} },
        },
      ],
    };
    const d = planCostDelta(plan, options);
    expect(d.notEstimated).toEqual(['aws_instance.x']);
    expect(d.region).toBeUndefined();
    expect(d.summary).toBe(
      'This plan changes nothing billable among the resources the estimate models.',
    );
  });

  test('an empty plan changes nothing billable', () => {
    expect(planCostDelta({}, options).summary).toBe('This plan changes nothing billable.');
  });
});

describe('plan resources', () => {
  test('the provider region and an aliased provider from the plan configuration', () => {
    const plan = {
      configuration: {
        provider_config: {
          aws: { expressions: { region: { constant_value: 'test-1' } } },
          'aws.dr': { expressions: { region: { constant_value: 'dr-1' } } },
          'aws.var': { expressions: { region: { references: ['var.region'] } } },
        },
        root_module: { resources: [{ address: 'aws_kms_key.dr', provider_config_key: 'aws.dr' }] },
      },
      resource_changes: [
        {
          address: 'aws_kms_key.dr',
          type: 'aws_kms_key',
          change: { actions: ['create'], before: null, after: {} },
        },
      ],
    };
    expect([...planRegions(plan as never).entries()]).toEqual([
      ['aws', 'test-1'],
      ['aws.dr', 'dr-1'],
    ]);
    expect(
      resourceOfChange(plan as never, plan.resource_changes[0], 'after', undefined)?.region,
    ).toBe('dr-1');
    expect(
      resourceOfChange(plan as never, plan.resource_changes[0], 'before', undefined),
    ).toBeUndefined();
    // The DR key is priced at the DR region's price ($2 in the test table).
    expect(planCostDelta(plan, options).deltaUsd).toBe(2);
  });

  test('an unknown list without references counts one', () => {
    const plan = load();
    const rc = { ...plan.resource_changes[2], address: 'aws_vpc_endpoint.other[0]' } as never;
    expect(resourceOfChange(plan as never, rc, 'after', 'test-1')?.referenceCounts).toEqual({});
  });
});

describe('money text', () => {
  test('two decimals with thousands separators; a sign on deltas', () => {
    expect(usd(1234.5)).toBe('$1,234.50');
    expect(usd(0)).toBe('$0.00');
    expect(signed(0.005)).toBe('+$0.01');
    expect(signed(-14.61)).toBe('−$14.61');
  });
});
