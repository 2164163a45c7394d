/** The security-relevant part of a plan review: categories, findings, security-group rules, policy statements, and what weakens the platform. */
import {
  AttributePath,
  ChangeKind,
  formatPath,
  maskCovers,
  ResourceChange,
  valueAtPath,
} from './plan-json';
import {
  ABSENT,
  AttributeChange,
  attributeChanges,
  canonicalJson,
  childKeys,
  compare,
  jsonEqual,
  SENSITIVE,
  UNKNOWN,
} from './attribute-changes';

export type SecurityCategory =
  | 'encryption'
  | 'public-access'
  | 'security-group'
  | 'iam'
  | 'logging'
  | 'deletion-protection'
  | 'backups';

export const CATEGORY_TITLES: Record<SecurityCategory, string> = {
  encryption: 'Encryption',
  'public-access': 'Public access',
  'security-group': 'Security-group rules',
  iam: 'IAM policies',
  logging: 'Logging',
  'deletion-protection': 'Deletion protection',
  backups: 'Backups',
};

export const CATEGORY_ORDER = Object.keys(CATEGORY_TITLES) as SecurityCategory[];

/** Attribute names (the last key of a path, or any key on it) and what they concern. */
const ATTRIBUTE_CATEGORIES: Record<string, SecurityCategory> = {
  kms_key_id: 'encryption',
  kms_key_arn: 'encryption',
  kms_master_key_id: 'encryption',
  storage_encrypted: 'encryption',
  encrypted: 'encryption',
  at_rest_encryption_enabled: 'encryption',
  transit_encryption_enabled: 'encryption',
  transit_encryption_mode: 'encryption',
  enable_key_rotation: 'encryption',
  sse_algorithm: 'encryption',
  bucket_key_enabled: 'encryption',
  server_side_encryption: 'encryption',
  server_side_encryption_configuration: 'encryption',
  performance_insights_kms_key_id: 'encryption',
  master_user_secret_kms_key_id: 'encryption',
  iam_database_authentication_enabled: 'encryption',
  publicly_accessible: 'public-access',
  map_public_ip_on_launch: 'public-access',
  associate_public_ip_address: 'public-access',
  block_public_acls: 'public-access',
  block_public_policy: 'public-access',
  ignore_public_acls: 'public-access',
  restrict_public_buckets: 'public-access',
  cidr_ipv4: 'public-access',
  cidr_ipv6: 'public-access',
  cidr_blocks: 'public-access',
  ipv6_cidr_blocks: 'public-access',
  endpoint_configuration: 'public-access',
  policy: 'iam',
  assume_role_policy: 'iam',
  inline_policy: 'iam',
  policy_arn: 'iam',
  managed_policy_arns: 'iam',
  log_destination: 'logging',
  log_destination_type: 'logging',
  log_destination_configs: 'logging',
  log_delivery_configuration: 'logging',
  access_log_settings: 'logging',
  logging_level: 'logging',
  data_trace_enabled: 'logging',
  metrics_enabled: 'logging',
  enabled_cloudwatch_logs_exports: 'logging',
  retention_in_days: 'logging',
  traffic_type: 'logging',
  cloudwatch_role_arn: 'logging',
  deletion_protection: 'deletion-protection',
  deletion_protection_enabled: 'deletion-protection',
  skip_final_snapshot: 'deletion-protection',
  final_snapshot_identifier: 'deletion-protection',
  deletion_window_in_days: 'deletion-protection',
  recovery_window_in_days: 'deletion-protection',
  force_destroy: 'deletion-protection',
  backup_retention_period: 'backups',
  point_in_time_recovery: 'backups',
  snapshot_retention_limit: 'backups',
  backup_window: 'backups',
  snapshot_window: 'backups',
  versioning: 'backups',
  versioning_configuration: 'backups',
};

/** Security-group resources: every change to them is a rule change worth reviewing. */
export function isSecurityGroupType(type: string): boolean {
  return (
    type.startsWith('aws_security_group') ||
    type === 'aws_default_security_group' ||
    /^aws_vpc_security_group_(ingress|egress)_rule$/.test(type)
  );
}

/** A security-relevant change, the row of the review's security tables. */
export interface SecurityFinding {
  readonly category: SecurityCategory;
  readonly address: string;
  readonly kind: ChangeKind;
  readonly attribute: string;
  readonly before: string;
  readonly after: string;
  /** Why the new value weakens the platform, when it does. */
  readonly warning?: string;
}

/** The security findings of one resource change. */
export function securityFindings(rc: ResourceChange, kind: ChangeKind): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const sgType = isSecurityGroupType(rc.type);
  const policyPaths = new Set<string>();

  // IAM policy documents: statement-level diff instead of two long JSON strings.
  for (const key of childKeys(rc.change.before, rc.change.after, rc.change.after_unknown)) {
    const k = String(key);
    if (!isPolicyAttribute(k)) continue;
    const diff = policyDiff(rc, [key]);
    if (diff) {
      policyPaths.add(k);
      if (kind === 'delete' && !diff.removed.length) continue;
      out.push({
        category: 'iam',
        address: rc.address,
        kind,
        attribute: k,
        before: diff.removed.length ? diff.removed.map((s) => `− ${s}`).join('\n') : ABSENT,
        after: diff.added.length
          ? diff.added.map((s) => `+ ${s}`).join('\n')
          : (diff.note ?? ABSENT),
        warning: diff.wildcard ? 'allows `*` actions on `*` resources' : undefined,
      });
    }
  }

  // A security-group rule created or deleted is one line a reviewer can read.
  if (sgType && (kind === 'create' || kind === 'delete')) {
    const side = kind === 'create' ? rc.change.after : rc.change.before;
    const unknownMask = kind === 'create' ? rc.change.after_unknown : undefined;
    const rules = ruleSummaries(rc.type, side, unknownMask);
    for (const rule of rules) {
      out.push({
        category: 'security-group',
        address: rc.address,
        kind,
        attribute: rule.attribute,
        before: kind === 'delete' ? rule.text : ABSENT,
        after: kind === 'create' ? rule.text : ABSENT,
        warning:
          kind === 'create' && OPEN_CIDR.test(rule.text) ? 'open to the internet' : undefined,
      });
    }
    if (rules.length > 0 || kind === 'delete') return out;
  }

  for (const change of attributeChanges(rc)) {
    const top = String(change.path[0]);
    if (policyPaths.has(top)) continue;
    const category = sgType ? 'security-group' : categoryOf(change.path);
    if (!category) continue;
    const warning = weakens(change);
    // A new resource's settings are its configuration, not a change: only the weak ones,
    // and every rule of a new security group, are worth a reviewer's attention. A deleted
    // resource's attributes disappear with it; only its rules matter.
    if (kind === 'create' && !warning && !sgType && category !== 'iam') continue;
    if (kind === 'delete' && !sgType && category !== 'iam') continue;
    out.push({
      category,
      address: rc.address,
      kind,
      attribute: formatPath(change.path),
      before: change.before,
      after: change.after,
      warning,
    });
  }
  return out;
}

const OPEN_CIDR = /(^|[^0-9])0\.0\.0\.0\/0|::\/0/;

interface RuleSummary {
  readonly attribute: string;
  readonly text: string;
}

/**
 * `ingress tcp 5432 from 0.0.0.0/0 ("PostgreSQL")` for each rule a security-group resource
 * holds: a standalone rule resource is one rule, a group lists its inline rules.
 */
export function ruleSummaries(type: string, value: unknown, unknownMask?: unknown): RuleSummary[] {
  if (value === null || typeof value !== 'object') return [];
  const v = value as Record<string, unknown>;
  const known = (key: string) => (maskCovers(unknownMask, [key]) ? UNKNOWN : v[key]);
  const m = /^aws_vpc_security_group_(ingress|egress)_rule$/.exec(type);
  if (m) {
    return [{ attribute: 'rule', text: ruleText(m[1], v, known) }];
  }
  if (type === 'aws_security_group_rule') {
    return [{ attribute: 'rule', text: ruleText(String(v.type ?? 'rule'), v, known) }];
  }
  const out: RuleSummary[] = [];
  for (const direction of ['ingress', 'egress']) {
    const rules = v[direction];
    if (!Array.isArray(rules)) continue;
    rules.forEach((r, i) => {
      const rule = (r ?? {}) as Record<string, unknown>;
      out.push({
        attribute: `${direction}[${i}]`,
        text: ruleText(direction, rule, (k) => rule[k]),
      });
    });
  }
  return out;
}

function ruleText(
  direction: string,
  rule: Record<string, unknown>,
  known: (key: string) => unknown,
): string {
  const protocol = String(known('ip_protocol') ?? known('protocol') ?? 'all');
  const from = known('from_port');
  const to = known('to_port');
  const portRange =
    from === to || to === undefined || to === null
      ? String(from ?? 'any')
      : `${String(from)}-${String(to)}`;
  const ports =
    protocol === '-1' || protocol === 'all' ? 'all traffic' : `${protocol} ${portRange}`;
  const peers: string[] = [];
  for (const key of [
    'cidr_ipv4',
    'cidr_ipv6',
    'cidr_blocks',
    'ipv6_cidr_blocks',
    'prefix_list_id',
    'prefix_list_ids',
    'referenced_security_group_id',
    'source_security_group_id',
    'security_groups',
  ]) {
    const value = known(key);
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) peers.push(...value.map(String));
    else peers.push(String(value));
  }
  if (rule.self === true) peers.push('self');
  const peer = peers.length > 0 ? [...new Set(peers)].sort(compare).join(', ') : '(nobody)';
  const description =
    typeof rule.description === 'string' && rule.description ? ` ("${rule.description}")` : '';
  return `${direction} ${ports} ${direction === 'egress' ? 'to' : 'from'} ${peer}${description}`;
}

function categoryOf(path: AttributePath): SecurityCategory | undefined {
  const names = path.filter((p): p is string => typeof p === 'string');
  for (let i = names.length - 1; i >= 0; i--) {
    const name = names[i];
    if (ATTRIBUTE_CATEGORIES[name]) return ATTRIBUTE_CATEGORIES[name];
    if (name.startsWith('server_side_encryption')) return 'encryption';
  }
  return undefined;
}

/** Why a new value is weaker than a safe one; undefined when it is not. */
function weakens(change: AttributeChange): string | undefined {
  const name = String(
    [...change.path].reverse().find((p) => typeof p === 'string') ?? change.path[0],
  );
  const after = change.after;
  const before = change.before;
  const off = after === 'false' || after === ABSENT || after === '""';
  if (/(^|_)(encrypted|encryption_enabled)$|^enable_key_rotation$/.test(name) && off) {
    return 'encryption turned off';
  }
  if (/kms_(master_)?key_(id|arn)$/.test(name) && after === ABSENT && before !== ABSENT) {
    return 'customer-managed key removed';
  }
  if (/^(publicly_accessible|map_public_ip_on_launch|associate_public_ip_address)$/.test(name)) {
    if (after === 'true') return 'made public';
  }
  if (
    /^(block_public_acls|block_public_policy|ignore_public_acls|restrict_public_buckets)$/.test(
      name,
    ) &&
    off
  ) {
    return 'public-access block turned off';
  }
  if (/cidr/.test(name) && /0\.0\.0\.0\/0|::\/0/.test(after)) return 'open to the internet';
  if (name === 'data_trace_enabled' && after === 'true') {
    return 'logs full request/response bodies (PHI)';
  }
  if (name === 'logging_level' && /OFF|\(none\)/.test(after)) return 'execution logging off';
  if (name === 'traffic_type' && after !== '"ALL"' && after !== UNKNOWN) {
    return 'flow logs no longer capture all traffic';
  }
  if (/^(deletion_protection|deletion_protection_enabled)$/.test(name) && off) {
    return 'deletion protection off';
  }
  if (name === 'skip_final_snapshot' && after === 'true') return 'no final snapshot on delete';
  if (name === 'force_destroy' && after === 'true') return 'deletes contents on destroy';
  if (/^(backup_retention_period|snapshot_retention_limit|retention_in_days)$/.test(name)) {
    const b = Number(before);
    const a = Number(after);
    if (after === '0') return name === 'retention_in_days' ? 'logs kept forever' : 'backups off';
    if (Number.isFinite(a) && Number.isFinite(b) && before !== ABSENT && a < b) {
      return 'retention shortened';
    }
  }
  if (name === 'enabled' && change.path.includes('point_in_time_recovery') && off) {
    return 'point-in-time recovery off';
  }
  return undefined;
}

export function isPolicyAttribute(key: string): boolean {
  return key === 'policy' || key === 'assume_role_policy' || key === 'inline_policy';
}

interface PolicyDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly wildcard: boolean;
  readonly note?: string;
}

/** Statement-level difference of a policy attribute; undefined when it did not change. */
function policyDiff(rc: ResourceChange, path: AttributePath): PolicyDiff | undefined {
  const c = rc.change;
  const unknown = maskCovers(c.after_unknown, path);
  const beforeSensitive = maskCovers(c.before_sensitive, path);
  const afterSensitive = maskCovers(c.after_sensitive, path);
  const before = valueAtPath(c.before, path);
  const after = valueAtPath(c.after, path);
  if (!unknown && jsonEqual(before, after)) return undefined;
  if (beforeSensitive || afterSensitive) {
    return { added: [], removed: [], wildcard: false, note: SENSITIVE };
  }
  const beforeStatements = statementsOf(before);
  const afterStatements = unknown ? [] : statementsOf(after);
  const removed = beforeStatements.filter((s) => !afterStatements.includes(s));
  const added = afterStatements.filter((s) => !beforeStatements.includes(s));
  if (unknown) return { added: [], removed, wildcard: false, note: UNKNOWN };
  if (added.length === 0 && removed.length === 0) return undefined;
  const wildcard = added.some((s) => /^Allow \* on \*/.test(s));
  return { added, removed, wildcard };
}

/** The statements of a policy value, each as one compact, canonical line (sorted). */
export function statementsOf(value: unknown): string[] {
  const docs: unknown[] = [];
  const collect = (v: unknown) => {
    if (typeof v === 'string' && v.trim() !== '') {
      try {
        docs.push(JSON.parse(v));
      } catch {
        docs.push({ Statement: [{ Raw: v }] });
      }
    } else if (Array.isArray(v)) {
      v.forEach(collect);
    } else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ('Statement' in o) docs.push(o);
      else if ('policy' in o) collect(o.policy);
    }
  };
  collect(value);
  const lines = docs.flatMap((doc) => {
    const st = (doc as { Statement?: unknown }).Statement;
    return (Array.isArray(st) ? st : st ? [st] : []).map(compactStatement);
  });
  return [...new Set(lines)].sort(compare);
}

function compactStatement(statement: unknown): string {
  if (statement === null || typeof statement !== 'object') return JSON.stringify(statement);
  const s = statement as Record<string, unknown>;
  if ('Raw' in s) return String(s.Raw);
  const list = (v: unknown) =>
    (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)])
      .sort(compare)
      .join(', ');
  const parts = [
    String(s.Effect ?? 'Allow'),
    list(s.Action ?? (s.NotAction ? undefined : '')) ||
      (s.NotAction ? `NOT ${list(s.NotAction)}` : ''),
    'on',
    list(s.Resource) || (s.NotResource ? `NOT ${list(s.NotResource)}` : '*'),
  ];
  if (s.Principal !== undefined) parts.push(`for ${principalText(s.Principal)}`);
  if (s.Condition !== undefined) parts.push(`if ${canonicalJson(s.Condition)}`);
  if (s.Sid) parts.push(`(${String(s.Sid)})`);
  return parts.filter((p) => p !== '').join(' ');
}

function principalText(p: unknown): string {
  if (typeof p === 'string') return p;
  if (p === null || typeof p !== 'object') return JSON.stringify(p);
  return Object.keys(p)
    .sort(compare)
    .map((k) => {
      const v = (p as Record<string, unknown>)[k];
      const vs = Array.isArray(v) ? [...v].map(String).sort(compare).join(', ') : String(v);
      return `${k}: ${vs}`;
    })
    .join('; ');
}
