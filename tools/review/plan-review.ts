/**
 * The plan review: Terraform plan JSON (`terraform show -json <planfile>`) turned into
 * Markdown a reviewer reads like a change request. Order of the document:
 *
 *   1. title (stack, environment), counts by action, the plan guard's verdict;
 *   2. every replacement and deletion, first, each flagged when it destroys stateful data;
 *   3. security-relevant attribute changes with before → after values, by category;
 *   4. every other change, grouped by action.
 *
 * Sensitive values (before_sensitive/after_sensitive) are never printed, values Terraform
 * learns only during apply (after_unknown) are shown as such, and the output is sorted so
 * the same plan always gives the same text.
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import {
  AttributePath,
  ChangeKind,
  classifyChange,
  describeActionReason,
  formatPath,
  managedChanges,
  maskCovers,
  parsePlan,
  readPlanFile,
  ResourceChange,
  TerraformPlan,
  valueAtPath,
} from './plan-json';
import { guardPlan, isStateful, PlanGuardVerdict } from './plan-guard';

export const SENSITIVE = '(sensitive)';
export const UNKNOWN = '(known after apply)';
const ABSENT = '(none)';
const MAX_VALUE_CHARS = 120;

/** The actions the counts report, in the order they are shown. */
export const COUNTED_ACTIONS = ['create', 'update', 'replace', 'delete', 'no-op'] as const;
export type CountedAction = (typeof COUNTED_ACTIONS)[number];

export interface ReviewOptions {
  /** Addresses the operator explicitly allows the guard to let through (its override). */
  readonly guardAllow?: readonly string[];
  /** @default - read from the plan file's folder (`cdktf.out/stacks/<stack>/`), else none */
  readonly stack?: string;
  /** @default - the `Environment` tag of the planned resources, else none */
  readonly environment?: string;
}

export interface PlanReview {
  readonly markdown: string;
  readonly counts: Readonly<Record<CountedAction, number>>;
  /** The plan guard refuses this plan (a stateful resource would be destroyed). */
  readonly blocked: boolean;
}

export type SecurityCategory =
  | 'encryption'
  | 'public-access'
  | 'security-group'
  | 'iam'
  | 'logging'
  | 'deletion-protection'
  | 'backups';

const CATEGORY_TITLES: Record<SecurityCategory, string> = {
  encryption: 'Encryption',
  'public-access': 'Public access',
  'security-group': 'Security-group rules',
  iam: 'IAM policies',
  logging: 'Logging',
  'deletion-protection': 'Deletion protection',
  backups: 'Backups',
};

const CATEGORY_ORDER = Object.keys(CATEGORY_TITLES) as SecurityCategory[];

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

/** Attributes never worth a line: bookkeeping, not configuration. */
const NOISE_ATTRIBUTES = new Set(['tags', 'tags_all', 'timeouts', 'id', 'arn']);

/** Security-group resources: every change to them is a rule change worth reviewing. */
export function isSecurityGroupType(type: string): boolean {
  return (
    type.startsWith('aws_security_group') ||
    type === 'aws_default_security_group' ||
    /^aws_vpc_security_group_(ingress|egress)_rule$/.test(type)
  );
}

/** One attribute that differs between before and after, with printable values. */
export interface AttributeChange {
  readonly path: AttributePath;
  readonly before: string;
  readonly after: string;
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

/** Reviews a plan; `planJson` is the parsed output of `terraform show -json`. */
export function reviewPlan(planJson: unknown, options: ReviewOptions = {}): PlanReview {
  const plan = parsePlan(planJson);
  const changes = [...managedChanges(plan)].sort((a, b) => compare(a.address, b.address));
  const kinds = new Map(changes.map((rc) => [rc.address, classifyChange(rc.change.actions)]));
  const kindOf = (rc: ResourceChange) => kinds.get(rc.address)!;

  const counts: Record<CountedAction, number> = {
    create: 0,
    update: 0,
    replace: 0,
    delete: 0,
    'no-op': 0,
  };
  for (const rc of changes) {
    const kind = kindOf(rc);
    if ((COUNTED_ACTIONS as readonly string[]).includes(kind)) counts[kind as CountedAction]++;
  }

  const verdict = guardPlan(plan, { allow: options.guardAllow ?? [] });
  const environment = options.environment ?? environmentOf(changes);
  const lines: string[] = [];

  const subject = [options.stack, environment ? `environment \`${environment}\`` : undefined]
    .filter((s) => s)
    .join(', ');
  lines.push(`# Plan review${subject ? `: ${subject}` : ''}`, '');
  if (plan.terraform_version) lines.push(`Terraform ${plan.terraform_version}.`, '');
  lines.push('| Create | Update | Replace | Delete | No-op |');
  lines.push('| ---: | ---: | ---: | ---: | ---: |');
  lines.push(`| ${COUNTED_ACTIONS.map((a) => counts[a]).join(' | ')} |`, '');
  lines.push(...verdictLines(verdict), '');

  // 1. Replacements and deletions, first.
  const destroying = changes.filter((rc) => ['replace', 'delete'].includes(kindOf(rc)));
  destroying.sort(
    (a, b) =>
      Number(isStateful(b.type)) - Number(isStateful(a.type)) ||
      compare(kindOf(a), kindOf(b)) ||
      compare(a.address, b.address),
  );
  lines.push(`## Replacements and deletions (${destroying.length})`, '');
  if (destroying.length === 0) lines.push('None: no existing object is destroyed.', '');
  for (const rc of destroying) lines.push(...destroyingLines(rc, kindOf(rc), verdict));
  if (destroying.length > 0) lines.push('');

  // 2. Security-relevant changes.
  const findings = changes
    .filter((rc) => kindOf(rc) !== 'no-op')
    .flatMap((rc) => securityFindings(rc, kindOf(rc)));
  lines.push(`## Security-relevant changes (${findings.length})`, '');
  if (findings.length === 0) {
    lines.push(
      'None: no change to encryption, public access, security groups, IAM policies, logging, deletion protection or backups.',
      '',
    );
  }
  for (const category of CATEGORY_ORDER) {
    const rows = findings.filter((f) => f.category === category);
    if (rows.length === 0) continue;
    lines.push(`### ${CATEGORY_TITLES[category]}`, '');
    lines.push('| Resource | Change | Attribute | Before | After | |');
    lines.push('| --- | --- | --- | --- | --- | --- |');
    for (const f of rows) {
      lines.push(
        `| \`${f.address}\` | ${f.kind} | \`${f.attribute}\` | ${cell(f.before)} | ${cell(f.after)} | ${f.warning ? `⚠️ ${f.warning}` : ''} |`,
      );
    }
    lines.push('');
  }

  // 3. Everything else, grouped by action.
  lines.push('## Other changes', '');
  const others: ChangeKind[] = ['create', 'update', 'read', 'forget'];
  let listed = 0;
  for (const kind of others) {
    const group = changes.filter((rc) => kindOf(rc) === kind);
    if (group.length === 0) continue;
    listed += group.length;
    lines.push(`### ${capitalize(kind)} (${group.length})`, '');
    for (const rc of group) {
      lines.push(`- \`${rc.address}\``);
      if (kind === 'update') {
        for (const c of attributeChanges(rc)) {
          const change = isPolicyAttribute(String(c.path[0]))
            ? '_statement changes under IAM policies above_'
            : `${inline(c.before)} → ${inline(c.after)}`;
          lines.push(`  - \`${formatPath(c.path)}\`: ${change}`);
        }
      }
    }
    lines.push('');
  }
  if (listed === 0) lines.push('None.', '');
  if (counts['no-op'] > 0) {
    lines.push(`${counts['no-op']} resource(s) unchanged (no-op) are not listed.`, '');
  }

  return { markdown: `${lines.join('\n').trimEnd()}\n`, counts, blocked: verdict.blocked };
}

/** Reads plan JSON from a file, writes the review as Markdown, and returns it. */
export function writeReview(
  planJsonPath: string,
  outMarkdownPath: string,
  options: ReviewOptions = {},
): PlanReview {
  const plan: TerraformPlan = readPlanFile(planJsonPath);
  const stack = options.stack ?? stackFromPath(planJsonPath);
  const review = reviewPlan(plan, { ...options, stack });
  writeFileSync(outMarkdownPath, review.markdown);
  return review;
}

/** `cdktf.out/stacks/TapStackprod/plan.json` → `TapStackprod`. */
export function stackFromPath(path: string): string | undefined {
  const folder = dirname(path);
  return basename(dirname(folder)) === 'stacks' ? basename(folder) : undefined;
}

function verdictLines(verdict: PlanGuardVerdict): string[] {
  const out: string[] = [];
  const findings = [...verdict.findings].sort((a, b) => compare(a.address, b.address));
  const blocked = findings.filter((f) => f.decision === 'blocked');
  const allowed = findings.filter((f) => f.decision === 'allowed');
  if (verdict.blocked) {
    out.push(
      `**⛔ Plan guard: BLOCKED.** ` +
        (blocked.length > 0
          ? `This plan destroys stateful data: ${blocked.map((f) => `\`${f.address}\``).join(', ')}. ` +
            'Apply it only once the data is known to be safe (a snapshot or export exists), by naming each address in the guard override (`--allow <address>`).'
          : ''),
    );
    for (const problem of verdict.problems) out.push(`- ${problem}`);
  } else if (allowed.length > 0) {
    out.push(
      `**Plan guard: passes with override** for ${allowed.map((f) => `\`${f.address}\``).join(', ')}: their data will be destroyed.`,
    );
  } else {
    out.push('**Plan guard: passes.** No stateful resource is replaced or deleted.');
  }
  for (const unused of [...verdict.unusedAllows].sort(compare)) {
    out.push(
      '',
      `Note: the override \`${unused}\` matches no deletion or replacement of a stateful resource.`,
    );
  }
  return out;
}

function destroyingLines(
  rc: ResourceChange,
  kind: ChangeKind,
  verdict: PlanGuardVerdict,
): string[] {
  const finding = verdict.findings.find((f) => f.address === rc.address);
  const guard = !finding
    ? 'not stateful'
    : finding.decision === 'allowed'
      ? `**stateful** (${finding.holds}): allowed by override`
      : `**stateful** (${finding.holds}): ⛔ BLOCKED by the plan guard`;
  const out = [`- **${kind}** \`${rc.address}\` (${rc.type}): ${guard}`];
  const reason = describeActionReason(rc.action_reason);
  if (reason) out.push(`  - why: ${reason}`);
  const paths = (rc.change.replace_paths ?? []).map((p) => formatPath(p)).sort(compare);
  if (kind === 'replace' && paths.length > 0) {
    const byPath = new Map(attributeChanges(rc).map((c) => [formatPath(c.path), c]));
    for (const p of paths) {
      const c = byPath.get(p);
      out.push(
        c
          ? `  - forces replacement: \`${p}\`: ${inline(c.before)} → ${inline(c.after)}`
          : `  - forces replacement: \`${p}\``,
      );
    }
  }
  return out;
}

/**
 * Every attribute that differs, one entry per leaf (lists of scalars count as one leaf),
 * with sensitive values masked and unknown values named. Tags and ids are left out.
 */
export function attributeChanges(rc: ResourceChange): AttributeChange[] {
  const c = rc.change;
  const out: AttributeChange[] = [];
  const walk = (path: (string | number)[]) => {
    const before = valueAtPath(c.before, path);
    const after = valueAtPath(c.after, path);
    const unknown = maskCovers(c.after_unknown, path);
    const beforeSensitive = maskCovers(c.before_sensitive, path);
    const afterSensitive = maskCovers(c.after_sensitive, path);
    const unknownMask = valueAtPath(c.after_unknown, path);
    const composite = isComposite(before) || isComposite(after) || isComposite(unknownMask);
    if (composite && !(isScalarList(before) && isScalarList(after))) {
      const keys = childKeys(before, after, unknownMask);
      for (const key of keys) walk([...path, key]);
      return;
    }
    if (!unknown && jsonEqual(before, after)) return;
    out.push({
      path,
      before: beforeSensitive ? SENSITIVE : display(before),
      after: afterSensitive ? SENSITIVE : unknown ? UNKNOWN : display(after),
    });
  };
  for (const key of childKeys(c.before, c.after, c.after_unknown)) {
    if (!NOISE_ATTRIBUTES.has(String(key))) walk([key]);
  }
  return out;
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

function isPolicyAttribute(key: string): boolean {
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

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort(compare)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function environmentOf(changes: readonly ResourceChange[]): string | undefined {
  const found = new Set<string>();
  for (const rc of changes) {
    for (const side of [rc.change.after, rc.change.before]) {
      for (const key of ['tags_all', 'tags']) {
        const env = valueAtPath(side, [key, 'Environment']);
        if (typeof env === 'string' && env) found.add(env);
      }
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}

function childKeys(before: unknown, after: unknown, unknownMask: unknown): (string | number)[] {
  const keys = new Set<string | number>();
  for (const v of [before, after, unknownMask]) {
    if (Array.isArray(v)) v.forEach((_, i) => keys.add(i));
    else if (v !== null && typeof v === 'object') Object.keys(v).forEach((k) => keys.add(k));
  }
  return [...keys].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : compare(String(a), String(b)),
  );
}

function isComposite(v: unknown): boolean {
  return v !== null && typeof v === 'object';
}

function isScalarList(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'))
  );
}

function display(v: unknown): string {
  if (v === undefined || v === null) return ABSENT;
  const text = JSON.stringify(v);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === undefined ? null : v);
  return canonicalJson(norm(a)) === canonicalJson(norm(b));
}

/** A value inside inline Markdown text. */
function inline(v: string): string {
  return v.startsWith('(') ? `_${v}_` : `\`${v.replace(/`/g, "'")}\``;
}

/** A value inside a Markdown table cell: pipes escaped, lines joined with <br>. */
function cell(v: string): string {
  return v
    .split('\n')
    .map((line) =>
      line.startsWith('(') ? `_${line}_` : `\`${line.replace(/`/g, "'").replace(/\|/g, '\\|')}\``,
    )
    .join('<br>');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
