/**
 * The security posture of a resource a plan creates, in one line: encrypted with which
 * key, reachable from where, authenticated how, protected how, logged where. A first
 * deploy is read resource by resource, not attribute by attribute (`owner_id`,
 * `name_prefix`, "known after apply" are not posture).
 */
import { maskCovers, ResourceChange, valueAtPath } from './plan-json';
import { PlanReferences } from './plan-references';
import { isSecurityGroupType, ruleSummaries, statementsOf } from './security-findings';
import { UNKNOWN } from './attribute-changes';

/** Where a resource's row goes in the posture section. */
export type PostureGroup = 'data' | 'keys' | 'network' | 'edge' | 'identity' | 'logging';

export const POSTURE_GROUP_TITLES: Record<PostureGroup, string> = {
  data: 'Data stores and queues',
  keys: 'Keys and secrets',
  network: 'Network',
  edge: 'API, WAF and functions',
  identity: 'Identity and access',
  logging: 'Logs and audit',
};

export interface Posture {
  readonly address: string;
  readonly type: string;
  readonly group: PostureGroup;
  /** `at rest: …`, `reach: …`, one per concern, in a fixed order. */
  readonly facets: readonly string[];
  /** What makes this resource weaker than the platform's defaults. */
  readonly warnings: readonly string[];
}

export interface PostureOptions {
  /** Addresses with `lifecycle.prevent_destroy` (read from the synthesized stack; not in plan JSON). */
  readonly preventDestroy?: ReadonlySet<string>;
}

type Facet = (rc: ResourceChange, refs: PlanReferences, warn: (w: string) => void) => string[];

const after = (rc: ResourceChange, ...path: (string | number)[]) =>
  valueAtPath(rc.change.after, path);
const known = (rc: ResourceChange, ...path: (string | number)[]) =>
  !maskCovers(rc.change.after_unknown, path);
const isOn = (v: unknown) => v === true || v === 'true';
const isOff = (v: unknown) => v === false || v === 'false';
const OPEN = /(^|[^0-9])0\.0\.0\.0\/0|::\/0/;

const KEY_PATHS: readonly (readonly (string | number)[])[] = [
  ['kms_key_id'],
  ['kms_key_arn'],
  ['kms_master_key_id'],
  ['server_side_encryption', 0, 'kms_key_arn'],
  ['performance_insights_kms_key_id'],
  ['master_user_secret_kms_key_id'],
  ['encryption_configuration', 0, 'kms_key_arn'],
];

const atRest: Facet = (rc, refs, warn) => {
  if (isOff(after(rc, 'storage_encrypted')) || isOff(after(rc, 'at_rest_encryption_enabled'))) {
    warn('not encrypted at rest');
    return ['at rest: **unencrypted**'];
  }
  const keys = new Set<string>();
  for (const path of KEY_PATHS) {
    const addresses = refs.addresses(rc.address, path).filter((a) => a.startsWith('aws_kms_'));
    if (addresses.length > 0) addresses.forEach((a) => keys.add(refs.keyName(a)));
    else {
      const shown = refs.show(rc, path);
      if (shown) keys.add(shown);
    }
  }
  if (keys.size > 0) return [`at rest: ${[...keys].join(', ')}`];
  if (isOn(after(rc, 'sqs_managed_sse_enabled'))) return ['at rest: SQS-managed key (SSE-SQS)'];
  if (isOn(after(rc, 'storage_encrypted')) || isOn(after(rc, 'at_rest_encryption_enabled')))
    return ['at rest: AWS-managed key'];
  if (rc.type === 'aws_kms_key') {
    const rotation = after(rc, 'enable_key_rotation');
    if (!isOn(rotation)) warn('key rotation off');
    return [`rotation ${isOn(rotation) ? 'on' : 'off'}`];
  }
  return [];
};

const inTransit: Facet = (rc, _refs, warn) => {
  const transit = after(rc, 'transit_encryption_enabled');
  if (transit === undefined) return [];
  if (!isOn(transit)) {
    warn('no TLS in transit');
    return ['in transit: **plaintext**'];
  }
  const mode = after(rc, 'transit_encryption_mode');
  if (mode === 'preferred') warn('TLS optional (preferred)');
  return [`in transit: TLS${typeof mode === 'string' ? ` (${mode})` : ''}`];
};

const reach: Facet = (rc, refs, warn) => {
  const out: string[] = [];
  const publicly = after(rc, 'publicly_accessible');
  if (isOn(publicly)) warn('publicly accessible');
  if (publicly !== undefined) out.push(isOn(publicly) ? '**publicly accessible**' : 'private');
  if (rc.type === 'aws_subnet') {
    const cidr = after(rc, 'cidr_block');
    if (typeof cidr === 'string') out.push(cidr);
    const publicIps = isOn(after(rc, 'map_public_ip_on_launch'));
    if (publicIps) warn('public IPs on launch');
    out.push(publicIps ? '**public IPs on launch**' : 'no public IPs on launch');
  }
  const acl = refs.addresses(rc.address, ['web_acl_arn']).length
    ? refs.show(rc, ['web_acl_arn'])
    : undefined;
  if (acl) out.push(`WAF ${acl} in front of ${refs.show(rc, ['resource_arn']) ?? UNKNOWN}`);
  for (const [path, label] of [
    [['db_subnet_group_name'], 'subnets of'],
    [['subnet_group_name'], 'subnets of'],
    [['vpc_config', 0, 'subnet_ids'], 'subnets'],
    [['subnet_ids'], 'subnets'],
    [['vpc_security_group_ids'], 'security groups'],
    [['security_group_ids'], 'security groups'],
    [['vpc_config', 0, 'security_group_ids'], 'security groups'],
  ] as const) {
    const shown = refs.show(rc, path);
    if (shown && shown !== UNKNOWN) out.push(`${label} ${shown}`);
  }
  const types = after(rc, 'endpoint_configuration', 0, 'types');
  if (Array.isArray(types)) out.push(`${types.join(', ')} endpoint (internet-facing)`);
  const endpointType = after(rc, 'vpc_endpoint_type');
  if (typeof endpointType === 'string') out.push(`${endpointType} VPC endpoint`);
  return out.length > 0 ? [`reach: ${out.join(', ')}`] : [];
};

const access: Facet = (rc, refs, warn) => {
  const out: string[] = [];
  if (isOn(after(rc, 'iam_database_authentication_enabled')))
    out.push('IAM database authentication');
  if (isOn(after(rc, 'manage_master_user_password')))
    out.push('master password managed by RDS (Secrets Manager)');
  const groups = refs.show(rc, ['user_group_ids']);
  if (groups) out.push(`RBAC user group ${groups}`);
  const users = refs.show(rc, ['user_ids']);
  if (users) out.push(`users ${users}`);
  if (refs.show(rc, ['auth_token']) !== undefined) {
    warn('AUTH token (a shared password)');
    out.push('**AUTH token**');
  }
  const mode = after(rc, 'authentication_mode', 0, 'type');
  const accessString = after(rc, 'access_string');
  if (typeof accessString === 'string') {
    const disabled = /^\s*off(\s|$)/.test(accessString);
    if (!disabled && isOn(after(rc, 'no_password_required')) && mode !== 'iam')
      warn('enabled user without a password');
    out.push(disabled ? 'disabled user' : `${String(mode ?? 'password')} authentication`);
  }
  const authorization = after(rc, 'authorization');
  if (typeof authorization === 'string') {
    if (authorization === 'NONE') warn('no authorization');
    out.push(
      authorization === 'NONE' ? '**no authorization** (public)' : `${authorization} authorization`,
    );
  }
  const principal = after(rc, 'principal');
  if (rc.type === 'aws_lambda_permission' && typeof principal === 'string') {
    const source = refs.show(rc, ['source_arn']);
    if (!source) warn('any source may invoke');
    out.push(`invocable by ${principal}${source ? ` from ${source}` : ' from **any source**'}`);
  }
  return out.length > 0 ? [`access: ${out.join(', ')}`] : [];
};

const POLICY_ATTRIBUTES = ['policy', 'assume_role_policy'];

const policies: Facet = (rc, refs, warn) => {
  const out: string[] = [];
  for (const attribute of POLICY_ATTRIBUTES) {
    if (after(rc, attribute) === undefined && known(rc, attribute)) continue;
    const label = attribute === 'assume_role_policy' ? 'trusted by' : 'policy';
    if (!known(rc, attribute)) {
      const from = refs.addresses(rc.address, [attribute]);
      // Not configured here: AWS computes it (a queue's or topic's own policy attribute).
      if (from.length === 0) continue;
      out.push(`${label}: from ${from.map((a) => `\`${a}\``).join(', ')} (known after apply)`);
      continue;
    }
    const statements = statementsOf(after(rc, attribute));
    if (statements.some((s) => /^Allow \* on \*/.test(s))) warn('allows `*` on `*`');
    if (statements.length > 0) out.push(`${label}: ${statements.join('<br>')}`);
  }
  const arn = after(rc, 'policy_arn');
  const policyArn = typeof arn === 'string' ? `\`${arn}\`` : refs.show(rc, ['policy_arn']);
  if (policyArn) out.push(`attaches ${policyArn}`);
  return out;
};

const networkRules: Facet = (rc, refs, warn) => {
  if (!isSecurityGroupType(rc.type)) return [];
  const peer = refs.addresses(rc.address, ['referenced_security_group_id']);
  const value = { ...(rc.change.after as Record<string, unknown>) };
  if (peer.length > 0) value.referenced_security_group_id = peer.join(', ');
  const mask = peer.length > 0 ? undefined : rc.change.after_unknown;
  const rules = ruleSummaries(rc.type, value, mask).map((r) => r.text);
  for (const text of rules)
    if (text.startsWith('ingress') && OPEN.test(text)) warn('open to the internet');
  if (rc.type === 'aws_default_security_group' && rules.length === 0)
    return ['rules: none (the default group denies all traffic)'];
  const group = refs.addresses(rc.address, ['security_group_id']);
  const owner = group.length ? ` on \`${group[0]}\`` : '';
  return rules.length > 0 ? [`rules${owner}: ${rules.join('<br>')}`] : [];
};

const protection: Facet = (rc) => {
  const out: string[] = [];
  const flag = (name: string, on: string, off: string) => {
    const v = after(rc, name);
    if (v !== undefined && v !== null) out.push(isOn(v) ? on : off);
  };
  flag('deletion_protection', 'deletion protection', 'no deletion protection');
  flag('deletion_protection_enabled', 'deletion protection', 'no deletion protection');
  if (isOn(after(rc, 'skip_final_snapshot'))) out.push('no final snapshot');
  else if (after(rc, 'final_snapshot_identifier') || !known(rc, 'final_snapshot_identifier'))
    out.push('final snapshot on delete');
  for (const [name, text] of [
    ['backup_retention_period', 'backups %d days'],
    ['snapshot_retention_limit', 'snapshots %d days'],
    ['deletion_window_in_days', 'deletion window %d days'],
    ['recovery_window_in_days', 'recovery window %d days'],
    ['retention_in_days', 'kept %d days'],
  ] as const) {
    const v = after(rc, name);
    if (typeof v !== 'number') continue;
    if (v === 0 && name === 'retention_in_days') out.push('kept forever');
    else out.push(text.replace('%d days', v === 1 ? '1 day' : `${v} days`));
  }
  if (isOn(after(rc, 'point_in_time_recovery', 0, 'enabled'))) out.push('point-in-time recovery');
  return out.length > 0 ? [`protection: ${out.join(', ')}`] : [];
};

const logging: Facet = (rc, refs, warn) => {
  const out: string[] = [];
  const exports = after(rc, 'enabled_cloudwatch_logs_exports');
  if (Array.isArray(exports) && exports.length) out.push(`${exports.join(', ')} → CloudWatch Logs`);
  const deliveries = after(rc, 'log_delivery_configuration');
  if (Array.isArray(deliveries) && deliveries.length)
    out.push(
      `${deliveries.map((d) => (d as { log_type?: string }).log_type).join(', ')} → CloudWatch Logs`,
    );
  for (const [path, label] of [
    [['access_log_settings', 0, 'destination_arn'], 'access log →'],
    [['logging_config', 0, 'log_group'], 'logs →'],
    [['log_destination'], 'logs →'],
    [['log_destination_configs'], 'logs →'],
  ] as const) {
    const shown = refs.show(rc, path);
    if (shown && shown !== UNKNOWN) out.push(`${label} ${shown}`);
  }
  const traffic = after(rc, 'traffic_type');
  if (typeof traffic === 'string') out.push(`${traffic} traffic`);
  if (
    isOn(after(rc, 'xray_tracing_enabled')) ||
    after(rc, 'tracing_config', 0, 'mode') === 'Active'
  )
    out.push('X-Ray tracing');
  const settings = after(rc, 'settings', 0) as Record<string, unknown> | undefined;
  if (settings && typeof settings === 'object' && 'logging_level' in settings) {
    if (isOn(settings.data_trace_enabled)) warn('logs full request/response bodies (PHI)');
    out.push(
      `execution logs ${String(settings.logging_level)}${isOn(settings.data_trace_enabled) ? ', **data trace on**' : ''}`,
    );
  }
  const monitoring = after(rc, 'monitoring_interval');
  if (typeof monitoring === 'number' && monitoring > 0)
    out.push(`enhanced monitoring ${monitoring} s`);
  return out.length > 0 ? [`logs: ${out.join(', ')}`] : [];
};

/** What a PostgreSQL parameter group enforces: TLS, no bind values in logs, pgaudit. */
const parameters: Facet = (rc, _refs, warn) => {
  if (rc.type !== 'aws_db_parameter_group') return [];
  const list = (after(rc, 'parameter') ?? []) as { name?: string; value?: string }[];
  const value = (name: string) => list.find((p) => p.name === name)?.value;
  const out: string[] = [];
  if (value('rds.force_ssl') === '1') out.push('TLS required (rds.force_ssl = 1)');
  else {
    warn('TLS not forced');
    out.push('**TLS not forced**');
  }
  if (value('log_parameter_max_length') === '0') out.push('no bind values in logs');
  if ((value('shared_preload_libraries') ?? '').includes('pgaudit'))
    out.push(`pgaudit ${value('pgaudit.log') ?? '(no classes)'}`);
  return [`in transit and audit: ${out.join(', ')}`];
};

const FACETS: readonly Facet[] = [
  parameters,
  atRest,
  inTransit,
  reach,
  access,
  networkRules,
  policies,
  protection,
  logging,
];

const GROUPS: readonly [RegExp, PostureGroup][] = [
  [/^aws_(db_|rds_|elasticache_(replication_group|cluster)|sqs_|s3_bucket$|dynamodb_)/, 'data'],
  [/^aws_(kms_|secretsmanager_)/, 'keys'],
  [/^aws_(iam_|elasticache_user)/, 'identity'],
  [/^aws_(cloudwatch_log_group|flow_log|cloudtrail|wafv2_web_acl_logging)/, 'logging'],
  [/^aws_(api_gateway_|wafv2_|lambda_|sns_)/, 'edge'],
];

/** The posture of one created resource, or undefined when none of its attributes is posture. */
export function postureOf(
  rc: ResourceChange,
  refs: PlanReferences,
  options: PostureOptions = {},
): Posture | undefined {
  const warnings: string[] = [];
  const warn = (w: string) => {
    if (!warnings.includes(w)) warnings.push(w);
  };
  const facets = FACETS.flatMap((f) => f(rc, refs, warn));
  if (options.preventDestroy?.has(rc.address)) facets.push('prevent_destroy');
  if (facets.length === 0) return undefined;
  const group = GROUPS.find(([pattern]) => pattern.test(rc.type))?.[1] ?? 'network';
  return { address: rc.address, type: rc.type, group, facets, warnings };
}
