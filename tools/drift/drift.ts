/**
 * Drift: what changed in an environment outside Terraform, read from a refresh-only plan
 * (`terraform plan -refresh-only -out=<f>`, then `terraform show -json <f>`).
 *
 * Terraform 1.11 puts each object whose remote state differs from the Terraform state in
 * `resource_drift`: `change.actions` is `["update"]` (changed outside Terraform, `before` is
 * the state, `after` what the provider read) or `["delete"]` (the object is gone, `after`
 * is null). A refresh-only plan has no `resource_changes`; a normal plan has both, and its
 * `resource_changes` (what applying the code would do) are listed apart, not counted as
 * drift. Values Terraform marks sensitive (`before_sensitive` / `after_sensitive`) are never
 * printed, only that they changed.
 *
 * An allow-list names attributes known to differ for a reason that is not drift: always
 * VOLATILE_ATTRIBUTES (what AWS changes by itself), and EMULATOR_DRIFT_ALLOW_LIST of
 * tools/emulator against the local emulator. A resource whose every difference is allowed is
 * listed, not counted.
 *
 * The security group rule check (security-group-rules.ts) adds what a refresh cannot see:
 * each rule of the stack's groups that no resource manages is drift too. When that check
 * could not ask AWS, a report with nothing else drifted is `unverified` (exit 1), never clean.
 */
import type { DriftAllowance } from '../emulator';
import {
  ABSENT,
  AttributePath,
  ResourceChange,
  SENSITIVE,
  STATEFUL_RESOURCE_TYPES,
  TerraformPlan,
  childKeys,
  classifyChange,
  compare,
  formatPath,
  jsonEqual,
  managedChanges,
  maskCovers,
  valueAtPath,
} from '../review';
import type { ExplainedAttributes, SecurityGroupRuleCheck } from './security-group-rules';

export type { DriftAllowance };

/**
 * Attributes AWS itself changes all the time: never a change someone made, on AWS as on the
 * emulator. Always allowed (listed under "Not counted" with the reason).
 */
export const VOLATILE_ATTRIBUTES: readonly DriftAllowance[] = [
  {
    resourceType: 'aws_db_instance',
    attributes: ['latest_restorable_time'],
    reason:
      'RDS moves the latest restorable time forward every few minutes while it keeps transaction logs (DescribeDBInstances LatestRestorableTime)',
  },
];

/** Exit codes of a drift check: the `npm run drift` contract (`unverified` exits `error`). */
export const DRIFT_EXIT = { clean: 0, error: 1, drifted: 2 } as const;

/**
 * `drifted`: something differs (a resource, or a security group rule outside Terraform);
 * `clean`: nothing does, and every check ran; `unverified`: nothing found, but the security
 * group rules could not be checked.
 */
export type DriftVerdict = 'drifted' | 'clean' | 'unverified';

/** One attribute that differs between the state and the remote object, printable. */
export interface DriftedAttribute {
  /** `tags.Owner`, `ingress[0].cidr_blocks` (formatPath). */
  readonly path: string;
  /** The value in the Terraform state (or `(sensitive)`, `(none)`). */
  readonly before: string;
  /** The value read from the remote object now. */
  readonly after: string;
}

export interface DriftedResource {
  readonly address: string;
  readonly type: string;
  /** `changed`: the object differs; `deleted`: it no longer exists. */
  readonly kind: 'changed' | 'deleted';
  /** What the resource holds when losing it loses data (tools/review's stateful types). */
  readonly holds?: string;
  /** The differences no allow-list entry explains (empty for a deleted object). */
  readonly attributes: readonly DriftedAttribute[];
  /** Differences an allow-list entry explains, with its reason. */
  readonly allowed: readonly (DriftedAttribute & { readonly reason: string })[];
}

export interface DriftReport {
  readonly stack: string;
  readonly environment?: string;
  readonly terraformVersion?: string;
  /** When Terraform made the plan (`timestamp` of the plan JSON). */
  readonly timestamp?: string;
  readonly verdict: DriftVerdict;
  /** Resources that drifted: each has at least one unexplained difference, or is gone. */
  readonly drifted: readonly DriftedResource[];
  /** Resources whose every difference the allow-list explains: listed, not counted. */
  readonly allowed: readonly DriftedResource[];
  /** Resources that differ only between empty values (null, [] and {}): not counted. */
  readonly emptyOnly: readonly string[];
  /** Outputs whose value differs (they follow from resources): `name (actions)`. */
  readonly outputChanges: readonly string[];
  /** A normal plan's changes (applying the code), not drift: `address (kind)`. */
  readonly pendingChanges: readonly string[];
  /** The security group rule check, when it ran (security-group-rules.ts). */
  readonly securityGroupRules?: SecurityGroupRuleCheck;
}

export interface DriftOptions {
  /** The stack the plan is of, e.g. `TapStackdev`: the report's title. */
  readonly stack: string;
  readonly environment?: string;
  /** Differences that are not drift. @default none */
  readonly allow?: readonly DriftAllowance[];
  /**
   * The security group rule check: its unmanaged rules are drift, it explains the groups'
   * `ingress` / `egress` differences, and when it could not run the report is unverified.
   * @default not run
   */
  readonly securityGroupRules?: SecurityGroupRuleCheck;
}

/** The drift in a plan JSON (refresh-only, or a normal plan's `resource_drift`). */
export function driftReport(plan: TerraformPlan, options: DriftOptions): DriftReport {
  if ((plan as { errored?: boolean }).errored === true) {
    throw new Error('the plan JSON says the plan errored: it cannot tell whether there is drift');
  }
  const drifted: DriftedResource[] = [];
  const allowed: DriftedResource[] = [];
  const emptyOnly: string[] = [];
  const rules = options.securityGroupRules;
  const explained = rules?.status === 'checked' ? rules.explained : [];
  for (const rc of plan.resource_drift ?? []) {
    if (rc.mode === 'data' || classifyChange(rc.change.actions) === 'no-op') continue;
    const resource = classifyDrift(
      rc,
      [...VOLATILE_ATTRIBUTES, ...(options.allow ?? [])],
      explained,
    );
    if (resource.kind === 'deleted' || resource.attributes.length > 0) drifted.push(resource);
    else if (resource.allowed.length > 0) allowed.push(resource);
    else emptyOnly.push(rc.address);
  }
  const byAddress = (a: DriftedResource, b: DriftedResource) => compare(a.address, b.address);
  return {
    stack: options.stack,
    environment: options.environment,
    terraformVersion: plan.terraform_version,
    timestamp: (plan as { timestamp?: string }).timestamp,
    verdict: verdictOf(drifted.length, rules),
    drifted: drifted.sort(byAddress),
    allowed: allowed.sort(byAddress),
    emptyOnly: emptyOnly.sort(compare),
    outputChanges: Object.entries(plan.output_changes ?? {})
      .filter(([, o]) => classifyChange(o.actions) !== 'no-op')
      .map(([name, o]) => `${name} (${o.actions.join('+')})`)
      .sort(compare),
    pendingChanges: managedChanges(plan)
      .map((rc) => ({ rc, kind: classifyChange(rc.change.actions) }))
      .filter(({ kind }) => kind !== 'no-op' && kind !== 'read')
      .map(({ rc, kind }) => `${rc.address} (${kind})`)
      .sort(compare),
    ...(rules ? { securityGroupRules: rules } : {}),
  };
}

function verdictOf(driftedResources: number, rules?: SecurityGroupRuleCheck): DriftVerdict {
  if (driftedResources > 0) return 'drifted';
  if (rules?.status === 'checked' && rules.unmanaged.length > 0) return 'drifted';
  return rules?.status === 'not-checked' ? 'unverified' : 'clean';
}

/** The exit code for a report: 0 clean, 2 drifted, 1 unverified (a check could not run). */
export function driftExitCode(report: Pick<DriftReport, 'verdict'>): number {
  if (report.verdict === 'drifted') return DRIFT_EXIT.drifted;
  return report.verdict === 'unverified' ? DRIFT_EXIT.error : DRIFT_EXIT.clean;
}

function classifyDrift(
  rc: ResourceChange,
  allow: readonly DriftAllowance[],
  explained: readonly ExplainedAttributes[],
): DriftedResource {
  const holds = Object.hasOwn(STATEFUL_RESOURCE_TYPES, rc.type)
    ? STATEFUL_RESOURCE_TYPES[rc.type]
    : undefined;
  const base = { address: rc.address, type: rc.type, ...(holds ? { holds } : {}) };
  if (classifyChange(rc.change.actions) !== 'update') {
    return { ...base, kind: 'deleted', attributes: [], allowed: [] };
  }
  const attributes: DriftedAttribute[] = [];
  const allowed: (DriftedAttribute & { reason: string })[] = [];
  for (const { path, attribute } of driftedAttributes(rc)) {
    const rule = allowingRule(rc, path, allow) ?? explaining(rc, path, explained);
    if (rule) allowed.push({ ...attribute, reason: rule.reason });
    else attributes.push(attribute);
  }
  return { ...base, kind: 'changed', attributes, allowed };
}

/** The allow-list entry that explains a difference at `path`, if any. */
function allowingRule(
  rc: ResourceChange,
  path: AttributePath,
  allow: readonly DriftAllowance[],
): DriftAllowance | undefined {
  return allow.find(
    (rule) =>
      rule.resourceType === rc.type &&
      (!rule.onlyWhenUnknown || maskCovers(rc.change.after_unknown, path)) &&
      covers(rule.attributes, path),
  );
}

/** The other check that explains a difference of this very resource at `path`, if any. */
function explaining(
  rc: ResourceChange,
  path: AttributePath,
  explained: readonly ExplainedAttributes[],
): ExplainedAttributes | undefined {
  return explained.find((e) => e.address === rc.address && covers(e.attributes, path));
}

/** Whether `path` is one of `attributes` or inside one. */
function covers(attributes: readonly string[], path: AttributePath): boolean {
  const text = formatPath(path);
  return attributes.some((a) => text === a || text.startsWith(`${a}.`) || text.startsWith(`${a}[`));
}

/**
 * Every difference between `before` and `after`, one per leaf (a list of scalars is one
 * leaf), sorted by path. A value marked sensitive on either side is masked on both, and a
 * sensitive block is never opened. Differences between empty values are none.
 */
export function driftedAttributes(
  rc: ResourceChange,
): { path: AttributePath; attribute: DriftedAttribute }[] {
  const c = rc.change;
  const out: { path: AttributePath; attribute: DriftedAttribute }[] = [];
  const walk = (path: (string | number)[]) => {
    const before = valueAtPath(c.before, path);
    const after = valueAtPath(c.after, path);
    if ((isEmpty(before) && isEmpty(after)) || jsonEqual(before, after)) return;
    const covered = maskCovers(c.before_sensitive, path) || maskCovers(c.after_sensitive, path);
    const leaf = !isComposite(before) && !isComposite(after);
    const list = isScalarList(before) && isScalarList(after);
    if (!covered && !leaf && !list) {
      for (const key of childKeys(before, after, undefined)) walk([...path, key]);
      return;
    }
    const secret =
      covered ||
      hasTrue(valueAtPath(c.before_sensitive, path)) ||
      hasTrue(valueAtPath(c.after_sensitive, path));
    out.push({
      path,
      attribute: {
        path: formatPath(path),
        before: secret ? SENSITIVE : display(before),
        after: secret ? SENSITIVE : display(after),
      },
    });
  };
  for (const key of childKeys(c.before, c.after, undefined)) walk([key]);
  return out;
}

const MAX_VALUE_CHARS = 120;

function display(v: unknown): string {
  if (v === undefined || v === null) return ABSENT;
  const text = JSON.stringify(v);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
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

/** null, undefined, [] and {}: Terraform treats an absent block and an empty one alike. */
function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

function hasTrue(mask: unknown): boolean {
  if (mask === true) return true;
  if (mask !== null && typeof mask === 'object') return Object.values(mask).some(hasTrue);
  return false;
}
