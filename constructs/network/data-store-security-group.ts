import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { Construct } from 'constructs';
import type { Network } from './network';

export interface DataStoreSecurityGroupProps {
  readonly name: string;
  /** What listens, for descriptions: `PostgreSQL healthcare-db-prod`. */
  readonly what: string;
  readonly engine: string;
  readonly port: number;
  readonly network: Network;
}

/**
 * The security group of a data store: ingress on its one port from the application
 * security group only, and no egress (a data store never opens connections). Created in
 * the caller's scope as `security-group` and `ingress-from-application`.
 */
export function dataStoreSecurityGroup(
  scope: Construct,
  props: DataStoreSecurityGroupProps,
): SecurityGroup {
  const securityGroup = new SecurityGroup(scope, 'security-group', {
    name: props.name,
    description: `${props.what}: ${props.port} from the application tier only`,
    vpcId: props.network.vpcId,
    tags: { Name: props.name },
  });
  new VpcSecurityGroupIngressRule(scope, 'ingress-from-application', {
    securityGroupId: securityGroup.id,
    description: `${props.engine} from the application security group`,
    ipProtocol: 'tcp',
    fromPort: props.port,
    toPort: props.port,
    referencedSecurityGroupId: props.network.applicationSecurityGroupId,
  });
  return securityGroup;
}
