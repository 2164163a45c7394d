/**
 * Reading the AWS Price List bulk API (no credentials), as documented at
 * https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-the-aws-price-list-bulk-api.html:
 *
 *   1. https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/index.json
 *      offers.<offerCode>.currentRegionIndexUrl → the service's region index;
 *   2. <host>/offers/v1.0/aws/<offerCode>/current/region_index.json
 *      regions.<region>.currentVersionUrl → the service's offer file for that region;
 *   3. the offer file: products.<sku> {productFamily, attributes} and
 *      terms.OnDemand.<sku>.<term>.priceDimensions.<rate> {beginRange, unit, pricePerUnit.USD}.
 *
 * Each price key of the table has one rule: the offer, the product family and attributes it
 * matches (usagetype matched without its region prefix, e.g. `EU-NatGateway-Hours`), and the
 * factor from the offer's unit to the table's (per request → per million). A rule takes the
 * first tier (beginRange 0) of the On-Demand term.
 */
import type { Price } from './price-table';

export const PRICE_LIST_HOST = 'https://pricing.us-east-1.amazonaws.com';
export const PRICE_LIST_INDEX = `${PRICE_LIST_HOST}/offers/v1.0/aws/index.json`;

export interface PriceRule {
  readonly key: string;
  /** The offer code: AmazonEC2, AmazonRDS, … */
  readonly offer: string;
  readonly productFamily?: string;
  /** usagetype without its region prefix, matched exactly. */
  readonly usagetype: string;
  /** Other attributes that must be equal. */
  readonly attributes?: Readonly<Record<string, string>>;
  /** The table's unit. */
  readonly unit: string;
  /** Multiplies the offer's price per unit into the table's (1e6 for per-request → per million). @default 1 */
  readonly factor?: number;
}

/** Instance classes and node types the profiles use (config/): each gets a rule. */
export const RDS_CLASSES = ['db.t4g.medium', 'db.t4g.large', 'db.r6g.large'] as const;
export const CACHE_NODE_TYPES = ['cache.t4g.small', 'cache.r7g.large'] as const;

export const PRICE_RULES: readonly PriceRule[] = [
  {
    key: 'nat.hour',
    offer: 'AmazonEC2',
    productFamily: 'NAT Gateway',
    usagetype: 'NatGateway-Hours',
    unit: 'NAT gateway-hour',
  },
  {
    key: 'nat.gb',
    offer: 'AmazonEC2',
    productFamily: 'NAT Gateway',
    usagetype: 'NatGateway-Bytes',
    unit: 'GB processed',
  },
  {
    key: 'ipv4.hour',
    offer: 'AmazonVPC',
    usagetype: 'PublicIPv4:InUseAddress',
    unit: 'address-hour',
  },
  {
    key: 'endpoint.hour',
    offer: 'AmazonVPC',
    usagetype: 'VpcEndpoint-Hours',
    attributes: { endpointType: 'PrivateLink' },
    unit: 'endpoint-AZ-hour',
  },
  {
    key: 'endpoint.gb',
    offer: 'AmazonVPC',
    usagetype: 'VpcEndpoint-Bytes',
    attributes: { endpointType: 'PrivateLink' },
    unit: 'GB processed',
  },
  ...RDS_CLASSES.map((cls) => ({
    key: `rds.instance.${cls}`,
    offer: 'AmazonRDS',
    productFamily: 'Database Instance',
    usagetype: `InstanceUsage:${cls}`,
    attributes: { databaseEngine: 'PostgreSQL', deploymentOption: 'Single-AZ' },
    unit: 'instance-hour (Single-AZ)',
  })),
  {
    key: 'rds.storage.gp3',
    offer: 'AmazonRDS',
    usagetype: 'RDS:GP3-Storage',
    unit: 'GB-month (Single-AZ)',
  },
  {
    key: 'rds.backupStorage',
    offer: 'AmazonRDS',
    usagetype: 'RDS:ChargedBackupUsage',
    unit: 'GB-month',
  },
  ...CACHE_NODE_TYPES.map((type) => ({
    key: `cache.node.${type}`,
    offer: 'AmazonElastiCache',
    productFamily: 'Cache Instance',
    usagetype: `NodeUsage:${type}`,
    attributes: { cacheEngine: 'Redis' },
    unit: 'node-hour (Redis OSS)',
  })),
  { key: 'kms.key', offer: 'awskms', usagetype: 'KMS-Keys', unit: 'key-month' },
  {
    key: 'cloudwatch.alarm',
    offer: 'AmazonCloudWatch',
    usagetype: 'CW:AlarmMonitorUsage',
    unit: 'alarm metric-month (standard resolution)',
  },
  {
    key: 'logs.ingestGb',
    offer: 'AmazonCloudWatch',
    usagetype: 'DataProcessing-Bytes',
    unit: 'GB ingested',
  },
  {
    key: 'logs.storageGbMonth',
    offer: 'AmazonCloudWatch',
    usagetype: 'TimedStorage-ByteHrs',
    unit: 'GB-month',
  },
  { key: 'waf.webAcl', offer: 'awswaf', usagetype: 'WebACLV2', unit: 'web-ACL-month' },
  { key: 'waf.rule', offer: 'awswaf', usagetype: 'RuleV2', unit: 'rule-month' },
  {
    key: 'waf.millionRequests',
    offer: 'awswaf',
    usagetype: 'RequestV2-Tier1',
    unit: 'million requests',
    factor: 1e6,
  },
  {
    key: 'apigw.millionRequests',
    offer: 'AmazonApiGateway',
    usagetype: 'ApiGatewayRequest',
    unit: 'million REST API requests (first tier)',
    factor: 1e6,
  },
  {
    key: 'lambda.millionRequests',
    offer: 'AWSLambda',
    usagetype: 'Request-ARM',
    unit: 'million requests (Arm)',
    factor: 1e6,
  },
  {
    key: 'lambda.armGbSecond',
    offer: 'AWSLambda',
    usagetype: 'Lambda-GB-Second-ARM',
    unit: 'GB-second (Arm, first tier)',
  },
  {
    key: 'sqs.millionRequests',
    offer: 'AWSQueueService',
    usagetype: 'Requests-Tier1',
    unit: 'million requests',
    factor: 1e6,
  },
  {
    key: 'secrets.secret',
    offer: 'AWSSecretsManager',
    usagetype: 'AWSSecretsManager-Secrets',
    unit: 'secret-month',
  },
  {
    key: 'cloudtrail.dataEvents100k',
    offer: 'AWSCloudTrail',
    usagetype: 'DataEventsRecorded',
    unit: '100,000 data events',
    factor: 1e5,
  },
  {
    key: 'config.item',
    offer: 'AWSConfig',
    usagetype: 'ConfigurationItemRecorded',
    unit: 'configuration item',
  },
  {
    key: 'config.ruleEvaluation',
    offer: 'AWSConfig',
    usagetype: 'ConfigRuleEvaluations',
    unit: 'rule evaluation',
  },
  {
    key: 'config.conformancePackEvaluation',
    offer: 'AWSConfig',
    usagetype: 'ConformancePackEvaluations',
    unit: 'conformance pack evaluation',
  },
  {
    key: 's3.standardGbMonth',
    offer: 'AmazonS3',
    usagetype: 'TimedStorage-ByteHrs',
    attributes: { volumeType: 'Standard' },
    unit: 'GB-month',
  },
];

export interface OfferFile {
  readonly offerCode?: string;
  readonly publicationDate?: string;
  readonly products: Readonly<
    Record<string, { productFamily?: string; attributes?: Readonly<Record<string, string>> }>
  >;
  readonly terms: {
    readonly OnDemand?: Readonly<
      Record<
        string,
        Readonly<
          Record<
            string,
            {
              priceDimensions: Readonly<
                Record<
                  string,
                  { beginRange?: string; unit?: string; pricePerUnit: { USD?: string } }
                >
              >;
            }
          >
        >
      >
    >;
  };
}

/** `EU-NatGateway-Hours` → `NatGateway-Hours`; `NatGateway-Hours` (us-east-1) unchanged. */
export function withoutRegionPrefix(usagetype: string): string {
  return usagetype.replace(/^(EU|[A-Z]{2,4}\d)-(?=.)/, '');
}

/**
 * The price a rule selects from one region's offer file. Throws when no product matches, or
 * when the matching products disagree on the first-tier price (the rule is ambiguous).
 */
export function priceFromOffer(
  offer: OfferFile,
  rule: PriceRule,
  meta: { readonly url: string; readonly read: string },
): Price {
  const found = new Set<number>();
  for (const [sku, product] of Object.entries(offer.products ?? {})) {
    const a = product.attributes ?? {};
    if (rule.productFamily && product.productFamily !== rule.productFamily) continue;
    if (withoutRegionPrefix(a['usagetype'] ?? '') !== rule.usagetype) continue;
    if (Object.entries(rule.attributes ?? {}).some(([k, v]) => a[k] !== v)) continue;
    for (const term of Object.values(offer.terms.OnDemand?.[sku] ?? {})) {
      for (const dim of Object.values(term.priceDimensions)) {
        if ((dim.beginRange ?? '0') !== '0') continue;
        const usd = Number(dim.pricePerUnit.USD);
        if (Number.isFinite(usd)) found.add(usd);
      }
    }
  }
  if (found.size === 0) {
    throw new Error(
      `${rule.key}: no On-Demand product matches ${describeRule(rule)} in ${meta.url}`,
    );
  }
  if (found.size > 1) {
    throw new Error(
      `${rule.key}: products matching ${describeRule(rule)} in ${meta.url} disagree (${[...found].sort().join(', ')} USD); make the rule narrower`,
    );
  }
  const usd = Number(([...found][0] * (rule.factor ?? 1)).toPrecision(12));
  return {
    usd,
    unit: rule.unit,
    source: `${meta.url} (AWS Price List, ${describeRule(rule)}${offer.publicationDate ? `, published ${offer.publicationDate}` : ''})`,
    read: meta.read,
  };
}

function describeRule(rule: PriceRule): string {
  const parts = [
    rule.productFamily ? `productFamily=${rule.productFamily}` : undefined,
    `usagetype=*${rule.usagetype}`,
    ...Object.entries(rule.attributes ?? {}).map(([k, v]) => `${k}=${v}`),
  ];
  return parts.filter(Boolean).join(' ');
}
