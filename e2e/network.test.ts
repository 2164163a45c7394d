import {
  DescribeAddressesCommand,
  DescribeFlowLogsCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  EC2Client,
  Subnet,
} from '@aws-sdk/client-ec2';
import { clientConfig, deployedConfig, describePlatform, list, str } from './support';

describePlatform('network', (outputs) => {
  const ec2 = new EC2Client(clientConfig());
  const config = deployedConfig();
  const vpcId = str(outputs, 'vpc_id');
  const tiers = {
    public: { ids: list(outputs, 'public_subnet_ids'), cidrs: config.network.publicSubnetCidrs },
    private: { ids: list(outputs, 'private_subnet_ids'), cidrs: config.network.privateSubnetCidrs },
    isolated: {
      ids: list(outputs, 'isolated_subnet_ids'),
      cidrs: config.network.isolatedSubnetCidrs,
    },
  };
  const subnets = async (ids: string[]): Promise<Subnet[]> =>
    (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: ids }))).Subnets ?? [];

  it('is the configured VPC, with DNS support and DNS host names on', async () => {
    const vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0];
    expect(vpc?.CidrBlock).toBe(config.network.vpcCidr);
    // Not part of DescribeVpcs: one DescribeVpcAttribute call per attribute.
    const support = await ec2.send(
      new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' }),
    );
    const hostnames = await ec2.send(
      new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }),
    );
    expect(support.EnableDnsSupport?.Value).toBe(true);
    expect(hostnames.EnableDnsHostnames?.Value).toBe(true);
  });

  it.each(Object.keys(tiers) as Array<keyof typeof tiers>)(
    'has one %s subnet per AZ with the configured CIDRs and no public IPs on launch',
    async (tier) => {
      const { ids, cidrs } = tiers[tier];
      expect(ids).toHaveLength(config.network.azCount);
      const found = await subnets(ids);
      expect(found).toHaveLength(config.network.azCount);
      expect(new Set(found.map((s) => s.AvailabilityZone)).size).toBe(config.network.azCount);
      expect(found.map((s) => s.CidrBlock).sort()).toEqual([...cidrs].sort());
      for (const subnet of found) {
        expect(subnet.VpcId).toBe(vpcId);
        expect(subnet.MapPublicIpOnLaunch).toBe(false);
      }
    },
  );

  it('spreads the three tiers over the same AZs', async () => {
    const azs = async (ids: string[]) => (await subnets(ids)).map((s) => s.AvailabilityZone).sort();
    const publicAzs = await azs(tiers.public.ids);
    expect(await azs(tiers.private.ids)).toEqual(publicAzs);
    expect(await azs(tiers.isolated.ids)).toEqual(publicAzs);
  });

  it('routes public subnets to the internet gateway, private ones to a NAT gateway, isolated ones nowhere', async () => {
    const tables =
      (
        await ec2.send(
          new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
        )
      ).RouteTables ?? [];
    const defaultRoute = (subnetId: string) => {
      const table = tables.find((t) => t.Associations?.some((a) => a.SubnetId === subnetId));
      expect(table).toBeDefined();
      return table!.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0');
    };
    for (const id of tiers.public.ids) expect(defaultRoute(id)?.GatewayId).toMatch(/^igw-/);
    for (const id of tiers.private.ids) expect(defaultRoute(id)?.NatGatewayId).toMatch(/^nat-/);
    for (const id of tiers.isolated.ids) expect(defaultRoute(id)).toBeUndefined();
  });

  it('has the configured NAT gateways in public subnets, each with a VPC Elastic IP', async () => {
    const nats = (
      (
        await ec2.send(
          new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }),
        )
      ).NatGateways ?? []
    ).filter((n) => n.State === 'available' || n.State === 'pending');
    expect(nats).toHaveLength(config.network.natGateways === 'single' ? 1 : config.network.azCount);
    const allocationIds = nats
      .map((n) => n.NatGatewayAddresses?.[0]?.AllocationId)
      .filter((a): a is string => !!a);
    expect(allocationIds).toHaveLength(nats.length);
    for (const nat of nats) expect(tiers.public.ids).toContain(nat.SubnetId);
    const addresses =
      (await ec2.send(new DescribeAddressesCommand({ AllocationIds: allocationIds }))).Addresses ??
      [];
    expect(addresses).toHaveLength(nats.length);
    for (const address of addresses) expect(address.Domain).toBe('vpc');
  });

  it('closes the default security group: no ingress, no egress rules', async () => {
    const groups =
      (
        await ec2.send(
          new DescribeSecurityGroupsCommand({
            Filters: [
              { Name: 'vpc-id', Values: [vpcId] },
              { Name: 'group-name', Values: ['default'] },
            ],
          }),
        )
      ).SecurityGroups ?? [];
    expect(groups).toHaveLength(1);
    expect(groups[0].IpPermissions ?? []).toEqual([]);
    expect(groups[0].IpPermissionsEgress ?? []).toEqual([]);
  });

  it('logs ALL VPC traffic with a flow log to CloudWatch Logs', async () => {
    const logs =
      (
        await ec2.send(
          new DescribeFlowLogsCommand({ Filter: [{ Name: 'resource-id', Values: [vpcId] }] }),
        )
      ).FlowLogs ?? [];
    expect(logs).toHaveLength(1);
    expect(logs[0].TrafficType).toBe('ALL');
    expect(logs[0].LogDestinationType).toBe('cloud-watch-logs');
    expect(logs[0].LogGroupName ?? logs[0].LogDestination).toContain(config.names.flowLogGroup);
    expect(logs[0].FlowLogStatus).toBe('ACTIVE');
  });
});
