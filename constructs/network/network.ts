import { Construct } from 'constructs';
import type { NatGatewayMode } from '../../config/config';
import type { EncryptionKey } from '../encryption/encryption-key';

export interface NetworkProps {
  /** Name tag prefix, e.g. `healthcare-vpc-prod`; tiers and AZs are appended. */
  readonly name: string;
  readonly vpcCidr: string;
  readonly azCount: number;
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
}

/**
 * VPC with public, private (application) and isolated (data) subnets across AZs,
 * NAT, flow logs, a closed default security group and VPC endpoints.
 */
export class Network extends Construct {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly availabilityZones: string[];
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly isolatedSubnetIds: string[];
  readonly natGatewayIds: string[];
  /** The security group application workloads run in; data stores admit only it. */
  readonly applicationSecurityGroupId: string;
  readonly flowLogGroupArn: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    throw new Error(`not implemented: ${JSON.stringify(props)}`);
  }
}
