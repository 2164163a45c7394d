/** Node labels: readable type titles, resource names, and "3 × …" lists of collapsed members. */
import type { Draft } from './model';
import { compare, SynthResource } from './resources';

/** Readable names of resource types; others are derived from the type. */
const TYPE_TITLES: Readonly<Record<string, string>> = {
  aws_api_gateway_rest_api: 'API Gateway REST API',
  aws_api_gateway_account: 'API Gateway account',
  aws_wafv2_web_acl: 'WAF web ACL',
  aws_internet_gateway: 'Internet gateway',
  aws_nat_gateway: 'NAT gateway',
  aws_eip: 'Elastic IP',
  aws_vpc: 'VPC',
  aws_subnet: 'subnet',
  aws_route_table: 'route table',
  aws_vpc_endpoint: 'VPC endpoint',
  aws_security_group: 'Security group',
  aws_db_instance: 'RDS',
  aws_db_subnet_group: 'DB subnet group',
  aws_elasticache_replication_group: 'ElastiCache',
  aws_elasticache_subnet_group: 'Cache subnet group',
  aws_secretsmanager_secret: 'Secret',
  aws_kms_key: 'KMS key',
  aws_iam_role: 'IAM role',
  aws_cloudwatch_log_group: 'log group',
  aws_cloudwatch_metric_alarm: 'CloudWatch alarm',
  aws_cloudwatch_log_metric_filter: 'log metric filter',
  aws_sns_topic: 'SNS topic',
  aws_flow_log: 'VPC flow log',
  aws_s3_bucket: 'S3 bucket',
  aws_dynamodb_table: 'DynamoDB table',
  aws_lambda_function: 'Lambda function',
  aws_cloudwatch_log_data_protection_policy: 'log data protection policy',
  aws_sqs_queue: 'SQS queue',
  aws_iam_policy: 'IAM policy',
  aws_elasticache_user: 'ElastiCache user',
  aws_elasticache_user_group: 'ElastiCache user group',
  aws_cloudtrail: 'CloudTrail trail',
  aws_backup_plan: 'Backup plan',
  aws_backup_selection: 'Backup selection',
  aws_backup_vault: 'Backup vault',
  aws_guardduty_detector: 'GuardDuty detector',
  aws_guardduty_detector_feature: 'GuardDuty feature',
  aws_securityhub_account: 'Security Hub',
  aws_securityhub_standards_subscription: 'Security Hub standard',
  aws_config_configuration_recorder: 'Config recorder',
  aws_config_configuration_recorder_status: 'Config recorder status',
  aws_config_delivery_channel: 'Config delivery channel',
  aws_config_conformance_pack: 'Config conformance pack',
  aws_ebs_encryption_by_default: 'EBS encryption by default',
  aws_iam_account_password_policy: 'IAM password policy',
  aws_s3_account_public_access_block: 'S3 account public access block',
};

/** Words of derived titles written in capitals (`db_parameter_group` → `DB parameter group`). */
const ACRONYMS: ReadonlySet<string> = new Set(
  'acl acm alb api db dns ebs ec2 ecr ecs efs eip iam ip kms lb nlb rds s3 ses sns sqs ssm vpc waf'.split(
    ' ',
  ),
);

const ENGINES: Readonly<Record<string, string>> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  redis: 'Redis',
  valkey: 'Valkey',
  memcached: 'Memcached',
};

export function idOf(r: SynthResource): string {
  return r.path[r.path.length - 1] ?? r.name;
}

/** A literal attribute value without `${...}` expressions, or undefined. */
function literal(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value
    .replace(/\$\{[^}]*\}/g, '')
    .replace(/[-_/.:\s]+$/, '')
    .trim();
  return text === '' ? undefined : text;
}

function nameOf(r: SynthResource): string | undefined {
  const b = r.body;
  const tags = (b.tags ?? {}) as Record<string, unknown>;
  for (const v of [
    b.identifier,
    b.replication_group_id,
    b.alarm_name,
    b.bucket,
    b.name,
    tags.Name,
    b.cidr_block,
  ]) {
    const text = literal(v);
    if (text) return text;
  }
  return undefined;
}

/** The singular title of a resource: its readable type, with the engine or subnet tier where one applies. */
export function titleOf(r: SynthResource): string {
  const base =
    TYPE_TITLES[r.type] ??
    r.type
      .replace(/^aws_/, '')
      .split('_')
      .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w))
      .join(' ');
  if (r.type === 'aws_db_instance' || r.type === 'aws_elasticache_replication_group') {
    const engine = literal(r.body.engine) ?? (r.type === 'aws_db_instance' ? '' : 'redis');
    return `${base} ${ENGINES[engine] ?? engine}`.trim();
  }
  if (r.type === 'aws_subnet' || r.type === 'aws_route_table') {
    const word = /(public|private|isolated)/.exec(idOf(r))?.[1];
    return word ? `${word} ${base}` : base;
  }
  return base;
}

/** The short member names of a collapsed node: endpoint services, log-group leaves, ... */
function shortName(r: SynthResource): string {
  if (r.type === 'aws_vpc_endpoint') {
    const service = String(r.body.service_name ?? '');
    return service.slice(service.lastIndexOf('.') + 1) || idOf(r);
  }
  if (r.type === 'aws_subnet') return literal(r.body.cidr_block) ?? idOf(r);
  if (r.type === 'aws_cloudwatch_log_group') {
    return idOf(r).replace(/^log-group-|-log-group$/, '');
  }
  return idOf(r);
}

export function labelOf(members: readonly Draft[]): string[] {
  const first = members[0].resource;
  const title = titleOf(first);
  if (members.length > 1) {
    const lines = [`${members.length} × ${title}`];
    if (
      first.type === 'aws_cloudwatch_metric_alarm' ||
      first.type === 'aws_nat_gateway' ||
      first.type === 'aws_eip' ||
      first.type === 'aws_route_table'
    ) {
      return lines;
    }
    return [
      ...lines,
      ...wrap(
        members.map((m) => shortName(m.resource)),
        34,
      ),
    ];
  }
  const lines = [capitalizeFirst(title)];
  if (first.type === 'aws_kms_key') {
    const aliases = members[0].folded
      .filter((f) => f.type === 'aws_kms_alias')
      .map((f) => literal(f.body.name))
      .filter((n): n is string => n !== undefined)
      .sort(compare);
    if (aliases.length > 0) return [...lines, ...aliases];
  }
  if (first.type === 'aws_api_gateway_rest_api') {
    const stages = members[0].folded
      .filter((f) => f.type === 'aws_api_gateway_stage')
      .map((f) => literal(f.body.stage_name))
      .filter((n): n is string => n !== undefined);
    const name = nameOf(first);
    return [
      ...lines,
      ...(name ? [name] : []),
      ...stages.map((s) => `stage ${s}`),
      ...routesOf(members[0].folded),
    ];
  }
  const name = nameOf(first);
  return name ? [...lines, name] : lines;
}

/** `GET /health`, `GET /ready`: the methods folded into a REST API, with their resource's path. */
export function routesOf(folded: readonly SynthResource[]): string[] {
  const paths = new Map(
    folded
      .filter((f) => f.type === 'aws_api_gateway_resource')
      .map((f) => [f.address, literal(f.body.path_part)]),
  );
  return folded
    .filter((f) => f.type === 'aws_api_gateway_method')
    .map((f) => {
      const resource = /\$\{(aws_api_gateway_resource\.[^.}]+)\./.exec(String(f.body.resource_id));
      const path = resource ? paths.get(resource[1]) : undefined;
      return `${literal(f.body.http_method) ?? '?'} /${path ?? ''}`;
    })
    .sort(compare);
}

function wrap(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (line && next.length > width) {
      lines.push(`${line},`);
      line = item;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** `3 NAT gateways`, `2 IAM policies`, `RDS PostgreSQL` (a count of one names the thing alone). */
export function countOf(title: string, count: number): string {
  if (count === 1) return capitalizeFirst(title);
  const plural = /[^aeiou]y$/.test(title)
    ? `${title.slice(0, -1)}ies`
    : /(s|x|ch|sh)$/.test(title)
      ? `${title}es`
      : `${title}s`;
  return `${count} ${plural}`;
}

export function capitalizeFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function nodeId(groupKey: string): string {
  return `n_${groupKey.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
}
