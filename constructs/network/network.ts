import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { NatGatewayMode } from '../../config/config';
import type { EncryptionKey } from '../encryption/encryption-key';
import { gateText, pinnedZonesMessage, tf } from '../safety-nets/gate-messages';

export interface NetworkProps {
  /** Name tag prefix, e.g. `healthcare-vpc-prod`; tiers and AZs are appended. */
  readonly name: string;
  readonly vpcCidr: string;
  readonly azCount: number;
  /**
   * Zone names for the subnets, one per AZ (length azCount), e.g. `['eu-west-1a', 'eu-west-1b']`;
   * the plan stops when the account has no such zone in the region.
   * @default - the first azCount zones the region lists, in AWS's order
   */
  readonly availabilityZones?: readonly string[];
  /** One CIDR per AZ for each tier (lengths must equal azCount). */
  readonly publicSubnetCidrs: readonly string[];
  readonly privateSubnetCidrs: readonly string[];
  readonly isolatedSubnetCidrs: readonly string[];
  /** @default 'one-per-az' */
  readonly natGateways?: NatGatewayMode;
  /** Flow logs (ALL traffic) go to this KMS-encrypted log group. */
  readonly flowLogGroupName: string;
  readonly flowLogRoleName: string;
  readonly logRetentionDays: number;
  /** Key for the flow-log group (its policy must allow CloudWatch Logs). */
  readonly logsKey: EncryptionKey;
  /**
   * Interface endpoints for the AWS APIs the application tier calls.
   * @default ['secretsmanager', 'kms', 'logs', 'sts', 'monitoring']
   */
  readonly interfaceEndpointServices?: readonly string[];
  /** Name of the endpoint security group, e.g. `healthcare-endpoints-prod`. */
  readonly endpointSecurityGroupName: string;
  /** @default `${name}-app` */
  readonly applicationSecurityGroupName?: string;
}

export const DEFAULT_INTERFACE_ENDPOINT_SERVICES: readonly string[] = [
  'secretsmanager',
  'kms',
  'logs',
  'sts',
  'monitoring',
];

/** Gateway endpoints are free and keep S3/DynamoDB traffic off the NAT. */
const GATEWAY_ENDPOINT_SERVICES = ['s3', 'dynamodb'] as const;

const ANYWHERE = '0.0.0.0/0';
const HTTPS = 443;
const POSTGRES = 5432;
const REDIS = 6379;

type Tier = 'public' | 'private' | 'isolated';

/**
 * VPC with public, private (application) and isolated (data) subnets across AZs,
 * NAT, flow logs, a closed default security group and VPC endpoints.
 */
export class Network extends Construct {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly availabilityZones: string[];
  /** The region's zones as Terraform reads them at plan (for gates on their number). */
  readonly zoneData: DataAwsAvailabilityZones;
  /** The zones were named (availabilityZones), not taken from the region's list. */
  readonly zonesPinned: boolean;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly isolatedSubnetIds: string[];
  readonly natGatewayIds: string[];
  /** The security group application workloads run in; data stores admit only it. */
  readonly applicationSecurityGroupId: string;
  readonly flowLogGroupArn: string;
  /** The security group of the interface endpoints (443 from the application tier only). */
  readonly endpointSecurityGroupId: string;
  /** Route tables of the private tier, one per AZ, and of the isolated tier. */
  readonly privateRouteTableIds: string[];
  readonly isolatedRouteTableId: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    validate(props);
    const natMode = props.natGateways ?? 'one-per-az';
    const interfaceServices =
      props.interfaceEndpointServices ?? DEFAULT_INTERFACE_ENDPOINT_SERVICES;
    const appSgName = props.applicationSecurityGroupName ?? `${props.name}-app`;
    const azIndexes = [...Array(props.azCount).keys()];

    const region = new DataAwsRegion(this, 'region').name;
    // Every zone of the region, whatever its state: AWS lists them in a fixed order, so an
    // impaired zone at plan time cannot shift the others' indexes (with state = "available"
    // it did, and the plan replaced subnets under the database and the cache). Local Zones /
    // Wavelength zones are opt-in and lack NAT gateways and endpoints: filtered out.
    const pinned = props.availabilityZones;
    const zones = new DataAwsAvailabilityZones(this, 'availability-zones', {
      filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
      lifecycle: pinned ? { postcondition: [pinnedZonesExist(pinned, region)] } : undefined,
    });
    this.zoneData = zones;
    this.zonesPinned = pinned !== undefined;
    this.availabilityZones = pinned
      ? [...pinned]
      : azIndexes.map((i) => Fn.element(zones.names, i));

    const vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.vpcCidr,
      enableDnsSupport: true,
      // Needed for private DNS names of the interface endpoints.
      enableDnsHostnames: true,
      tags: { Name: props.name },
    });
    this.vpcId = vpc.id;
    this.vpcCidr = vpc.cidrBlock;

    // Adopting the default security group strips all its rules: nothing can use it.
    new DefaultSecurityGroup(this, 'default-security-group', {
      vpcId: vpc.id,
      ingress: [],
      egress: [],
      tags: { Name: `${props.name}-default-closed` },
    });

    const subnets = (tier: Tier, cidrs: readonly string[]): Subnet[] =>
      azIndexes.map(
        (i) =>
          new Subnet(this, `${tier}-subnet-${i}`, {
            vpcId: vpc.id,
            cidrBlock: cidrs[i],
            availabilityZone: this.availabilityZones[i],
            // Public subnets host only NAT gateways (and load balancers), which get
            // their addresses explicitly; nothing is given a public IP by default.
            mapPublicIpOnLaunch: false,
            tags: { Name: `${props.name}-${tier}-${this.availabilityZones[i]}`, Tier: tier },
          }),
      );
    const publicSubnets = subnets('public', props.publicSubnetCidrs);
    const privateSubnets = subnets('private', props.privateSubnetCidrs);
    const isolatedSubnets = subnets('isolated', props.isolatedSubnetCidrs);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.isolatedSubnetIds = isolatedSubnets.map((s) => s.id);

    const igw = new InternetGateway(this, 'internet-gateway', {
      vpcId: vpc.id,
      tags: { Name: props.name },
    });

    // 'single' keeps nat-0, so moving between modes only adds or removes gateways.
    const natIndexes = natMode === 'one-per-az' ? azIndexes : [0];
    const natGateways = natIndexes.map((i) => {
      const eip = new Eip(this, `nat-eip-${i}`, {
        domain: 'vpc',
        tags: { Name: `${props.name}-nat-${this.availabilityZones[i]}` },
        dependsOn: [igw],
      });
      return new NatGateway(this, `nat-${i}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[i].id,
        tags: { Name: `${props.name}-nat-${this.availabilityZones[i]}` },
        dependsOn: [igw],
      });
    });
    this.natGatewayIds = natGateways.map((n) => n.id);

    const publicRouteTable = new RouteTable(this, 'public-route-table', {
      vpcId: vpc.id,
      tags: { Name: `${props.name}-public`, Tier: 'public' },
    });
    new Route(this, 'public-default-route', {
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: ANYWHERE,
      gatewayId: igw.id,
    });
    publicSubnets.forEach(
      (subnet, i) =>
        new RouteTableAssociation(this, `public-route-table-association-${i}`, {
          subnetId: subnet.id,
          routeTableId: publicRouteTable.id,
        }),
    );

    // One table per AZ even with a single NAT, so switching modes changes routes only.
    const privateRouteTables = azIndexes.map((i) => {
      const table = new RouteTable(this, `private-route-table-${i}`, {
        vpcId: vpc.id,
        tags: { Name: `${props.name}-private-${this.availabilityZones[i]}`, Tier: 'private' },
      });
      new Route(this, `private-default-route-${i}`, {
        routeTableId: table.id,
        destinationCidrBlock: ANYWHERE,
        natGatewayId: (natGateways[i] ?? natGateways[0]).id,
      });
      new RouteTableAssociation(this, `private-route-table-association-${i}`, {
        subnetId: privateSubnets[i].id,
        routeTableId: table.id,
      });
      return table;
    });
    this.privateRouteTableIds = privateRouteTables.map((t) => t.id);

    // The data tier has no route to the internet at all: only the local route and
    // the gateway endpoints below.
    const isolatedRouteTable = new RouteTable(this, 'isolated-route-table', {
      vpcId: vpc.id,
      tags: { Name: `${props.name}-isolated`, Tier: 'isolated' },
    });
    isolatedSubnets.forEach(
      (subnet, i) =>
        new RouteTableAssociation(this, `isolated-route-table-association-${i}`, {
          subnetId: subnet.id,
          routeTableId: isolatedRouteTable.id,
        }),
    );
    this.isolatedRouteTableId = isolatedRouteTable.id;

    this.flowLogGroupArn = this.flowLogs(props, vpc, region);

    const appSg = new SecurityGroup(this, 'application-security-group', {
      name: appSgName,
      description: 'Application workloads: HTTPS out, PostgreSQL and Redis inside the VPC',
      vpcId: vpc.id,
      tags: { Name: appSgName },
    });
    this.applicationSecurityGroupId = appSg.id;
    const appEgress: [string, number, string, string][] = [
      ['https', HTTPS, ANYWHERE, 'HTTPS to AWS APIs and external services'],
      ['postgres', POSTGRES, props.vpcCidr, 'PostgreSQL inside the VPC'],
      ['redis', REDIS, props.vpcCidr, 'Redis inside the VPC'],
    ];
    for (const [label, port, cidr, description] of appEgress) {
      new VpcSecurityGroupEgressRule(this, `application-egress-${label}`, {
        securityGroupId: appSg.id,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: cidr,
        description,
      });
    }

    const endpointSg = new SecurityGroup(this, 'endpoint-security-group', {
      name: props.endpointSecurityGroupName,
      description: 'Interface VPC endpoints: HTTPS from the application tier only',
      vpcId: vpc.id,
      tags: { Name: props.endpointSecurityGroupName },
    });
    this.endpointSecurityGroupId = endpointSg.id;
    new VpcSecurityGroupIngressRule(this, 'endpoint-ingress-https-from-application', {
      securityGroupId: endpointSg.id,
      ipProtocol: 'tcp',
      fromPort: HTTPS,
      toPort: HTTPS,
      referencedSecurityGroupId: appSg.id,
      description: 'HTTPS from the application security group',
    });

    for (const service of GATEWAY_ENDPOINT_SERVICES) {
      new VpcEndpoint(this, `endpoint-${service}`, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: 'Gateway',
        routeTableIds: [...this.privateRouteTableIds, isolatedRouteTable.id],
        tags: { Name: `${props.name}-${service}` },
      });
    }
    for (const service of interfaceServices) {
      new VpcEndpoint(this, `endpoint-${service.replace(/\./g, '-')}`, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: this.privateSubnetIds,
        securityGroupIds: [endpointSg.id],
        tags: { Name: `${props.name}-${service}` },
      });
    }
  }

  /** VPC flow log of ALL traffic into a KMS-encrypted log group; returns its ARN. */
  private flowLogs(props: NetworkProps, vpc: Vpc, region: string): string {
    const { accountId, partition } = props.logsKey;
    const logGroup = new CloudwatchLogGroup(this, 'flow-log-group', {
      name: props.flowLogGroupName,
      kmsKeyId: props.logsKey.keyArn,
      retentionInDays: props.logRetentionDays,
    });

    // aws:SourceAccount/SourceArn stop another account's flow logs using this role.
    const assumeRole = new DataAwsIamPolicyDocument(this, 'flow-log-assume-role-policy', {
      statement: [
        {
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
          actions: ['sts:AssumeRole'],
          condition: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [accountId] },
            {
              test: 'ArnLike',
              variable: 'aws:SourceArn',
              values: [`arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*`],
            },
          ],
        },
      ],
    });
    const role = new IamRole(this, 'flow-log-role', {
      name: props.flowLogRoleName,
      assumeRolePolicy: assumeRole.json,
    });
    const writeLogs = new DataAwsIamPolicyDocument(this, 'flow-log-write-policy', {
      statement: [
        {
          sid: 'WriteFlowLogsToOwnGroupOnly',
          effect: 'Allow',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          // The group (DescribeLogStreams) and its streams (the other two).
          resources: [logGroup.arn, `${logGroup.arn}:*`],
        },
      ],
    });
    new IamRolePolicy(this, 'flow-log-role-policy', {
      name: 'write-flow-logs',
      role: role.id,
      policy: writeLogs.json,
    });

    new FlowLog(this, 'flow-log', {
      vpcId: vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      tags: { Name: `${props.name}-flow-log` },
    });
    return logGroup.arn;
  }
}

/** The plan stops when a pinned zone is not among the region's zones of this account. */
function pinnedZonesExist(pinned: readonly string[], region: string) {
  const list = `[${pinned.map((z) => JSON.stringify(z)).join(', ')}]`;
  return {
    condition: tf(`alltrue([for z in ${list} : contains(self.names, z)])`),
    errorMessage: gateText(
      pinnedZonesMessage({
        region,
        missing: tf(`join(", ", [for z in ${list} : z if !contains(self.names, z)])`),
        zoneList: tf('join(", ", self.names)'),
      }),
    ),
  };
}

/** Collects every broken rule into one message. */
function validate(props: NetworkProps): void {
  const { azCount } = props;
  const problems: string[] = [];
  const pinned = props.availabilityZones;
  if (pinned && pinned.length !== azCount) {
    problems.push(
      `availabilityZones = ${JSON.stringify(pinned)}: must name exactly one zone per AZ (azCount = ${azCount}), got ${pinned.length}`,
    );
  }
  if (pinned && new Set(pinned).size !== pinned.length) {
    problems.push(
      `availabilityZones = ${JSON.stringify(pinned)}: each zone may be named once (subnets of a tier go to distinct zones)`,
    );
  }
  // azCount decides how many resources exist, so it cannot be a token.
  if (!Number.isInteger(azCount) || azCount < 2) {
    problems.push(
      `azCount = ${azCount}: must be a whole number of at least 2 (subnets and NAT gateways span at least two Availability Zones)`,
    );
  }
  const lists = {
    publicSubnetCidrs: props.publicSubnetCidrs,
    privateSubnetCidrs: props.privateSubnetCidrs,
    isolatedSubnetCidrs: props.isolatedSubnetCidrs,
  };
  for (const [prop, cidrs] of Object.entries(lists)) {
    if (cidrs.length !== azCount) {
      problems.push(
        `${prop} = ${JSON.stringify(cidrs)}: must list exactly one CIDR per AZ (azCount = ${azCount}), got ${cidrs.length}`,
      );
    }
  }
  if (problems.length > 0) {
    throw new Error(`Invalid Network props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
