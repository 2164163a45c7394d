/**
 * The network's finders. Every EC2 resource of the stack carries the stack's tags from the
 * moment it is created (the provider sends them with the create call), so each type is
 * listed by tags and matched by its Name tag within its parent: a subnet only matches a
 * planned subnet of the same VPC, which the plan knows once the VPC is adopted (next round).
 * Routes and route table associations carry no tags: they are looked up under the route
 * tables the plan knows. Import formats: website/docs/r/<type>.html.markdown, "Import".
 */
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
  RouteTable,
} from '@aws-sdk/client-ec2';
import {
  allPages,
  cli,
  Existing,
  Finder,
  FinderContext,
  stackTagFilters,
  TagList,
  tagValue,
  present,
} from './finder';
import { knownString, plannedValue, PlannedCreate } from './plan-facts';

const name = (c: PlannedCreate) =>
  knownString(c, 'tags', 'Name') ?? knownString(c, 'tags_all', 'Name');

/** Joins key parts; undefined when one is not known. */
function key(...parts: readonly (string | undefined)[]): string | undefined {
  return parts.every((p) => p !== undefined) ? parts.join('|') : undefined;
}

const ec2 = (region: string, command: string, args: string) => cli(region, 'ec2', command, args);

/** A tag-listed EC2 type: `list` returns the stack's resources of the type. */
function tagged(
  type: string,
  importFormat: string,
  plannedKey: (c: PlannedCreate) => string | undefined,
  list: (ctx: FinderContext) => Promise<Existing[]>,
): Finder {
  return { type, importFormat, listing: 'tags', plannedKey, find: (ctx) => list(ctx) };
}

export const vpcFinder = tagged(
  'aws_vpc',
  'VPC id (vpc-…)',
  (c) => key(name(c)),
  async (ctx) => {
    const vpcs = await allPages(async (NextToken) => {
      const r = await ctx.clients.ec2.send(
        new DescribeVpcsCommand({ Filters: stackTagFilters(ctx.stackTags), NextToken }),
      );
      return { items: r.Vpcs, next: r.NextToken };
    });
    return vpcs.map((v) => ({
      type: 'aws_vpc',
      region: ctx.region,
      importId: v.VpcId!,
      key: tagValue(v.Tags, 'Name') ?? '',
      ids: [v.VpcId!],
      label: `${v.VpcId} (${tagValue(v.Tags, 'Name') ?? 'no Name'}, ${v.CidrBlock})`,
      deleteCommand: ec2(ctx.region, 'delete-vpc', `--vpc-id ${v.VpcId}`),
    }));
  },
);

export const subnetFinder = tagged(
  'aws_subnet',
  'subnet id (subnet-…)',
  (c) => key(knownString(c, 'vpc_id'), name(c), knownString(c, 'cidr_block')),
  async (ctx) => {
    const subnets = await allPages(async (NextToken) => {
      const r = await ctx.clients.ec2.send(
        new DescribeSubnetsCommand({ Filters: stackTagFilters(ctx.stackTags), NextToken }),
      );
      return { items: r.Subnets, next: r.NextToken };
    });
    return subnets.map((s) => ({
      type: 'aws_subnet',
      region: ctx.region,
      importId: s.SubnetId!,
      key: `${s.VpcId}|${tagValue(s.Tags, 'Name') ?? ''}|${s.CidrBlock}`,
      ids: present(s.SubnetId!, s.SubnetArn),
      label: `${s.SubnetId} (${tagValue(s.Tags, 'Name') ?? 'no Name'}, ${s.CidrBlock}, ${s.VpcId})`,
      deleteCommand: ec2(ctx.region, 'delete-subnet', `--subnet-id ${s.SubnetId}`),
    }));
  },
);

async function routeTables(ctx: FinderContext, ids?: readonly string[]): Promise<RouteTable[]> {
  return allPages(async (NextToken) => {
    const r = await ctx.clients.ec2.send(
      new DescribeRouteTablesCommand(
        ids
          ? { RouteTableIds: [...ids], NextToken }
          : { Filters: stackTagFilters(ctx.stackTags), NextToken },
      ),
    );
    return { items: r.RouteTables, next: r.NextToken };
  });
}

export const routeTableFinder = tagged(
  'aws_route_table',
  'route table id (rtb-…)',
  (c) => key(knownString(c, 'vpc_id'), name(c)),
  async (ctx) =>
    (await routeTables(ctx)).map((t) => ({
      type: 'aws_route_table',
      region: ctx.region,
      importId: t.RouteTableId!,
      key: `${t.VpcId}|${tagValue(t.Tags, 'Name') ?? ''}`,
      ids: [t.RouteTableId!],
      label: `${t.RouteTableId} (${tagValue(t.Tags, 'Name') ?? 'no Name'}, ${t.VpcId})`,
      // A route table is deleted only once no subnet is associated with it.
      deleteCommand: [
        ...(t.Associations ?? [])
          .filter((a) => !a.Main && a.RouteTableAssociationId)
          .map((a) =>
            ec2(
              ctx.region,
              'disassociate-route-table',
              `--association-id ${a.RouteTableAssociationId}`,
            ),
          ),
        ec2(ctx.region, 'delete-route-table', `--route-table-id ${t.RouteTableId}`),
      ].join(' && '),
    })),
);

export const internetGatewayFinder = tagged(
  'aws_internet_gateway',
  'internet gateway id (igw-…)',
  (c) => key(knownString(c, 'vpc_id'), name(c)),
  async (ctx) => {
    const gateways = await allPages(async (NextToken) => {
      const r = await ctx.clients.ec2.send(
        new DescribeInternetGatewaysCommand({ Filters: stackTagFilters(ctx.stackTags), NextToken }),
      );
      return { items: r.InternetGateways, next: r.NextToken };
    });
    return gateways.map((g) => {
      const vpc = g.Attachments?.[0]?.VpcId ?? '';
      const id = g.InternetGatewayId!;
      const detach = vpc
        ? `${ec2(ctx.region, 'detach-internet-gateway', `--internet-gateway-id ${id} --vpc-id ${vpc}`)} && `
        : '';
      return {
        type: 'aws_internet_gateway',
        region: ctx.region,
        importId: id,
        key: `${vpc}|${tagValue(g.Tags, 'Name') ?? ''}`,
        ids: [id],
        label: `${id} (${tagValue(g.Tags, 'Name') ?? 'no Name'}, ${vpc || 'not attached'})`,
        deleteCommand: `${detach}${ec2(ctx.region, 'delete-internet-gateway', `--internet-gateway-id ${id}`)}`,
      };
    });
  },
);

const GONE_NAT = new Set(['deleted', 'deleting', 'failed']);

export const natGatewayFinder = tagged(
  'aws_nat_gateway',
  'NAT gateway id (nat-…)',
  (c) => key(knownString(c, 'subnet_id'), name(c)),
  async (ctx) => {
    const gateways = await allPages(async (NextToken) => {
      const r = await ctx.clients.ec2.send(
        new DescribeNatGatewaysCommand({ Filter: stackTagFilters(ctx.stackTags), NextToken }),
      );
      return { items: r.NatGateways, next: r.NextToken };
    });
    return gateways
      .filter((n) => !GONE_NAT.has(n.State ?? ''))
      .map((n) => ({
        type: 'aws_nat_gateway',
        region: ctx.region,
        importId: n.NatGatewayId!,
        key: `${n.SubnetId}|${tagValue(n.Tags, 'Name') ?? ''}`,
        ids: [n.NatGatewayId!],
        label: `${n.NatGatewayId} (${tagValue(n.Tags, 'Name') ?? 'no Name'}, ${n.SubnetId})`,
        deleteCommand: ec2(ctx.region, 'delete-nat-gateway', `--nat-gateway-id ${n.NatGatewayId}`),
      }));
  },
);

export const eipFinder = tagged(
  'aws_eip',
  'allocation id (eipalloc-…)',
  (c) => key(name(c)),
  async (ctx) => {
    const r = await ctx.clients.ec2.send(
      new DescribeAddressesCommand({ Filters: stackTagFilters(ctx.stackTags) }),
    );
    return (r.Addresses ?? []).map((a) => ({
      type: 'aws_eip',
      region: ctx.region,
      importId: a.AllocationId!,
      key: tagValue(a.Tags, 'Name') ?? '',
      ids: [a.AllocationId!],
      label: `${a.AllocationId} (${tagValue(a.Tags, 'Name') ?? 'no Name'}, ${a.PublicIp ?? 'no address'})`,
      deleteCommand: ec2(ctx.region, 'release-address', `--allocation-id ${a.AllocationId}`),
    }));
  },
);

const GONE_ENDPOINT = new Set(['deleted', 'deleting', 'failed', 'rejected', 'expired']);

export const vpcEndpointFinder = tagged(
  'aws_vpc_endpoint',
  'VPC endpoint id (vpce-…)',
  (c) => key(knownString(c, 'vpc_id'), name(c)),
  async (ctx) => {
    const endpoints = await allPages(async (NextToken) => {
      const r = await ctx.clients.ec2.send(
        new DescribeVpcEndpointsCommand({ Filters: stackTagFilters(ctx.stackTags), NextToken }),
      );
      return { items: r.VpcEndpoints, next: r.NextToken };
    });
    return endpoints
      .filter((e) => !GONE_ENDPOINT.has((e.State ?? '').toLowerCase()))
      .map((e) => ({
        type: 'aws_vpc_endpoint',
        region: ctx.region,
        importId: e.VpcEndpointId!,
        key: `${e.VpcId}|${tagValue(e.Tags, 'Name') ?? ''}`,
        ids: [e.VpcEndpointId!],
        label: `${e.VpcEndpointId} (${tagValue(e.Tags, 'Name') ?? 'no Name'}, ${e.ServiceName ?? 'no service'})`,
        deleteCommand: ec2(
          ctx.region,
          'delete-vpc-endpoints',
          `--vpc-endpoint-ids ${e.VpcEndpointId}`,
        ),
      }));
  },
);

export const securityGroupFinder = tagged(
  'aws_security_group',
  'security group id (sg-…)',
  // Group names are unique within a VPC.
  (c) => key(knownString(c, 'vpc_id'), knownString(c, 'name')),
  async (ctx) => {
    const groups = await allPages(async (NextToken) => {
      const r = await ctx.clients.ec2.send(
        new DescribeSecurityGroupsCommand({ Filters: stackTagFilters(ctx.stackTags), NextToken }),
      );
      return { items: r.SecurityGroups, next: r.NextToken };
    });
    // A VPC's default group carries the stack's tags too (aws_default_security_group): never an orphan.
    return groups
      .filter((g) => g.GroupName !== 'default')
      .map((g) => ({
        type: 'aws_security_group',
        region: ctx.region,
        importId: g.GroupId!,
        key: `${g.VpcId}|${g.GroupName}`,
        ids: present(g.GroupId!, g.SecurityGroupArn),
        label: `${g.GroupId} (${g.GroupName}, ${g.VpcId})`,
        deleteCommand: ec2(ctx.region, 'delete-security-group', `--group-id ${g.GroupId}`),
      }));
  },
);

export const flowLogFinder = tagged(
  'aws_flow_log',
  'flow log id (fl-…)',
  (c) => key(knownString(c, 'vpc_id'), name(c)),
  async (ctx) => {
    const logs = await allPages(async (NextToken) => {
      const r = await ctx.clients.ec2.send(
        new DescribeFlowLogsCommand({ Filter: stackTagFilters(ctx.stackTags), NextToken }),
      );
      return { items: r.FlowLogs, next: r.NextToken };
    });
    return logs.map((f) => ({
      type: 'aws_flow_log',
      region: ctx.region,
      importId: f.FlowLogId!,
      key: `${f.ResourceId}|${tagValue(f.Tags as TagList, 'Name') ?? ''}`,
      ids: [f.FlowLogId!],
      label: `${f.FlowLogId} (${tagValue(f.Tags as TagList, 'Name') ?? 'no Name'}, ${f.ResourceId})`,
      deleteCommand: ec2(ctx.region, 'delete-flow-logs', `--flow-log-ids ${f.FlowLogId}`),
    }));
  },
);

/** The route tables the planned creates name in `attribute`. */
const parentTables = (creates: readonly PlannedCreate[], attribute: string) => [
  ...new Set(creates.map((c) => knownString(c, attribute)).filter((v): v is string => !!v)),
];

export const routeFinder: Finder = {
  type: 'aws_route',
  importFormat: 'ROUTETABLEID_DESTINATION (rtb-…_0.0.0.0/0)',
  listing: 'parents',
  plannedKey: (c) =>
    key(knownString(c, 'route_table_id'), knownString(c, 'destination_cidr_block')),
  async find(ctx, creates) {
    const ids = parentTables(creates, 'route_table_id');
    if (ids.length === 0) return [];
    return (await routeTables(ctx, ids)).flatMap((t) =>
      (t.Routes ?? [])
        .filter((r) => r.Origin === 'CreateRoute' && r.DestinationCidrBlock)
        .map((r) => ({
          type: 'aws_route',
          region: ctx.region,
          importId: `${t.RouteTableId}_${r.DestinationCidrBlock}`,
          key: `${t.RouteTableId}|${r.DestinationCidrBlock}`,
          ids: [],
          label: `${r.DestinationCidrBlock} in ${t.RouteTableId}`,
          deleteCommand: ec2(
            ctx.region,
            'delete-route',
            `--route-table-id ${t.RouteTableId} --destination-cidr-block ${r.DestinationCidrBlock}`,
          ),
        })),
    );
  },
};

export const routeTableAssociationFinder: Finder = {
  type: 'aws_route_table_association',
  importFormat: 'SUBNETID/ROUTETABLEID',
  listing: 'parents',
  plannedKey: (c) => key(knownString(c, 'subnet_id'), knownString(c, 'route_table_id')),
  async find(ctx, creates) {
    const ids = parentTables(creates, 'route_table_id');
    if (ids.length === 0) return [];
    return (await routeTables(ctx, ids)).flatMap((t) =>
      (t.Associations ?? [])
        .filter((a) => !a.Main && a.SubnetId)
        .map((a) => ({
          type: 'aws_route_table_association',
          region: ctx.region,
          importId: `${a.SubnetId}/${t.RouteTableId}`,
          key: `${a.SubnetId}|${t.RouteTableId}`,
          ids: present(a.RouteTableAssociationId),
          label: `${a.SubnetId} → ${t.RouteTableId}`,
          deleteCommand: ec2(
            ctx.region,
            'disassociate-route-table',
            `--association-id ${a.RouteTableAssociationId}`,
          ),
        })),
    );
  },
};

/** A rule's key: group, protocol, ports (-1 for all) and its one peer. */
function ruleKey(parts: {
  group?: string;
  protocol?: string;
  from?: string;
  to?: string;
  cidr4?: string;
  cidr6?: string;
  peer?: string;
  prefixList?: string;
}): string | undefined {
  if (parts.group === undefined || parts.protocol === undefined) return undefined;
  return [
    parts.group,
    parts.protocol,
    parts.from ?? '-1',
    parts.to ?? '-1',
    parts.cidr4 ?? '',
    parts.cidr6 ?? '',
    parts.peer ?? '',
    parts.prefixList ?? '',
  ].join('|');
}

function securityGroupRuleFinder(type: string, egress: boolean): Finder {
  return {
    type,
    importFormat: 'security group rule id (sgr-…, from DescribeSecurityGroupRules)',
    listing: 'parents',
    plannedKey(c) {
      // Every part must be known (a peer known to be null is fine); the group must exist.
      const optional = [
        'from_port',
        'to_port',
        'cidr_ipv4',
        'cidr_ipv6',
        'referenced_security_group_id',
        'prefix_list_id',
      ];
      if (optional.some((a) => !plannedValue(c, a).known)) return undefined;
      return ruleKey({
        group: knownString(c, 'security_group_id'),
        protocol: knownString(c, 'ip_protocol'),
        from: knownString(c, 'from_port'),
        to: knownString(c, 'to_port'),
        cidr4: knownString(c, 'cidr_ipv4'),
        cidr6: knownString(c, 'cidr_ipv6'),
        peer: knownString(c, 'referenced_security_group_id'),
        prefixList: knownString(c, 'prefix_list_id'),
      });
    },
    async find(ctx, creates) {
      const groups = parentTables(creates, 'security_group_id');
      if (groups.length === 0) return [];
      const rules = await allPages(async (NextToken) => {
        const r = await ctx.clients.ec2.send(
          new DescribeSecurityGroupRulesCommand({
            Filters: [{ Name: 'group-id', Values: groups }],
            NextToken,
          }),
        );
        return { items: r.SecurityGroupRules, next: r.NextToken };
      });
      return rules
        .filter((r) => r.IsEgress === egress)
        .map((r) => ({
          type,
          region: ctx.region,
          importId: r.SecurityGroupRuleId!,
          key: ruleKey({
            group: r.GroupId,
            protocol: r.IpProtocol,
            from: String(r.FromPort ?? -1),
            to: String(r.ToPort ?? -1),
            cidr4: r.CidrIpv4,
            cidr6: r.CidrIpv6,
            peer: r.ReferencedGroupInfo?.GroupId,
            prefixList: r.PrefixListId,
          })!,
          ids: [r.SecurityGroupRuleId!],
          label: `${r.SecurityGroupRuleId} (${r.GroupId} ${egress ? 'egress' : 'ingress'} ${r.IpProtocol} ${r.FromPort}-${r.ToPort})`,
          deleteCommand: ec2(
            ctx.region,
            egress ? 'revoke-security-group-egress' : 'revoke-security-group-ingress',
            `--group-id ${r.GroupId} --security-group-rule-ids ${r.SecurityGroupRuleId}`,
          ),
        }));
    },
  };
}

export const ingressRuleFinder = securityGroupRuleFinder(
  'aws_vpc_security_group_ingress_rule',
  false,
);
export const egressRuleFinder = securityGroupRuleFinder('aws_vpc_security_group_egress_rule', true);

export const NETWORK_FINDERS: readonly Finder[] = [
  vpcFinder,
  subnetFinder,
  routeTableFinder,
  internetGatewayFinder,
  natGatewayFinder,
  eipFinder,
  vpcEndpointFinder,
  securityGroupFinder,
  flowLogFinder,
  routeFinder,
  routeTableAssociationFinder,
  ingressRuleFinder,
  egressRuleFinder,
];
