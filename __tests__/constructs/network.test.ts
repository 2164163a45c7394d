import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { TerraformOutput, Testing } from 'cdktf';
import { Construct } from 'constructs';
// Declares the cdktf matchers' types (setup.ts registers them at run time).
import 'cdktf/lib/testing/adapters/jest';
import { EncryptionKey } from '../../constructs/encryption/encryption-key';
import { Network, NetworkProps } from '../../constructs/network/network';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
type Block = Record<string, Json>;

const PUBLIC = ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'];
const PRIVATE = ['10.0.16.0/20', '10.0.32.0/20', '10.0.48.0/20'];
const ISOLATED = ['10.0.64.0/24', '10.0.65.0/24', '10.0.66.0/24'];

const baseProps = (): Omit<NetworkProps, 'logsKey'> => ({
  name: 'healthcare-vpc-test',
  vpcCidr: '10.0.0.0/16',
  azCount: 3,
  publicSubnetCidrs: PUBLIC,
  privateSubnetCidrs: PRIVATE,
  isolatedSubnetCidrs: ISOLATED,
  flowLogGroupName: '/healthcare/test/vpc-flow-logs',
  flowLogRoleName: 'healthcare-flow-logs-test',
  logRetentionDays: 365,
  endpointSecurityGroupName: 'healthcare-endpoints-test',
});

/** A real logs key (id `logs-key`) and the Network (id `network`) with outputs of its attributes. */
function synth(props: Partial<NetworkProps> = {}): { raw: string; json: Json } {
  const raw = Testing.synthScope((scope: Construct) => {
    const logsKey = new EncryptionKey(scope, 'logs-key', {
      alias: 'alias/healthcare-logs-test',
      description: 'logs',
      users: ['logs'],
    });
    const network = new Network(scope, 'network', { ...baseProps(), logsKey, ...props });
    const out = (id: string, value: unknown) => new TerraformOutput(scope, id, { value });
    out('vpc-id', network.vpcId);
    out('vpc-cidr', network.vpcCidr);
    out('azs', network.availabilityZones);
    out('public', network.publicSubnetIds);
    out('private', network.privateSubnetIds);
    out('isolated', network.isolatedSubnetIds);
    out('nats', network.natGatewayIds);
    out('app-sg', network.applicationSecurityGroupId);
    out('endpoint-sg', network.endpointSecurityGroupId);
    out('flow-log-group', network.flowLogGroupArn);
    out('private-rts', network.privateRouteTableIds);
    out('isolated-rt', network.isolatedRouteTableId);
  });
  return { raw, json: JSON.parse(raw) };
}

/** The logical id cdktf gives construct `id` inside `network` (or another parent). */
function logicalId(block: Block | undefined, id: string, parent = 'network'): string {
  const pattern = new RegExp(`^${parent}_${id.replace(/[.]/g, '\\.')}_[0-9A-F]{8}$`);
  const found = Object.keys(block ?? {}).filter((k) => pattern.test(k));
  expect(found).toHaveLength(1);
  return found[0];
}

const resource = (json: Json, type: string, id: string): Block =>
  json.resource[type][logicalId(json.resource[type], id)];
const ref = (json: Json, type: string, id: string, attr = 'id'): string =>
  `\${${type}.${logicalId(json.resource[type], id)}.${attr}}`;
const all = (json: Json, type: string): Block[] => Object.values(json.resource[type] ?? {});

describe('Network', () => {
  describe('minimal props: secure defaults', () => {
    const { raw, json } = synth();

    test('VPC with DNS support and hostnames', () => {
      expect(raw).toHaveResourceWithProperties(Vpc, {
        cidr_block: '10.0.0.0/16',
        enable_dns_support: true,
        enable_dns_hostnames: true,
        tags: { Name: 'healthcare-vpc-test' },
      });
    });

    test('AZs come from every non-opt-in zone whatever its state, picked by index', () => {
      const zones = logicalId(json.data.aws_availability_zones, 'availability-zones');
      // No state filter: an impaired zone at plan time must not shift the indexes (and
      // replace the subnets under the database and the cache). No postcondition: nothing pinned.
      expect(json.data.aws_availability_zones[zones]).toEqual({
        filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
      });
      expect(raw).toHaveDataSourceWithProperties(DataAwsAvailabilityZones, {
        filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
      });
      expect(json.output.azs.value).toEqual(
        [0, 1, 2].map((i) => `\${element(data.aws_availability_zones.${zones}.names, ${i})}`),
      );
    });

    test('three tiers per AZ with the exact CIDRs, Tier tags and no public IPs anywhere', () => {
      const subnets = all(json, 'aws_subnet');
      expect(subnets).toHaveLength(9);
      for (const subnet of subnets) {
        expect(subnet.map_public_ip_on_launch).toBe(false);
      }
      const tiers = { public: PUBLIC, private: PRIVATE, isolated: ISOLATED };
      for (const [tier, cidrs] of Object.entries(tiers)) {
        cidrs.forEach((cidr, i) => {
          const subnet = resource(json, 'aws_subnet', `${tier}-subnet-${i}`);
          expect(subnet.cidr_block).toBe(cidr);
          expect(subnet.tags.Tier).toBe(tier);
          expect(subnet.availability_zone).toBe(json.output.azs.value[i]);
          expect(subnet.vpc_id).toBe(ref(json, 'aws_vpc', 'vpc'));
        });
        expect(json.output[tier].value).toEqual(
          cidrs.map((_, i) => ref(json, 'aws_subnet', `${tier}-subnet-${i}`)),
        );
      }
    });

    test('one NAT gateway per AZ, each in its public subnet with a VPC-domain EIP', () => {
      const nats = all(json, 'aws_nat_gateway');
      const eips = all(json, 'aws_eip');
      expect(nats).toHaveLength(3);
      expect(eips).toHaveLength(3);
      for (const eip of eips) {
        expect(eip.domain).toBe('vpc');
        expect(eip).not.toHaveProperty('vpc');
      }
      [0, 1, 2].forEach((i) => {
        const nat = resource(json, 'aws_nat_gateway', `nat-${i}`);
        expect(nat.subnet_id).toBe(ref(json, 'aws_subnet', `public-subnet-${i}`));
        expect(nat.allocation_id).toBe(ref(json, 'aws_eip', `nat-eip-${i}`, 'allocation_id'));
        expect(nat.depends_on).toEqual([
          `aws_internet_gateway.${logicalId(json.resource.aws_internet_gateway, 'internet-gateway')}`,
        ]);
      });
      expect(json.output.nats.value).toEqual(
        [0, 1, 2].map((i) => ref(json, 'aws_nat_gateway', `nat-${i}`)),
      );
    });

    test('public routes to the IGW, each private table to its own NAT', () => {
      expect(resource(json, 'aws_route', 'public-default-route')).toEqual({
        route_table_id: ref(json, 'aws_route_table', 'public-route-table'),
        destination_cidr_block: '0.0.0.0/0',
        gateway_id: ref(json, 'aws_internet_gateway', 'internet-gateway'),
      });
      [0, 1, 2].forEach((i) => {
        expect(resource(json, 'aws_route', `private-default-route-${i}`)).toEqual({
          route_table_id: ref(json, 'aws_route_table', `private-route-table-${i}`),
          destination_cidr_block: '0.0.0.0/0',
          nat_gateway_id: ref(json, 'aws_nat_gateway', `nat-${i}`),
        });
        expect(
          resource(json, 'aws_route_table_association', `private-route-table-association-${i}`),
        ).toEqual({
          subnet_id: ref(json, 'aws_subnet', `private-subnet-${i}`),
          route_table_id: ref(json, 'aws_route_table', `private-route-table-${i}`),
        });
        expect(
          resource(json, 'aws_route_table_association', `public-route-table-association-${i}`),
        ).toEqual({
          subnet_id: ref(json, 'aws_subnet', `public-subnet-${i}`),
          route_table_id: ref(json, 'aws_route_table', 'public-route-table'),
        });
      });
      expect(all(json, 'aws_route')).toHaveLength(4);
    });

    test('the isolated tier has no route to the internet at all', () => {
      const isolatedTable = ref(json, 'aws_route_table', 'isolated-route-table');
      const table = resource(json, 'aws_route_table', 'isolated-route-table');
      expect(table).not.toHaveProperty('route');
      expect(table.tags.Tier).toBe('isolated');
      expect(all(json, 'aws_route').filter((r) => r.route_table_id === isolatedTable)).toEqual([]);
      [0, 1, 2].forEach((i) => {
        expect(
          resource(json, 'aws_route_table_association', `isolated-route-table-association-${i}`),
        ).toEqual({
          subnet_id: ref(json, 'aws_subnet', `isolated-subnet-${i}`),
          route_table_id: isolatedTable,
        });
      });
      // No NAT, IGW or 0.0.0.0/0 anywhere near the isolated table.
      for (const route of all(json, 'aws_route')) {
        expect(route.route_table_id).not.toBe(isolatedTable);
      }
      expect(json.output['isolated-rt'].value).toBe(isolatedTable);
    });

    test('default security group is adopted with no rules', () => {
      const sg = only(json.resource.aws_default_security_group);
      expect(sg.ingress).toEqual([]);
      expect(sg.egress).toEqual([]);
      expect(sg.vpc_id).toBe(ref(json, 'aws_vpc', 'vpc'));
    });

    test('flow log of ALL traffic into a log group encrypted with the logs key', () => {
      const keyId = Object.keys(json.resource.aws_kms_key)[0];
      expect(raw).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: '/healthcare/test/vpc-flow-logs',
        kms_key_id: `\${aws_kms_key.${keyId}.arn}`,
        retention_in_days: 365,
      });
      const groupArn = ref(json, 'aws_cloudwatch_log_group', 'flow-log-group', 'arn');
      expect(raw).toHaveResourceWithProperties(FlowLog, {
        vpc_id: ref(json, 'aws_vpc', 'vpc'),
        traffic_type: 'ALL',
        log_destination_type: 'cloud-watch-logs',
        log_destination: groupArn,
        iam_role_arn: ref(json, 'aws_iam_role', 'flow-log-role', 'arn'),
      });
      expect(json.output['flow-log-group'].value).toBe(groupArn);
    });

    test('flow-log role: assumable only by flow logs of this account, writes only its group', () => {
      const docs = json.data.aws_iam_policy_document;
      const assume = docs[logicalId(docs, 'flow-log-assume-role-policy')].statement;
      expect(raw).toHaveResourceWithProperties(IamRole, {
        name: 'healthcare-flow-logs-test',
        assume_role_policy: `\${data.aws_iam_policy_document.${logicalId(docs, 'flow-log-assume-role-policy')}.json}`,
      });
      const account = `\${data.aws_caller_identity.${logicalId(json.data.aws_caller_identity, 'caller-identity', 'logs-key')}.account_id}`;
      expect(assume).toHaveLength(1);
      expect(assume[0].principals).toEqual([
        { type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] },
      ]);
      expect(assume[0].actions).toEqual(['sts:AssumeRole']);
      expect(assume[0].condition).toContainEqual({
        test: 'StringEquals',
        variable: 'aws:SourceAccount',
        values: [account],
      });

      const write = docs[logicalId(docs, 'flow-log-write-policy')].statement;
      const groupArn = ref(json, 'aws_cloudwatch_log_group', 'flow-log-group', 'arn');
      expect(write).toHaveLength(1);
      expect(write[0].actions).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'logs:DescribeLogStreams',
      ]);
      expect(write[0].resources).toEqual([groupArn, `${groupArn}:*`]);
      // Nothing in any of the network's policy documents is granted on "*".
      for (const id of ['flow-log-assume-role-policy', 'flow-log-write-policy']) {
        for (const s of docs[logicalId(docs, id)].statement) {
          expect(s.resources ?? []).not.toContain('*');
          expect(s.actions).not.toContain('*');
        }
      }
      const policy = only(json.resource.aws_iam_role_policy);
      expect(policy.role).toBe(ref(json, 'aws_iam_role', 'flow-log-role'));
      expect(policy.policy).toBe(
        `\${data.aws_iam_policy_document.${logicalId(docs, 'flow-log-write-policy')}.json}`,
      );
    });

    test('application SG: HTTPS out anywhere, PostgreSQL/Redis only inside the VPC, no ingress', () => {
      expect(raw).toHaveResourceWithProperties(SecurityGroup, {
        name: 'healthcare-vpc-test-app',
        vpc_id: ref(json, 'aws_vpc', 'vpc'),
      });
      const appSg = ref(json, 'aws_security_group', 'application-security-group');
      const egress = all(json, 'aws_vpc_security_group_egress_rule');
      expect(egress.map(({ description: _d, ...rule }) => rule)).toEqual([
        {
          security_group_id: appSg,
          ip_protocol: 'tcp',
          from_port: 443,
          to_port: 443,
          cidr_ipv4: '0.0.0.0/0',
        },
        {
          security_group_id: appSg,
          ip_protocol: 'tcp',
          from_port: 5432,
          to_port: 5432,
          cidr_ipv4: '10.0.0.0/16',
        },
        {
          security_group_id: appSg,
          ip_protocol: 'tcp',
          from_port: 6379,
          to_port: 6379,
          cidr_ipv4: '10.0.0.0/16',
        },
      ]);
      const ingress = all(json, 'aws_vpc_security_group_ingress_rule');
      expect(ingress.filter((r) => r.security_group_id === appSg)).toEqual([]);
      for (const rule of [...egress, ...ingress]) {
        expect(rule.description).toEqual(expect.stringMatching(/\S/));
      }
      for (const sg of all(json, 'aws_security_group')) {
        expect(sg).not.toHaveProperty('ingress');
        expect(sg).not.toHaveProperty('egress');
      }
      expect(json.output['app-sg'].value).toBe(appSg);
    });

    test('endpoint SG admits HTTPS only from the application SG', () => {
      expect(raw).toHaveResourceWithProperties(SecurityGroup, {
        name: 'healthcare-endpoints-test',
      });
      const endpointSg = ref(json, 'aws_security_group', 'endpoint-security-group');
      expect(all(json, 'aws_vpc_security_group_ingress_rule')).toEqual([
        {
          security_group_id: endpointSg,
          ip_protocol: 'tcp',
          from_port: 443,
          to_port: 443,
          referenced_security_group_id: ref(
            json,
            'aws_security_group',
            'application-security-group',
          ),
          description: 'HTTPS from the application security group',
        },
      ]);
      expect(json.output['endpoint-sg'].value).toBe(endpointSg);
    });

    test('gateway endpoints for S3 and DynamoDB on the private and isolated route tables', () => {
      const region = `\${data.aws_region.${logicalId(json.data.aws_region, 'region')}.name}`;
      const tables = [
        ...[0, 1, 2].map((i) => ref(json, 'aws_route_table', `private-route-table-${i}`)),
        ref(json, 'aws_route_table', 'isolated-route-table'),
      ];
      for (const service of ['s3', 'dynamodb']) {
        const endpoint = resource(json, 'aws_vpc_endpoint', `endpoint-${service}`);
        expect(endpoint.service_name).toBe(`com.amazonaws.${region}.${service}`);
        expect(endpoint.vpc_endpoint_type).toBe('Gateway');
        expect(endpoint.route_table_ids).toEqual(tables);
      }
      expect(json.output['private-rts'].value).toEqual(tables.slice(0, 3));
    });

    test('default interface endpoints with private DNS in the private subnets', () => {
      const region = `\${data.aws_region.${logicalId(json.data.aws_region, 'region')}.name}`;
      const interfaces = all(json, 'aws_vpc_endpoint').filter(
        (e) => e.vpc_endpoint_type === 'Interface',
      );
      // Synthesized JSON orders resources by logical id, so compare as sets.
      expect(interfaces.map((e) => e.service_name).sort()).toEqual(
        ['secretsmanager', 'kms', 'logs', 'sts', 'monitoring']
          .map((s) => `com.amazonaws.${region}.${s}`)
          .sort(),
      );
      ['secretsmanager', 'kms', 'logs', 'sts', 'monitoring'].forEach((s) =>
        expect(resource(json, 'aws_vpc_endpoint', `endpoint-${s}`).service_name).toBe(
          `com.amazonaws.${region}.${s}`,
        ),
      );
      for (const endpoint of interfaces) {
        expect(endpoint.private_dns_enabled).toBe(true);
        expect(endpoint.subnet_ids).toEqual(json.output.private.value);
        expect(endpoint.security_group_ids).toEqual([
          ref(json, 'aws_security_group', 'endpoint-security-group'),
        ]);
      }
    });

    test('exposes the VPC id and CIDR as references', () => {
      expect(json.output['vpc-id'].value).toBe(ref(json, 'aws_vpc', 'vpc'));
      expect(json.output['vpc-cidr'].value).toBe(ref(json, 'aws_vpc', 'vpc', 'cidr_block'));
    });
  });

  describe('full props', () => {
    const { raw, json } = synth({
      azCount: 2,
      publicSubnetCidrs: PUBLIC.slice(0, 2),
      privateSubnetCidrs: PRIVATE.slice(0, 2),
      isolatedSubnetCidrs: ISOLATED.slice(0, 2),
      natGateways: 'single',
      interfaceEndpointServices: ['ecr.api', 'ecr.dkr'],
      applicationSecurityGroupName: 'healthcare-app-test',
    });

    test('single NAT: one gateway and EIP in public subnet 0; every private table routes to it', () => {
      expect(all(json, 'aws_nat_gateway')).toHaveLength(1);
      expect(all(json, 'aws_eip')).toHaveLength(1);
      expect(resource(json, 'aws_eip', 'nat-eip-0')).toMatchObject({ domain: 'vpc' });
      expect(resource(json, 'aws_eip', 'nat-eip-0')).not.toHaveProperty('vpc');
      expect(resource(json, 'aws_nat_gateway', 'nat-0').subnet_id).toBe(
        ref(json, 'aws_subnet', 'public-subnet-0'),
      );
      [0, 1].forEach((i) => {
        expect(resource(json, 'aws_route', `private-default-route-${i}`).nat_gateway_id).toBe(
          ref(json, 'aws_nat_gateway', 'nat-0'),
        );
      });
      expect(json.output.nats.value).toEqual([ref(json, 'aws_nat_gateway', 'nat-0')]);
    });

    test('two AZs of subnets and private route tables', () => {
      expect(all(json, 'aws_subnet')).toHaveLength(6);
      expect(all(json, 'aws_route_table')).toHaveLength(4);
      expect(json.output.azs.value).toHaveLength(2);
    });

    test('custom interface endpoints (dots become dashes in their ids) and SG name', () => {
      expect(resource(json, 'aws_vpc_endpoint', 'endpoint-ecr-api').private_dns_enabled).toBe(true);
      expect(resource(json, 'aws_vpc_endpoint', 'endpoint-ecr-dkr').service_name).toMatch(
        /\.ecr\.dkr$/,
      );
      expect(all(json, 'aws_vpc_endpoint')).toHaveLength(4);
      expect(raw).toHaveResourceWithProperties(SecurityGroup, { name: 'healthcare-app-test' });
    });
  });

  describe('pinned availability zones', () => {
    const pinned = ['eu-west-1c', 'eu-west-1a', 'eu-west-1b'];
    const { json } = synth({ availabilityZones: pinned });

    test("put each tier's subnets in the named zones, in order", () => {
      for (const tier of ['public', 'private', 'isolated']) {
        pinned.forEach((zone, i) => {
          const subnet = resource(json, 'aws_subnet', `${tier}-subnet-${i}`);
          expect(subnet.availability_zone).toBe(zone);
          expect(subnet.tags.Name).toBe(`healthcare-vpc-test-${tier}-${zone}`);
        });
      }
      expect(json.output.azs.value).toEqual(pinned);
    });

    test('stop the plan when the account has no such zone in the region, naming the missing ones', () => {
      const zones =
        json.data.aws_availability_zones[
          logicalId(json.data.aws_availability_zones, 'availability-zones')
        ];
      const region = `\${data.aws_region.${logicalId(json.data.aws_region, 'region')}.name}`;
      const list = '["eu-west-1c", "eu-west-1a", "eu-west-1b"]';
      expect(zones.lifecycle.postcondition).toEqual([
        {
          condition: `\${alltrue([for z in ${list} : contains(self.names, z)])}`,
          error_message:
            `AVAILABILITY_ZONES names \${join(", ", [for z in ${list} : z if !contains(self.names, z)])}, which this account does not have in ${region} (its zones: \${join(", ", self.names)})\n` +
            `fix: list zones of ${region} from that list in AVAILABILITY_ZONES, or unset it to use the region's first AZ_COUNT zones`,
        },
      ]);
      expect(zones.filter).toEqual([{ name: 'opt-in-status', values: ['opt-in-not-required'] }]);
    });

    test('throw when the zones are not one per AZ, or repeat one', () => {
      expect(() => synth({ availabilityZones: ['eu-west-1a', 'eu-west-1b'] })).toThrow(
        'availabilityZones = ["eu-west-1a","eu-west-1b"]: must name exactly one zone per AZ (azCount = 3), got 2',
      );
      expect(() =>
        synth({ availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1a'] }),
      ).toThrow('each zone may be named once');
    });
  });

  describe('validation', () => {
    test.each([1, 0, 2.5])('throws when azCount is %p (must be a whole number ≥ 2)', (azCount) => {
      const cidrs = Array(Math.max(0, Math.floor(azCount))).fill('10.0.0.0/24');
      expect(() =>
        synth({
          azCount,
          publicSubnetCidrs: cidrs,
          privateSubnetCidrs: cidrs,
          isolatedSubnetCidrs: cidrs,
        }),
      ).toThrow(`azCount = ${azCount}: must be a whole number of at least 2`);
    });

    test.each(['publicSubnetCidrs', 'privateSubnetCidrs', 'isolatedSubnetCidrs'] as const)(
      'throws when %s does not list one CIDR per AZ',
      (prop) => {
        expect(() => synth({ [prop]: ['10.0.200.0/24', '10.0.201.0/24'] })).toThrow(
          `${prop} = ["10.0.200.0/24","10.0.201.0/24"]: must list exactly one CIDR per AZ (azCount = 3), got 2`,
        );
      },
    );

    test('reports every broken rule at once, before creating anything', () => {
      expect(() => synth({ azCount: 1, isolatedSubnetCidrs: [] })).toThrow(
        /^Invalid Network props:\n {2}- azCount = 1: .*\n {2}- publicSubnetCidrs = .*\n {2}- privateSubnetCidrs = .*\n {2}- isolatedSubnetCidrs = \[\]: .*got 0$/,
      );
    });
  });
});

function only(block: Block | undefined): Block {
  const values = Object.values(block ?? {});
  expect(values).toHaveLength(1);
  return values[0];
}
