/**
 * The monthly estimate: each resource's charges (what, quantity, unit, price key) from its
 * attributes, priced from the table. Counts follow the configuration: NAT gateways, Multi-AZ,
 * instance class, node type × nodes, interface endpoints × subnets, alarms, keys, log groups.
 * A charge without a price for its region is kept as an unpriced line, never guessed.
 */
import { lookupPrice, PriceTable } from './price-table';
import { FREE_TYPES } from './free-types';
import type { CostResource } from './resources';
import { DEFAULT_USAGE, UsageAssumptions } from './usage';

export interface LineItem {
  readonly address: string;
  readonly what: string;
  readonly quantity: number;
  /** The unit of `quantity`: `hours`, `GB-month`, `keys`. */
  readonly unit: string;
  /** The table key the charge is priced by; none for charges that are free by rule. */
  readonly priceKey?: string;
  readonly unitPriceUsd?: number;
  /** quantity × unit price; undefined when the charge has no price (see `unpriced`). */
  readonly monthlyUsd?: number;
  /** Why there is no price: `no price for eu-central-1 (kms.key)`. */
  readonly unpriced?: string;
  readonly region?: string;
}

export interface Estimate {
  readonly items: readonly LineItem[];
  /** Sum of the priced items. */
  readonly totalUsd: number;
  readonly unpriced: readonly LineItem[];
  /** Resource types that may bill but the estimate does not model, with their addresses. */
  readonly notEstimated: readonly string[];
}

/** A charge before pricing: `free` charges cost nothing by rule and need no price. */
interface Charge {
  readonly what: string;
  readonly quantity: number;
  readonly unit: string;
  readonly priceKey?: string;
  readonly free?: boolean;
}

export interface EstimateOptions {
  readonly prices: PriceTable;
  readonly usage?: UsageAssumptions;
}

type Rule = (r: CostResource, u: UsageAssumptions, hours: number) => Charge[];

/** The charges of each modelled resource type. */
const RULES: Readonly<Record<string, Rule>> = {
  aws_nat_gateway: (_r, u, hours) => [
    { what: 'NAT gateway hours', quantity: hours, unit: 'hours', priceKey: 'nat.hour' },
    {
      what: 'NAT gateway data processed (assumed)',
      quantity: u.natGbPerGateway,
      unit: 'GB',
      priceKey: 'nat.gb',
    },
  ],
  aws_eip: (_r, _u, hours) => [
    {
      what: 'public IPv4 address (Elastic IP)',
      quantity: hours,
      unit: 'hours',
      priceKey: 'ipv4.hour',
    },
  ],
  aws_vpc_endpoint: (r, u, hours) => {
    const type = str(r.values['vpc_endpoint_type']) ?? 'Gateway';
    if (type !== 'Interface') {
      return [{ what: `${type} endpoint (no charge)`, quantity: 1, unit: 'endpoints', free: true }];
    }
    const azs = countOf(r, 'subnet_ids');
    return [
      {
        what: `interface endpoint × ${azs} AZ`,
        quantity: hours * azs,
        unit: 'endpoint-AZ-hours',
        priceKey: 'endpoint.hour',
      },
      {
        what: 'interface endpoint data processed (assumed)',
        quantity: u.endpointGbPerEndpoint,
        unit: 'GB',
        priceKey: 'endpoint.gb',
      },
    ];
  },
  aws_db_instance: (r, _u, hours) => {
    const multiAz = truthy(r.values['multi_az']);
    const copies = multiAz ? 2 : 1;
    const az = multiAz ? 'Multi-AZ (primary + standby)' : 'Single-AZ';
    const cls = str(r.values['instance_class']) ?? 'unknown class';
    const storageType = str(r.values['storage_type']) ?? 'gp2';
    const gb = num(r.values['allocated_storage']) ?? 0;
    const out: Charge[] = [
      {
        what: `RDS ${cls} ${az}`,
        quantity: hours * copies,
        unit: 'instance-hours',
        priceKey: `rds.instance.${cls}`,
      },
      {
        what: `RDS ${storageType} storage ${gb} GB × ${copies}`,
        quantity: gb * copies,
        unit: 'GB-month',
        priceKey: `rds.storage.${storageType}`,
      },
    ];
    if (truthy(r.values['performance_insights_enabled'])) {
      const days = num(r.values['performance_insights_retention_period']) ?? 7;
      out.push(
        days <= 7
          ? {
              what: 'Performance Insights, 7-day retention (free tier)',
              quantity: 1,
              unit: 'instance-months',
              priceKey: 'rds.performanceInsights.free',
            }
          : {
              what: `Performance Insights, ${days}-day retention`,
              quantity: copies,
              unit: 'instance-months',
              priceKey: 'rds.performanceInsights.longTerm',
            },
      );
    }
    if (truthy(r.values['manage_master_user_password'])) {
      out.push({
        what: 'RDS-managed master user secret',
        quantity: 1,
        unit: 'secrets',
        priceKey: 'secrets.secret',
      });
    }
    return out;
  },
  aws_elasticache_replication_group: (r, _u, hours) => {
    const type = str(r.values['node_type']) ?? 'unknown node type';
    const groups = num(r.values['num_node_groups']);
    const replicas = num(r.values['replicas_per_node_group']);
    const nodes =
      groups !== undefined
        ? groups * ((replicas ?? 0) + 1)
        : (num(r.values['num_cache_clusters']) ?? 1);
    return [
      {
        what: `ElastiCache ${type} × ${nodes} nodes`,
        quantity: hours * nodes,
        unit: 'node-hours',
        priceKey: `cache.node.${type}`,
      },
    ];
  },
  aws_elasticache_cluster: (r, _u, hours) => {
    const type = str(r.values['node_type']) ?? 'unknown node type';
    const nodes = num(r.values['num_cache_nodes']) ?? 1;
    return [
      {
        what: `ElastiCache ${type} × ${nodes} nodes`,
        quantity: hours * nodes,
        unit: 'node-hours',
        priceKey: `cache.node.${type}`,
      },
    ];
  },
  aws_kms_key: () => [{ what: 'KMS key', quantity: 1, unit: 'keys', priceKey: 'kms.key' }],
  aws_kms_replica_key: () => [
    { what: 'KMS replica key', quantity: 1, unit: 'keys', priceKey: 'kms.key' },
  ],
  aws_cloudwatch_metric_alarm: () => [
    { what: 'CloudWatch alarm', quantity: 1, unit: 'alarms', priceKey: 'cloudwatch.alarm' },
  ],
  aws_cloudwatch_log_group: (r, u) => {
    const days = num(r.values['retention_in_days']) ?? 0;
    const months = days > 0 ? Math.min(days, 365) / 30 : 12;
    return [
      {
        what: 'log ingestion (assumed)',
        quantity: u.logGbPerGroup,
        unit: 'GB',
        priceKey: 'logs.ingestGb',
      },
      {
        what: `log storage, ${days > 0 ? `${days}-day retention` : 'never expires'}`,
        quantity: round(u.logGbPerGroup * Math.min(months, 12), 6),
        unit: 'GB-month',
        priceKey: 'logs.storageGbMonth',
      },
    ];
  },
  aws_wafv2_web_acl: (r, u) => {
    const rules = Array.isArray(r.values['rule']) ? r.values['rule'].length : 0;
    return [
      { what: 'WAF web ACL', quantity: 1, unit: 'web ACLs', priceKey: 'waf.webAcl' },
      { what: `WAF rules (${rules})`, quantity: rules, unit: 'rules', priceKey: 'waf.rule' },
      {
        what: 'WAF requests (assumed)',
        quantity: u.apiRequestsPerMonth / 1e6,
        unit: 'million requests',
        priceKey: 'waf.millionRequests',
      },
    ];
  },
  aws_api_gateway_rest_api: (_r, u) => [
    {
      what: 'API Gateway REST requests (assumed)',
      quantity: u.apiRequestsPerMonth / 1e6,
      unit: 'million requests',
      priceKey: 'apigw.millionRequests',
    },
  ],
  aws_lambda_function: (r, u) => {
    const arch = Array.isArray(r.values['architectures']) ? r.values['architectures'] : [];
    const arm = arch.includes('arm64');
    const memoryGb = (num(r.values['memory_size']) ?? 128) / 1024;
    return [
      {
        what: 'Lambda requests (assumed)',
        quantity: u.lambdaInvocationsPerMonth / 1e6,
        unit: 'million requests',
        priceKey: 'lambda.millionRequests',
      },
      {
        what: `Lambda compute, ${memoryGb * 1024} MB ${arm ? 'Arm' : 'x86'} (assumed)`,
        quantity: round((u.lambdaInvocationsPerMonth * u.lambdaAverageMs * memoryGb) / 1000, 6),
        unit: 'GB-seconds',
        priceKey: arm ? 'lambda.armGbSecond' : 'lambda.x86GbSecond',
      },
    ];
  },
  aws_sqs_queue: () => [
    {
      what: 'SQS queue (negligible: within the free million requests)',
      quantity: 1,
      unit: 'queues',
      free: true,
    },
  ],
  aws_sns_topic: () => [
    {
      what: 'SNS topic (negligible: within the free million requests)',
      quantity: 1,
      unit: 'topics',
      free: true,
    },
  ],
  aws_dynamodb_table: () => [
    {
      what: 'DynamoDB on-demand table (negligible: lock requests only)',
      quantity: 1,
      unit: 'tables',
      free: true,
    },
  ],
  aws_secretsmanager_secret: () => [
    { what: 'Secrets Manager secret', quantity: 1, unit: 'secrets', priceKey: 'secrets.secret' },
  ],
  aws_cloudtrail: (r, u) => {
    const out: Charge[] = [
      {
        what: 'CloudTrail management events (first copy free)',
        quantity: 1,
        unit: 'trails',
        free: true,
      },
    ];
    const selectors = Array.isArray(r.values['event_selector']) ? r.values['event_selector'] : [];
    const dataEvents = selectors.some(
      (s) =>
        Array.isArray((s as { data_resource?: unknown }).data_resource) &&
        (s as { data_resource: unknown[] }).data_resource.length > 0,
    );
    if (dataEvents || Array.isArray(r.values['advanced_event_selector'])) {
      out.push({
        what: 'CloudTrail data events (assumed)',
        quantity: u.trailDataEventsPerMonth / 1e5,
        unit: '100,000 events',
        priceKey: 'cloudtrail.dataEvents100k',
      });
    }
    return out;
  },
  aws_config_configuration_recorder: (_r, u) => [
    {
      what: 'Config items recorded (assumed)',
      quantity: u.configItemsPerMonth,
      unit: 'items',
      priceKey: 'config.item',
    },
  ],
  aws_config_config_rule: (_r, u) => [
    {
      what: 'Config rule evaluations (assumed)',
      quantity: u.configEvaluationsPerRule,
      unit: 'evaluations',
      priceKey: 'config.ruleEvaluation',
    },
  ],
  aws_config_conformance_pack: (r, u) => {
    const body = str(r.values['template_body']) ?? '';
    const rules = (body.match(/AWS::Config::ConfigRule/g) ?? []).length;
    return [
      {
        what: `conformance pack evaluations, ${rules} rules (assumed)`,
        quantity: rules * u.configEvaluationsPerRule,
        unit: 'evaluations',
        priceKey: 'config.conformancePackEvaluation',
      },
    ];
  },
  aws_guardduty_detector: (_r, u) => [
    {
      what: 'GuardDuty CloudTrail event analysis (assumed)',
      quantity: u.guardDutyEventsPerMonth / 1e6,
      unit: 'million events',
      priceKey: 'guardduty.millionEvents',
    },
  ],
  aws_securityhub_account: (_r, u) => [
    {
      what: 'Security Hub security checks (assumed)',
      quantity: u.securityHubChecksPerMonth,
      unit: 'checks',
      priceKey: 'securityhub.check',
    },
  ],
  aws_backup_vault: (_r, u) => [
    {
      what: 'backup storage, RDS snapshots (assumed)',
      quantity: u.backupGbPerVault,
      unit: 'GB-month',
      priceKey: 'rds.backupStorage',
    },
  ],
  aws_backup_plan: (r, u) => {
    const rules = Array.isArray(r.values['rule']) ? r.values['rule'] : [];
    const copies = rules.some((rule) =>
      Array.isArray((rule as { copy_action?: unknown }).copy_action),
    );
    return copies
      ? [
          {
            what: 'cross-region backup copy transfer (assumed)',
            quantity: u.backupCopyGbPerMonth,
            unit: 'GB',
            priceKey: 'backup.crossRegionGb',
          },
        ]
      : [];
  },
  aws_s3_bucket: (_r, u) => [
    {
      what: 'S3 Standard storage (assumed)',
      quantity: u.s3GbPerBucket,
      unit: 'GB-month',
      priceKey: 's3.standardGbMonth',
    },
  ],
};

/** The line items of one resource; empty for free types; undefined for types not modelled. */
export function chargesOf(
  resource: CostResource,
  options: EstimateOptions,
): LineItem[] | undefined {
  if (FREE_TYPES.has(resource.type)) return [];
  const rule = RULES[resource.type];
  if (!rule) return undefined;
  const usage = options.usage ?? DEFAULT_USAGE;
  return rule(resource, usage, options.prices.hoursPerMonth).map((c) =>
    priceCharge(resource, c, options.prices),
  );
}

function priceCharge(resource: CostResource, c: Charge, prices: PriceTable): LineItem {
  const base = {
    address: resource.address,
    what: c.what,
    quantity: c.quantity,
    unit: c.unit,
    region: resource.region,
  };
  if (c.free || !c.priceKey) return { ...base, unitPriceUsd: 0, monthlyUsd: 0 };
  const found = lookupPrice(prices, resource.region, c.priceKey);
  if (!found.price) return { ...base, priceKey: c.priceKey, unpriced: found.missing };
  return {
    ...base,
    priceKey: c.priceKey,
    unitPriceUsd: found.price.usd,
    monthlyUsd: round(c.quantity * found.price.usd, 10),
  };
}

/** The estimate of a set of resources (a stack, or one side of a plan). */
export function estimate(resources: readonly CostResource[], options: EstimateOptions): Estimate {
  const items: LineItem[] = [];
  const notEstimated: string[] = [];
  for (const r of resources) {
    const charges = chargesOf(r, options);
    if (charges === undefined) notEstimated.push(r.address);
    else items.push(...charges);
  }
  return {
    items,
    totalUsd: sumUsd(items),
    unpriced: items.filter((i) => i.unpriced),
    notEstimated,
  };
}

export function sumUsd(items: readonly LineItem[]): number {
  return round(
    items.reduce((sum, i) => sum + (i.monthlyUsd ?? 0), 0),
    10,
  );
}

/** Rounds away float noise: 0.045 × 730 is 32.85, not 32.849999999999994. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && !v.includes('${') ? v : undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true';
}

/** How many entries a list attribute has; from the plan's references when the value is unknown; else 1. */
function countOf(r: CostResource, attr: string): number {
  const v = r.values[attr];
  if (Array.isArray(v)) return v.length;
  return r.referenceCounts?.[attr] ?? 1;
}
