import type { Existing } from '../../../tools/recover/finder';
import { matchOrphans, typeOfAddress } from '../../../tools/recover/match';
import {
  eipFinder,
  routeFinder,
  subnetFinder,
  vpcFinder,
} from '../../../tools/recover/network-finders';
import { planned } from './fixtures';

const existing = (
  type: string,
  importId: string,
  key: string,
  extra: Partial<Existing> = {},
): Existing => ({
  type,
  region: 'eu-west-1',
  importId,
  key,
  ids: [importId],
  label: importId,
  deleteCommand: `delete ${importId}`,
  ...extra,
});
const vpc = planned('aws_vpc.network_vpc', { tags: { Name: 'healthcare-vpc-dev' } });
const subnet = planned(
  'aws_subnet.isolated_0',
  { cidr_block: '10.40.128.0/24', tags: { Name: 'iso-a' } },
  { vpc_id: true },
);
const FINDERS = new Map([vpcFinder, subnetFinder, eipFinder, routeFinder].map((f) => [f.type, f]));
const finderOf = (type: string) => FINDERS.get(type);
const match = (
  creates: ReturnType<typeof planned>[],
  found: Existing[],
  stateIds: string[] = [],
  importing: [string, string][] = [],
) =>
  matchOrphans({
    creates,
    found,
    stateIds: new Set(stateIds),
    importing: new Map(importing),
    finderOf,
  });

test('typeOfAddress: the resource type of an address, also inside modules', () => {
  expect(typeOfAddress('aws_vpc.network_vpc')).toBe('aws_vpc');
  expect(typeOfAddress('module.net.aws_subnet.a[0]')).toBe('aws_subnet');
  expect(typeOfAddress('module.a["x"].module.b.aws_route.r')).toBe('aws_route');
});

test('one orphan for one planned address is adopted there', () => {
  const m = match([vpc], [existing('aws_vpc', 'vpc-1', 'healthcare-vpc-dev')]);
  expect(m.adopt.map((a) => [a.address, a.importId])).toEqual([['aws_vpc.network_vpc', 'vpc-1']]);
  expect(m.unplanned).toEqual([]);
  expect(m.ambiguous).toEqual([]);
});

test('what the state already holds is no orphan (by import id, or any id or ARN, of the same type)', () => {
  const byId = existing('aws_vpc', 'vpc-1', 'healthcare-vpc-dev');
  const byArn = existing('aws_vpc', 'vpc-2', 'healthcare-vpc-dev', { ids: ['vpc-2', 'arn:vpc-2'] });
  const m = match([vpc], [byId, byArn], ['aws_vpc vpc-1', 'aws_vpc arn:vpc-2']);
  expect(m.adopt).toEqual([]);
  expect(m.unplanned).toEqual([]);
  // The same id under another type does not hide it.
  expect(match([vpc], [byId], ['aws_subnet vpc-1']).adopt).toHaveLength(1);
});

test('what the plan already imports is not matched again', () => {
  const m = match(
    [vpc],
    [existing('aws_vpc', 'vpc-1', 'healthcare-vpc-dev')],
    [],
    [['aws_vpc.other', 'vpc-1']],
  );
  expect(m.adopt).toEqual([]);
  expect(m.unplanned).toEqual([]);
});

test('two candidates for one address: ambiguous, none adopted, both listed with their delete commands', () => {
  const a = existing('aws_vpc', 'vpc-1', 'healthcare-vpc-dev');
  const b = existing('aws_vpc', 'vpc-2', 'healthcare-vpc-dev');
  const m = match([vpc], [a, b]);
  expect(m.adopt).toEqual([]);
  expect(m.ambiguous).toEqual([{ address: 'aws_vpc.network_vpc', candidates: [a, b] }]);
  expect(m.unplanned).toEqual([]);
});

test('one candidate wanted by two addresses: ambiguous for both', () => {
  const e = existing('aws_eip', 'eipalloc-1', 'nat');
  const m = match(
    [
      planned('aws_eip.a', { tags: { Name: 'nat' } }),
      planned('aws_eip.b', { tags: { Name: 'nat' } }),
    ],
    [e],
  );
  expect(m.adopt).toEqual([]);
  expect(m.ambiguous.map((x) => x.address)).toEqual(['aws_eip.a', 'aws_eip.b']);
});

test('a second VPC that no planned address wants (the planned VPC is in the state): not adopted, delete it', () => {
  const second = existing('aws_vpc', 'vpc-2', 'healthcare-vpc-dev');
  const m = match(
    [],
    [existing('aws_vpc', 'vpc-1', 'healthcare-vpc-dev'), second],
    ['aws_vpc vpc-1'],
  );
  expect(m.unplanned).toEqual([second]);
  expect(m.adopt).toEqual([]);
});

test('another region or another key is not a candidate', () => {
  const m = match(
    [vpc],
    [
      existing('aws_vpc', 'vpc-1', 'healthcare-vpc-dev', { region: 'eu-central-1' }),
      existing('aws_vpc', 'vpc-3', 'other'),
    ],
  );
  expect(m.adopt).toEqual([]);
  expect(m.unplanned.map((e) => e.importId)).toEqual(['vpc-1', 'vpc-3']);
});

test('a planned subnet whose VPC id is unknown waits; the orphan subnets are undecided, not for deletion', () => {
  const orphan = existing('aws_subnet', 'subnet-1', 'vpc-1|iso-a|10.40.128.0/24');
  const m = match([vpc, subnet], [existing('aws_vpc', 'vpc-1', 'healthcare-vpc-dev'), orphan]);
  expect(m.adopt.map((a) => a.address)).toEqual(['aws_vpc.network_vpc']);
  expect(m.waiting).toEqual(['aws_subnet.isolated_0']);
  expect(m.undecided).toEqual([orphan]);
  expect(m.unplanned).toEqual([]);
});

test('children found under a parent that no planned address wants are never listed for deletion', () => {
  const route = existing('aws_route', 'rtb-1_10.0.0.0/8', 'rtb-1|10.0.0.0/8');
  const m = match(
    [planned('aws_route.r', { route_table_id: 'rtb-1', destination_cidr_block: '0.0.0.0/0' })],
    [route],
  );
  expect(m.adopt).toEqual([]);
  expect(m.unplanned).toEqual([]);
});

test('types without a finder are listed, with the reason when none is needed', () => {
  const m = match(
    [
      planned('aws_cloudwatch_metric_alarm.a', {}),
      planned('aws_cloudwatch_metric_alarm.b', {}),
      planned('aws_config_conformance_pack.p', {}),
    ],
    [],
  );
  expect(m.unchecked).toEqual([
    {
      type: 'aws_cloudwatch_metric_alarm',
      addresses: ['aws_cloudwatch_metric_alarm.a', 'aws_cloudwatch_metric_alarm.b'],
      note: 'PutMetricAlarm overwrites: the next apply takes a leftover over',
    },
    {
      type: 'aws_config_conformance_pack',
      addresses: ['aws_config_conformance_pack.p'],
      note: undefined,
    },
  ]);
});

test('adoptions and ambiguities come sorted by address', () => {
  const m = match(
    [planned('aws_eip.b', { tags: { Name: 'b' } }), planned('aws_eip.a', { tags: { Name: 'a' } })],
    [existing('aws_eip', 'e-b', 'b'), existing('aws_eip', 'e-a', 'a')],
  );
  expect(m.adopt.map((a) => a.address)).toEqual(['aws_eip.a', 'aws_eip.b']);
});
