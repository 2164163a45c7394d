/**
 * What the plan role may read: the configuration of every resource the platform stack
 * (TapStack<env>) manages, as `terraform plan` refreshes it, what its data sources and the
 * provider itself read, and what `npm run plan`'s preflight asks (tools/preflight). An
 * explicit list of actions, never a `service:*` or `Describe*`-style family: nothing here
 * reads the data the platform holds (no secret values, log events, queue messages, objects,
 * items, database or cache connections, decryption).
 *
 * A unit test synthesizes the platform stack and fails when it holds a resource or data
 * source type missing from REFRESH_READS, so a new type brings its read actions with it.
 * The first CI plan after a provider upgrade is the final check: an AccessDenied in its log
 * names the action to add here.
 */
import { PROJECT } from '../../config/names';
import type { Statement } from './policy-document';

/**
 * The calls hashicorp/aws 5.100 makes to read (refresh) each type, by Terraform type;
 * data sources as `data.<type>`, the provider's own configuration as `provider`. An empty
 * list: the type reads nothing from AWS (aws_lambda_invocation's read is a no-op; it
 * invokes only on create).
 */
export const REFRESH_READS: Readonly<Record<string, readonly string[]>> = {
  provider: ['sts:GetCallerIdentity'],
  aws_api_gateway_base_path_mapping: ['apigateway:GET'],
  aws_api_gateway_deployment: ['apigateway:GET'],
  aws_api_gateway_domain_name: ['apigateway:GET'],
  aws_api_gateway_integration: ['apigateway:GET'],
  aws_api_gateway_integration_response: ['apigateway:GET'],
  aws_api_gateway_method: ['apigateway:GET'],
  aws_api_gateway_method_response: ['apigateway:GET'],
  aws_api_gateway_method_settings: ['apigateway:GET'],
  aws_api_gateway_resource: ['apigateway:GET'],
  aws_api_gateway_rest_api: ['apigateway:GET'],
  aws_api_gateway_stage: ['apigateway:GET'],
  aws_cloudwatch_log_data_protection_policy: ['logs:GetDataProtectionPolicy'],
  aws_cloudwatch_log_group: [
    'logs:DescribeLogGroups',
    'logs:ListTagsForResource',
    'logs:ListTagsLogGroup',
  ],
  aws_cloudwatch_log_metric_filter: ['logs:DescribeMetricFilters'],
  aws_cloudwatch_metric_alarm: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
  aws_db_instance: ['rds:DescribeDBInstances', 'rds:ListTagsForResource'],
  aws_db_parameter_group: [
    'rds:DescribeDBParameterGroups',
    'rds:DescribeDBParameters',
    'rds:ListTagsForResource',
  ],
  aws_db_subnet_group: ['rds:DescribeDBSubnetGroups', 'rds:ListTagsForResource'],
  aws_default_security_group: ['ec2:DescribeSecurityGroups'],
  aws_eip: ['ec2:DescribeAddresses', 'ec2:DescribeAddressesAttribute'],
  aws_elasticache_parameter_group: [
    'elasticache:DescribeCacheParameterGroups',
    'elasticache:DescribeCacheParameters',
    'elasticache:ListTagsForResource',
  ],
  aws_elasticache_replication_group: [
    'elasticache:DescribeReplicationGroups',
    'elasticache:DescribeCacheClusters',
    'elasticache:DescribeGlobalReplicationGroups',
    'elasticache:ListTagsForResource',
  ],
  aws_elasticache_subnet_group: [
    'elasticache:DescribeCacheSubnetGroups',
    'elasticache:ListTagsForResource',
  ],
  aws_elasticache_user: ['elasticache:DescribeUsers', 'elasticache:ListTagsForResource'],
  aws_elasticache_user_group: ['elasticache:DescribeUserGroups', 'elasticache:ListTagsForResource'],
  aws_flow_log: ['ec2:DescribeFlowLogs'],
  aws_iam_policy: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyTags'],
  aws_iam_role: [
    'iam:GetRole',
    'iam:ListRolePolicies',
    'iam:GetRolePolicy',
    'iam:ListAttachedRolePolicies',
    'iam:ListRoleTags',
  ],
  aws_iam_role_policy: ['iam:GetRolePolicy'],
  aws_iam_role_policy_attachment: ['iam:ListAttachedRolePolicies'],
  aws_internet_gateway: ['ec2:DescribeInternetGateways'],
  aws_kms_alias: ['kms:ListAliases'],
  aws_kms_key: [
    'kms:DescribeKey',
    'kms:GetKeyPolicy',
    'kms:GetKeyRotationStatus',
    'kms:ListResourceTags',
  ],
  aws_lambda_function: [
    'lambda:GetFunction',
    'lambda:GetFunctionCodeSigningConfig',
    'lambda:ListVersionsByFunction',
    'lambda:ListTags',
  ],
  aws_lambda_invocation: [],
  aws_lambda_permission: ['lambda:GetPolicy'],
  aws_nat_gateway: ['ec2:DescribeNatGateways'],
  aws_route: ['ec2:DescribeRouteTables'],
  aws_route_table: ['ec2:DescribeRouteTables'],
  aws_route_table_association: ['ec2:DescribeRouteTables'],
  aws_security_group: ['ec2:DescribeSecurityGroups'],
  aws_sns_topic: ['sns:GetTopicAttributes', 'sns:ListTagsForResource'],
  aws_sns_topic_policy: ['sns:GetTopicAttributes'],
  aws_sns_topic_subscription: ['sns:GetSubscriptionAttributes'],
  aws_sqs_queue: ['sqs:GetQueueAttributes', 'sqs:ListQueueTags'],
  aws_subnet: ['ec2:DescribeSubnets'],
  aws_vpc: [
    'ec2:DescribeVpcs',
    'ec2:DescribeVpcAttribute',
    'ec2:DescribeNetworkAcls',
    'ec2:DescribeRouteTables',
    'ec2:DescribeSecurityGroups',
  ],
  aws_vpc_endpoint: ['ec2:DescribeVpcEndpoints', 'ec2:DescribePrefixLists'],
  aws_vpc_security_group_egress_rule: ['ec2:DescribeSecurityGroupRules'],
  aws_vpc_security_group_ingress_rule: ['ec2:DescribeSecurityGroupRules'],
  aws_wafv2_web_acl: ['wafv2:GetWebACL', 'wafv2:ListTagsForResource'],
  aws_wafv2_web_acl_association: ['wafv2:GetWebACLForResource'],
  aws_wafv2_web_acl_logging_configuration: ['wafv2:GetLoggingConfiguration'],
  terraform_data: [],
  'data.aws_availability_zones': ['ec2:DescribeAvailabilityZones'],
  'data.aws_caller_identity': ['sts:GetCallerIdentity'],
  'data.aws_eips': ['ec2:DescribeAddresses'],
  'data.aws_iam_policy_document': [],
  'data.aws_iam_roles': ['iam:ListRoles'],
  'data.aws_partition': [],
  'data.aws_rds_engine_version': ['rds:DescribeDBEngineVersions'],
  'data.aws_rds_orderable_db_instance': ['rds:DescribeOrderableDBInstanceOptions'],
  'data.aws_region': ['ec2:DescribeRegions'],
  'data.aws_servicequotas_service_quota': [
    'servicequotas:GetServiceQuota',
    'servicequotas:GetAWSDefaultServiceQuota',
  ],
};

/**
 * What `npm run plan` asks before Terraform runs (tools/preflight: the platform checks,
 * never the baseline's). A unit test reads the commands those files send.
 */
export const PREFLIGHT_READS: readonly string[] = [
  'acm:DescribeCertificate',
  'apigateway:GET',
  'ec2:DescribeAddresses',
  'ec2:DescribeAvailabilityZones',
  'elasticache:DescribeCacheEngineVersions',
  'elasticache:DescribeReservedCacheNodesOfferings',
  'lambda:GetAccountSettings',
  'lambda:GetFunctionConcurrency',
  'rds:DescribeDBEngineVersions',
  'rds:DescribeOrderableDBInstanceOptions',
  'servicequotas:GetAWSDefaultServiceQuota',
  'servicequotas:GetServiceQuota',
  'sts:GetCallerIdentity',
];

/**
 * What `npm run drift` asks besides Terraform's refresh (tools/drift): the rules of the
 * stack's security groups, to find those no resource manages. Needed even by a stack whose
 * rules are all inline (then REFRESH_READS would not list it). A unit test reads the commands
 * tools/drift sends.
 */
export const DRIFT_READS: readonly string[] = ['ec2:DescribeSecurityGroupRules'];

/**
 * IAM reads are scoped: a role or policy action to the stack's own roles and policies
 * (`healthcare-*-<env>`), ListRoles (the baseline gate's data source) to the account.
 */
export const IAM_READ_SCOPES: Readonly<Record<string, 'role' | 'policy' | 'account'>> = {
  'iam:GetRole': 'role',
  'iam:GetRolePolicy': 'role',
  'iam:ListAttachedRolePolicies': 'role',
  'iam:ListRolePolicies': 'role',
  'iam:ListRoleTags': 'role',
  'iam:GetPolicy': 'policy',
  'iam:GetPolicyVersion': 'policy',
  'iam:ListPolicyTags': 'policy',
  'iam:ListRoles': 'account',
};

/**
 * API Gateway authorizes by HTTP verb and path: GET on the stack's paths only. Not
 * `/apikeys` (GET there can return key values), nor usage or client certificates.
 */
export const API_GATEWAY_READ_PATHS = [
  '/account',
  '/domainnames',
  '/domainnames/*',
  '/restapis',
  '/restapis/*',
  '/tags/*',
] as const;

export interface PlanReadProps {
  readonly partition: string;
  readonly accountId: string;
  readonly environment: string;
}

/** Every action the plan role needs to read, sorted and without repeats. */
export function planReadActions(
  refresh: Readonly<Record<string, readonly string[]>> = REFRESH_READS,
  preflight: readonly string[] = PREFLIGHT_READS,
  drift: readonly string[] = DRIFT_READS,
): string[] {
  return [...new Set([...Object.values(refresh).flat(), ...preflight, ...drift])].sort();
}

/** The statements of the plan role's `read-configuration` policy. */
export function planReadStatements(
  props: PlanReadProps,
  actions: readonly string[] = planReadActions(),
): Statement[] {
  const { partition, accountId, environment } = props;
  const iam = (scope: 'role' | 'policy' | 'account') =>
    actions.filter((a) => IAM_READ_SCOPES[a] === scope);
  const unscoped = actions.filter((a) => a.startsWith('iam:') && !(a in IAM_READ_SCOPES));
  if (unscoped.length > 0) {
    throw new Error(`IAM_READ_SCOPES has no scope for ${unscoped.join(', ')}`);
  }
  const named = (kind: 'role' | 'policy') =>
    `arn:${partition}:iam::${accountId}:${kind}/${PROJECT}-*-${environment}`;
  return [
    {
      Sid: 'ReadStackConfiguration',
      Effect: 'Allow',
      Action: actions.filter((a) => !a.startsWith('iam:') && a !== 'apigateway:GET'),
      Resource: '*',
    },
    {
      Sid: 'ReadApiGatewayConfiguration',
      Effect: 'Allow',
      Action: 'apigateway:GET',
      Resource: API_GATEWAY_READ_PATHS.map((path) => `arn:${partition}:apigateway:*::${path}`),
    },
    { Sid: 'ReadStackRoles', Effect: 'Allow', Action: iam('role'), Resource: named('role') },
    { Sid: 'ReadStackPolicies', Effect: 'Allow', Action: iam('policy'), Resource: named('policy') },
    { Sid: 'ListRolesForTheBaselineGate', Effect: 'Allow', Action: iam('account'), Resource: '*' },
  ];
}
