import {
  DescribeAddressesCommand,
  DescribeFlowLogsCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockAws } from '../../support/aws-mock';
import {
  egressRuleFinder,
  eipFinder,
  flowLogFinder,
  ingressRuleFinder,
  internetGatewayFinder,
  natGatewayFinder,
  routeFinder,
  routeTableAssociationFinder,
  routeTableFinder,
  securityGroupFinder,
  subnetFinder,
  vpcEndpointFinder,
  vpcFinder,
} from '../../../tools/recover/network-finders';
import { adoptWith, context, ec2Tags, planned } from './fixtures';

const ec2 = mockAws(EC2Client);
const clients = { ec2: new EC2Client({ region: 'eu-west-1' }) };
beforeEach(() => ec2.reset());

const STACK_FILTERS = [
  { Name: 'tag:Project', Values: ['healthcare-platform'] },
  { Name: 'tag:Environment', Values: ['dev'] },
];

describe('aws_vpc: listed by the stack tags, matched by Name', () => {
  test('the orphan VPC is adopted; the call filters on the stack tags; pages are followed', async () => {
    ec2
      .on(DescribeVpcsCommand)
      .resolvesOnce({
        Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.40.0.0/16', Tags: ec2Tags('healthcare-vpc-dev') }],
        NextToken: 't2',
      })
      .resolvesOnce({ Vpcs: [{ VpcId: 'vpc-2', CidrBlock: '10.9.0.0/16', Tags: ec2Tags() }] });
    const vpc = planned('aws_vpc.network_vpc_4E8F0223', { tags: { Name: 'healthcare-vpc-dev' } });
    const { found, blocks } = await adoptWith(clients, vpcFinder, [vpc]);
    expect(blocks).toEqual([{ to: 'aws_vpc.network_vpc_4E8F0223', id: 'vpc-1' }]);
    expect(found[1]).toMatchObject({
      key: '',
      label: 'vpc-2 (no Name, 10.9.0.0/16)',
      deleteCommand: 'aws ec2 delete-vpc --region eu-west-1 --vpc-id vpc-2',
    });
    expect(ec2.commandCalls(DescribeVpcsCommand)[0].args[0].input).toEqual({
      Filters: STACK_FILTERS,
      NextToken: undefined,
    });
    expect(ec2.commandCalls(DescribeVpcsCommand)[1].args[0].input.NextToken).toBe('t2');
  });

  test('a VPC whose Name is only in tags_all still has a key; no Name at all has none', () => {
    expect(vpcFinder.plannedKey(planned('aws_vpc.a', { tags_all: { Name: 'n' } }))).toBe('n');
    expect(vpcFinder.plannedKey(planned('aws_vpc.a', { tags: null }))).toBeUndefined();
  });
});

describe('VPC children: matched within the VPC the plan knows', () => {
  test('aws_subnet: VPC, Name and CIDR; waits while the VPC id is unknown', async () => {
    ec2.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        {
          SubnetId: 'subnet-a',
          SubnetArn: 'arn:subnet-a',
          VpcId: 'vpc-1',
          CidrBlock: '10.40.128.0/24',
          Tags: ec2Tags('healthcare-vpc-dev-isolated-eu-west-1a'),
        },
        {
          SubnetId: 'subnet-b',
          VpcId: 'vpc-9',
          CidrBlock: '10.40.128.0/24',
          Tags: ec2Tags('healthcare-vpc-dev-isolated-eu-west-1a'),
        },
      ],
    });
    const subnet = planned('aws_subnet.isolated_0', {
      vpc_id: 'vpc-1',
      cidr_block: '10.40.128.0/24',
      tags: { Name: 'healthcare-vpc-dev-isolated-eu-west-1a' },
    });
    const { found, blocks } = await adoptWith(clients, subnetFinder, [subnet]);
    expect(blocks).toEqual([{ to: 'aws_subnet.isolated_0', id: 'subnet-a' }]);
    expect(found[0].ids).toEqual(['subnet-a', 'arn:subnet-a']);
    expect(found[1].ids).toEqual(['subnet-b']);
    expect(
      subnetFinder.plannedKey(
        planned(
          'aws_subnet.x',
          { cidr_block: '10.40.128.0/24', tags: { Name: 'n' } },
          { vpc_id: true },
        ),
      ),
    ).toBeUndefined();
  });

  test('aws_route_table, aws_internet_gateway, aws_vpc_endpoint, aws_flow_log: VPC and Name', async () => {
    ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-1',
          VpcId: 'vpc-1',
          Tags: ec2Tags('healthcare-vpc-dev-public'),
          Associations: [
            { Main: false, SubnetId: 'subnet-a', RouteTableAssociationId: 'rtbassoc-a' },
            { Main: true, RouteTableAssociationId: 'rtbassoc-main' },
            { Main: false, SubnetId: 'subnet-b' },
          ],
        },
      ],
    });
    ec2.on(DescribeInternetGatewaysCommand).resolves({
      InternetGateways: [
        {
          InternetGatewayId: 'igw-1',
          Attachments: [{ VpcId: 'vpc-1' }],
          Tags: ec2Tags('healthcare-vpc-dev'),
        },
        { InternetGatewayId: 'igw-2', Tags: ec2Tags('healthcare-vpc-dev') },
      ],
    });
    ec2.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [
        {
          VpcEndpointId: 'vpce-1',
          VpcId: 'vpc-1',
          State: 'Available',
          ServiceName: 'com.amazonaws.eu-west-1.kms',
          Tags: ec2Tags('healthcare-vpc-dev-kms'),
        },
        {
          VpcEndpointId: 'vpce-2',
          VpcId: 'vpc-1',
          State: 'Deleted',
          Tags: ec2Tags('healthcare-vpc-dev-kms'),
        },
      ],
    });
    ec2.on(DescribeFlowLogsCommand).resolves({
      FlowLogs: [
        { FlowLogId: 'fl-1', ResourceId: 'vpc-1', Tags: ec2Tags('healthcare-vpc-dev-flow-log') },
      ],
    });
    const inVpc = (address: string, name: string) =>
      planned(address, { vpc_id: 'vpc-1', tags: { Name: name } });
    expect(
      (
        await adoptWith(clients, routeTableFinder, [
          inVpc('aws_route_table.public', 'healthcare-vpc-dev-public'),
        ])
      ).blocks,
    ).toEqual([{ to: 'aws_route_table.public', id: 'rtb-1' }]);
    expect((await routeTableFinder.find(context(clients), []))[0].deleteCommand).toBe(
      'aws ec2 disassociate-route-table --region eu-west-1 --association-id rtbassoc-a && aws ec2 delete-route-table --region eu-west-1 --route-table-id rtb-1',
    );
    const igw = await adoptWith(clients, internetGatewayFinder, [
      inVpc('aws_internet_gateway.igw', 'healthcare-vpc-dev'),
    ]);
    expect(igw.blocks).toEqual([{ to: 'aws_internet_gateway.igw', id: 'igw-1' }]);
    expect(igw.found.map((f) => f.deleteCommand)).toEqual([
      'aws ec2 detach-internet-gateway --region eu-west-1 --internet-gateway-id igw-1 --vpc-id vpc-1 && aws ec2 delete-internet-gateway --region eu-west-1 --internet-gateway-id igw-1',
      'aws ec2 delete-internet-gateway --region eu-west-1 --internet-gateway-id igw-2',
    ]);
    expect(igw.found[1].label).toBe('igw-2 (healthcare-vpc-dev, not attached)');
    const endpoints = await adoptWith(clients, vpcEndpointFinder, [
      inVpc('aws_vpc_endpoint.kms', 'healthcare-vpc-dev-kms'),
    ]);
    expect(endpoints.blocks).toEqual([{ to: 'aws_vpc_endpoint.kms', id: 'vpce-1' }]);
    expect(endpoints.found).toHaveLength(1);
    expect(
      (
        await adoptWith(clients, flowLogFinder, [
          inVpc('aws_flow_log.vpc', 'healthcare-vpc-dev-flow-log'),
        ])
      ).blocks,
    ).toEqual([{ to: 'aws_flow_log.vpc', id: 'fl-1' }]);
    expect(ec2.commandCalls(DescribeFlowLogsCommand)[0].args[0].input.Filter).toEqual(
      STACK_FILTERS,
    );
  });

  test('aws_nat_gateway: subnet and Name; deleted, deleting and failed gateways are not orphans', async () => {
    ec2.on(DescribeNatGatewaysCommand).resolves({
      NatGateways: [
        {
          NatGatewayId: 'nat-1',
          SubnetId: 'subnet-p',
          State: 'available',
          Tags: ec2Tags('healthcare-vpc-dev-nat-eu-west-1a'),
        },
        {
          NatGatewayId: 'nat-2',
          SubnetId: 'subnet-p',
          State: 'failed',
          Tags: ec2Tags('healthcare-vpc-dev-nat-eu-west-1a'),
        },
        {
          NatGatewayId: 'nat-3',
          SubnetId: 'subnet-p',
          State: 'deleted',
          Tags: ec2Tags('healthcare-vpc-dev-nat-eu-west-1a'),
        },
      ],
    });
    const nat = planned('aws_nat_gateway.nat_0', {
      subnet_id: 'subnet-p',
      tags: { Name: 'healthcare-vpc-dev-nat-eu-west-1a' },
    });
    const { found, blocks } = await adoptWith(clients, natGatewayFinder, [nat]);
    expect(blocks).toEqual([{ to: 'aws_nat_gateway.nat_0', id: 'nat-1' }]);
    expect(found.map((f) => f.importId)).toEqual(['nat-1']);
    expect(found[0].deleteCommand).toBe(
      'aws ec2 delete-nat-gateway --region eu-west-1 --nat-gateway-id nat-1',
    );
  });

  test('aws_eip: Name; the allocation id is imported', async () => {
    ec2.on(DescribeAddressesCommand).resolves({
      Addresses: [
        {
          AllocationId: 'eipalloc-1',
          PublicIp: '1.2.3.4',
          Tags: ec2Tags('healthcare-vpc-dev-nat-eu-west-1a'),
        },
      ],
    });
    const { found, blocks } = await adoptWith(clients, eipFinder, [
      planned('aws_eip.nat_0', { tags: { Name: 'healthcare-vpc-dev-nat-eu-west-1a' } }),
    ]);
    expect(blocks).toEqual([{ to: 'aws_eip.nat_0', id: 'eipalloc-1' }]);
    expect(found[0].deleteCommand).toBe(
      'aws ec2 release-address --region eu-west-1 --allocation-id eipalloc-1',
    );
  });

  test('aws_security_group: VPC and group name; the VPC default group is never an orphan', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          GroupId: 'sg-db',
          GroupName: 'healthcare-db-dev',
          VpcId: 'vpc-1',
          SecurityGroupArn: 'arn:sg-db',
        },
        { GroupId: 'sg-def', GroupName: 'default', VpcId: 'vpc-1' },
      ],
    });
    const sg = planned('aws_security_group.db', { vpc_id: 'vpc-1', name: 'healthcare-db-dev' });
    const { found, blocks } = await adoptWith(clients, securityGroupFinder, [sg]);
    expect(blocks).toEqual([{ to: 'aws_security_group.db', id: 'sg-db' }]);
    expect(found.map((f) => f.importId)).toEqual(['sg-db']);
    expect(found[0].ids).toEqual(['sg-db', 'arn:sg-db']);
  });
});

describe('children without tags: looked up under the parents the plan knows', () => {
  const tables = {
    RouteTables: [
      {
        RouteTableId: 'rtb-p0',
        VpcId: 'vpc-1',
        Routes: [
          { DestinationCidrBlock: '10.40.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable' },
          { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', Origin: 'CreateRoute' },
        ],
        Associations: [
          { Main: false, SubnetId: 'subnet-p0', RouteTableAssociationId: 'rtbassoc-1' },
          { Main: true, RouteTableAssociationId: 'rtbassoc-main' },
        ],
      },
    ],
  };

  test("aws_route: ROUTETABLEID_DESTINATION, the table's local route never matches", async () => {
    ec2.on(DescribeRouteTablesCommand).resolves(tables as never);
    const route = planned('aws_route.private_default_0', {
      route_table_id: 'rtb-p0',
      destination_cidr_block: '0.0.0.0/0',
    });
    const { found, blocks } = await adoptWith(clients, routeFinder, [route]);
    expect(blocks).toEqual([{ to: 'aws_route.private_default_0', id: 'rtb-p0_0.0.0.0/0' }]);
    expect(found).toHaveLength(1);
    expect(ec2.commandCalls(DescribeRouteTablesCommand)[0].args[0].input).toEqual({
      RouteTableIds: ['rtb-p0'],
      NextToken: undefined,
    });
    expect(found[0].deleteCommand).toBe(
      'aws ec2 delete-route --region eu-west-1 --route-table-id rtb-p0 --destination-cidr-block 0.0.0.0/0',
    );
  });

  test('aws_route waits while its route table is planned (id unknown): no call at all', async () => {
    const route = planned(
      'aws_route.r',
      { destination_cidr_block: '0.0.0.0/0' },
      { route_table_id: true },
    );
    expect(routeFinder.plannedKey(route)).toBeUndefined();
    expect(await routeFinder.find(context(clients), [])).toEqual([]);
    expect(await routeTableAssociationFinder.find(context(clients), [])).toEqual([]);
    expect(ec2.commandCalls(DescribeRouteTablesCommand)).toHaveLength(0);
  });

  test('aws_route_table_association: SUBNETID/ROUTETABLEID; the main association is not one', async () => {
    ec2.on(DescribeRouteTablesCommand).resolves(tables as never);
    const assoc = planned('aws_route_table_association.private_0', {
      subnet_id: 'subnet-p0',
      route_table_id: 'rtb-p0',
    });
    const { found, blocks } = await adoptWith(clients, routeTableAssociationFinder, [assoc]);
    expect(blocks).toEqual([
      { to: 'aws_route_table_association.private_0', id: 'subnet-p0/rtb-p0' },
    ]);
    expect(found.map((f) => f.ids)).toEqual([['rtbassoc-1']]);
  });

  test('security group rules: the sgr id from DescribeSecurityGroupRules, ingress and egress apart', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-in',
          GroupId: 'sg-db',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 5432,
          ToPort: 5432,
          ReferencedGroupInfo: { GroupId: 'sg-app' },
        },
        {
          SecurityGroupRuleId: 'sgr-out',
          GroupId: 'sg-app',
          IsEgress: true,
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          CidrIpv4: '0.0.0.0/0',
        },
        {
          SecurityGroupRuleId: 'sgr-all',
          GroupId: 'sg-app',
          IsEgress: true,
          IpProtocol: '-1',
          FromPort: -1,
          ToPort: -1,
          CidrIpv4: '0.0.0.0/0',
        },
      ],
    });
    const ingress = planned('aws_vpc_security_group_ingress_rule.db_from_app', {
      security_group_id: 'sg-db',
      ip_protocol: 'tcp',
      from_port: 5432,
      to_port: 5432,
      referenced_security_group_id: 'sg-app',
      cidr_ipv4: null,
      cidr_ipv6: null,
      prefix_list_id: null,
    });
    const egress = planned('aws_vpc_security_group_egress_rule.app_https', {
      security_group_id: 'sg-app',
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
      cidr_ipv4: '0.0.0.0/0',
      referenced_security_group_id: null,
      cidr_ipv6: null,
      prefix_list_id: null,
    });
    const allTraffic = planned('aws_vpc_security_group_egress_rule.all', {
      security_group_id: 'sg-app',
      ip_protocol: '-1',
      from_port: null,
      to_port: null,
      cidr_ipv4: '0.0.0.0/0',
    });
    expect((await adoptWith(clients, ingressRuleFinder, [ingress])).blocks).toEqual([
      { to: 'aws_vpc_security_group_ingress_rule.db_from_app', id: 'sgr-in' },
    ]);
    const out = await adoptWith(clients, egressRuleFinder, [egress, allTraffic]);
    expect(out.blocks).toEqual([
      { to: 'aws_vpc_security_group_egress_rule.all', id: 'sgr-all' },
      { to: 'aws_vpc_security_group_egress_rule.app_https', id: 'sgr-out' },
    ]);
    expect(out.found[0].deleteCommand).toBe(
      'aws ec2 revoke-security-group-egress --region eu-west-1 --group-id sg-app --security-group-rule-ids sgr-out',
    );
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)[1].args[0].input.Filters).toEqual([
      { Name: 'group-id', Values: ['sg-app'] },
    ]);
  });

  test('a rule waits while its group or its peer is unknown', async () => {
    const rule = { security_group_id: 'sg-db', ip_protocol: 'tcp', from_port: 5432, to_port: 5432 };
    expect(
      ingressRuleFinder.plannedKey(
        planned('aws_vpc_security_group_ingress_rule.r', rule, {
          referenced_security_group_id: true,
        }),
      ),
    ).toBeUndefined();
    expect(
      ingressRuleFinder.plannedKey(
        planned(
          'aws_vpc_security_group_ingress_rule.r',
          { ...rule, security_group_id: undefined },
          { security_group_id: true },
        ),
      ),
    ).toBeUndefined();
    expect(await ingressRuleFinder.find(context(clients), [])).toEqual([]);
  });
});

describe('AWS answers with only the required fields', () => {
  test('no Name tags, no ARNs, no states: keys and labels still hold, nothing is invented', async () => {
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }] });
    ec2
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24' }] });
    ec2
      .on(DescribeRouteTablesCommand)
      .resolves({ RouteTables: [{ RouteTableId: 'rtb-1', VpcId: 'vpc-1' }] });
    ec2
      .on(DescribeNatGatewaysCommand)
      .resolves({ NatGateways: [{ NatGatewayId: 'nat-1', SubnetId: 'subnet-1' }] });
    ec2.on(DescribeAddressesCommand).resolves({ Addresses: [{ AllocationId: 'eipalloc-1' }] });
    ec2
      .on(DescribeVpcEndpointsCommand)
      .resolves({ VpcEndpoints: [{ VpcEndpointId: 'vpce-1', VpcId: 'vpc-1' }] });
    ec2
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'g', VpcId: 'vpc-1' }] });
    ec2
      .on(DescribeFlowLogsCommand)
      .resolves({ FlowLogs: [{ FlowLogId: 'fl-1', ResourceId: 'vpc-1' }] });
    ec2.on(DescribeInternetGatewaysCommand).resolves({
      InternetGateways: [{ InternetGatewayId: 'igw-1', Attachments: [{ VpcId: 'vpc-1' }] }],
    });
    const labels = async (finder: typeof vpcFinder) =>
      (await finder.find(context(clients), [])).map((e) => [e.key, e.label]);
    expect(await labels(vpcFinder)).toEqual([['', 'vpc-1 (no Name, 10.0.0.0/16)']]);
    expect(await labels(subnetFinder)).toEqual([
      ['vpc-1||10.0.1.0/24', 'subnet-1 (no Name, 10.0.1.0/24, vpc-1)'],
    ]);
    expect(await labels(routeTableFinder)).toEqual([['vpc-1|', 'rtb-1 (no Name, vpc-1)']]);
    expect(await labels(natGatewayFinder)).toEqual([['subnet-1|', 'nat-1 (no Name, subnet-1)']]);
    expect(await labels(eipFinder)).toEqual([['', 'eipalloc-1 (no Name, no address)']]);
    expect(await labels(vpcEndpointFinder)).toEqual([['vpc-1|', 'vpce-1 (no Name, no service)']]);
    expect(await labels(flowLogFinder)).toEqual([['vpc-1|', 'fl-1 (no Name, vpc-1)']]);
    expect(await labels(internetGatewayFinder)).toEqual([['vpc-1|', 'igw-1 (no Name, vpc-1)']]);
    ec2.on(DescribeAddressesCommand).resolves({});
    expect(await labels(eipFinder)).toEqual([]);
    expect((await securityGroupFinder.find(context(clients), []))[0].ids).toEqual(['sg-1']);
  });

  test('route tables without routes or associations, IPv6 routes, gateway associations, rules without ports', async () => {
    ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        { RouteTableId: 'rtb-1' },
        {
          RouteTableId: 'rtb-2',
          Routes: [{ DestinationIpv6CidrBlock: '::/0', Origin: 'CreateRoute' }],
          Associations: [
            { Main: false, GatewayId: 'igw-1' },
            { Main: false, SubnetId: 'subnet-1' },
          ],
        },
      ],
    } as never);
    const route = planned('aws_route.r', {
      route_table_id: 'rtb-2',
      destination_cidr_block: '0.0.0.0/0',
    });
    expect(await routeFinder.find(context(clients), [route])).toEqual([]);
    const assoc = planned('aws_route_table_association.a', {
      route_table_id: 'rtb-2',
      subnet_id: 'subnet-1',
    });
    expect(
      (await routeTableAssociationFinder.find(context(clients), [assoc])).map((e) => [
        e.importId,
        e.ids,
      ]),
    ).toEqual([['subnet-1/rtb-2', []]]);
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        { SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IsEgress: false, IpProtocol: '-1' },
      ],
    });
    const rule = planned('aws_vpc_security_group_ingress_rule.all', {
      security_group_id: 'sg-1',
      ip_protocol: '-1',
    });
    expect((await ingressRuleFinder.find(context(clients), [rule])).map((e) => e.key)).toEqual([
      'sg-1|-1|-1|-1||||',
    ]);
    expect(ingressRuleFinder.plannedKey(rule)).toBe('sg-1|-1|-1|-1||||');
    expect(
      ingressRuleFinder.plannedKey(planned('aws_vpc_security_group_ingress_rule.x', {})),
    ).toBeUndefined();
  });
});
