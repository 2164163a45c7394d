/** The tiers of the picture (edge, public, application, data, keys, observability, state, account baseline) and which tier a resource type goes to. */

export type Tier =
  | 'edge'
  | 'public'
  | 'application'
  | 'data'
  | 'security'
  | 'observability'
  | 'state'
  | 'baseline';

export interface TierStyle {
  readonly label: string;
  /** Cluster fill, border and node fill. */
  readonly fill: string;
  readonly border: string;
  readonly node: string;
}

/** The tiers in the order they are drawn, with their colours. */
export const TIERS: Readonly<Record<Tier, TierStyle>> = {
  edge: { label: 'Edge', fill: '#EAF1FB', border: '#4A78C2', node: '#FFFFFF' },
  public: { label: 'Public subnets', fill: '#EAF6EC', border: '#3C8D4F', node: '#FFFFFF' },
  application: {
    label: 'Application (private subnets)',
    fill: '#FDF6E3',
    border: '#B7892B',
    node: '#FFFFFF',
  },
  data: { label: 'Data (isolated subnets)', fill: '#FBEAEA', border: '#B94A48', node: '#FFFFFF' },
  security: { label: 'Security & keys', fill: '#F1EAFB', border: '#7A4FB5', node: '#FFFFFF' },
  observability: { label: 'Observability', fill: '#EEF0F2', border: '#6B7280', node: '#FFFFFF' },
  state: { label: 'Terraform state backend', fill: '#E6F5F5', border: '#2C8C8C', node: '#FFFFFF' },
  baseline: {
    label: 'Account baseline (TapAccountBaseline: once per account and region)',
    fill: '#FFF1E6',
    border: '#C2410C',
    node: '#FFFFFF',
  },
};

export const TIER_ORDER = Object.keys(TIERS) as Tier[];

/** The tier of a resource type; subnets and route tables also look at their id. */
const TYPE_TIERS: ReadonlyArray<readonly [RegExp, Tier]> = [
  [/^aws_(api_gateway|apigatewayv2|wafv2|waf|cloudfront|route53|acm)_/, 'edge'],
  [
    /^aws_(vpc_endpoint|default_security_group|network_acl|lambda|ecs|instance)(_|$)/,
    'application',
  ],
  [/^aws_(internet_gateway|egress_only_internet_gateway|nat_gateway|eip|lb|alb)(_|$)/, 'public'],
  [/^aws_(db|rds|elasticache|secretsmanager|docdb|memorydb|efs|opensearch)_/, 'data'],
  [/^aws_(kms|iam|acmpca)_/, 'security'],
  [/^aws_(cloudwatch|sns|flow_log|xray|cloudtrail)(_|$)/, 'observability'],
  [/^aws_(s3|dynamodb)_/, 'state'],
];

/** Where a resource type goes when nothing else says: workloads, the middle of the picture. */
export const DEFAULT_TIER: Tier = 'application';

/** The tier implied by a subnet-tier word in an id (`public-subnet-0`, `isolated-route-table`). */
function subnetTierOf(id: string): Tier | undefined {
  if (/(^|[-_])public([-_]|$)/.test(id)) return 'public';
  if (/(^|[-_])(private|app|application)([-_]|$)/.test(id)) return 'application';
  if (/(^|[-_])(isolated|data|database)([-_]|$)/.test(id)) return 'data';
  return undefined;
}

/**
 * The tier of one resource from its type and its construct id (the last element of its
 * construct path). Unknown types fall into DEFAULT_TIER.
 */
export function tierOf(type: string, id = ''): Tier {
  if (/^aws_(subnet|route_table|route|route_table_association)$/.test(type)) {
    return subnetTierOf(id) ?? DEFAULT_TIER;
  }
  if (type === 'aws_vpc') return 'public';
  for (const [pattern, tier] of TYPE_TIERS) if (pattern.test(type)) return tier;
  return DEFAULT_TIER;
}
