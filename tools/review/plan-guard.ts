/**
 * The plan guard: refuses a Terraform plan that would delete or replace a resource holding
 * state (a database, a cache, a KMS key, a secret, a bucket, a table, an audit log group)
 * unless the operator names that exact address in an override.
 *
 *   const verdict = guardPlanFile('plan.json', { allow: ['aws_db_instance.db'] });
 *   console.log(formatVerdict(verdict));
 *   if (verdict.blocked) process.exit(1);
 */
import { table } from '../core';
import {
  AttributePath,
  ChangeKind,
  ResourceChange,
  TerraformPlan,
  classifyChange,
  describeActionReason,
  formatPath,
  managedChanges,
  maskCovers,
  readPlanFile,
  valueAtPath,
} from './plan-json';
import { deferredMajorUpgrades } from './major-upgrade';

export { classifyChange } from './plan-json';
export type { ChangeKind } from './plan-json';

/**
 * Resource types whose deletion loses data or makes data unreadable, with what they hold.
 * Replacing one is a deletion too: the new object starts empty (or, for a KMS key, cannot
 * decrypt what the old key encrypted).
 */
export const STATEFUL_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  aws_db_instance: 'database (PHI)',
  aws_rds_cluster: 'database cluster (PHI)',
  aws_rds_global_cluster: 'global database (PHI)',
  aws_db_snapshot: 'database snapshot',
  aws_db_cluster_snapshot: 'database cluster snapshot',
  aws_elasticache_replication_group: 'cache (sessions, cached PHI)',
  aws_elasticache_cluster: 'cache node (sessions, cached PHI)',
  aws_elasticache_serverless_cache: 'cache (sessions, cached PHI)',
  aws_kms_key: 'encryption key: data it encrypted becomes unreadable',
  aws_kms_replica_key: 'encryption key replica',
  aws_kms_external_key: 'encryption key (imported material)',
  aws_secretsmanager_secret: 'secret (credentials)',
  aws_s3_bucket: 'bucket (Terraform state, objects)',
  aws_dynamodb_table: 'table (state lock, items)',
  aws_cloudwatch_log_group: 'log group (audit logs)',
  aws_efs_file_system: 'file system',
  aws_ebs_volume: 'block volume',
  aws_backup_vault: 'backup vault (recovery points)',
  aws_docdb_cluster: 'document database cluster',
  aws_opensearch_domain: 'search domain',
};

/** True when deleting or replacing a resource of this type loses data. */
export function isStateful(type: string): boolean {
  return Object.hasOwn(STATEFUL_RESOURCE_TYPES, type);
}

export interface PlanGuardOptions {
  /** Exact resource addresses the operator accepts to delete or replace. @default none */
  readonly allow?: readonly string[];
  /** Type → what it holds. @default STATEFUL_RESOURCE_TYPES */
  readonly statefulTypes?: Readonly<Record<string, string>>;
}

/** One attribute whose change forces the replacement, with printable values. */
export interface ForcingAttribute {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

export interface GuardFinding {
  readonly address: string;
  readonly type: string;
  /** What the resource holds, from the stateful type table. */
  readonly holds: string;
  readonly kind: Extract<ChangeKind, 'replace' | 'delete'>;
  /** Why Terraform deletes or replaces it, in words. */
  readonly reason: string;
  readonly forcingAttributes: readonly ForcingAttribute[];
  readonly decision: 'blocked' | 'allowed';
}

export interface PlanGuardVerdict {
  readonly blocked: boolean;
  /** Every deletion or replacement of a stateful resource, blocked or allowed. */
  readonly findings: readonly GuardFinding[];
  /** Overrides that matched no deletion or replacement of a stateful resource. */
  readonly unusedAllows: readonly string[];
  /** Plan-level reasons to refuse (e.g. the plan errored and is incomplete). */
  readonly problems: readonly string[];
  /** Count of managed resource changes per kind, for the summary line. */
  readonly counts: Readonly<Record<ChangeKind, number>>;
}

/** Judges a parsed plan. Pure: no I/O. */
export function guardPlan(plan: TerraformPlan, options: PlanGuardOptions = {}): PlanGuardVerdict {
  const stateful = options.statefulTypes ?? STATEFUL_RESOURCE_TYPES;
  const allow = new Set(options.allow ?? []);
  const used = new Set<string>();
  const counts: Record<ChangeKind, number> = {
    create: 0,
    update: 0,
    replace: 0,
    delete: 0,
    read: 0,
    forget: 0,
    'no-op': 0,
  };
  const findings: GuardFinding[] = [];

  for (const rc of managedChanges(plan)) {
    const kind = classifyChange(rc.change.actions);
    counts[kind] += 1;
    if ((kind !== 'replace' && kind !== 'delete') || !Object.hasOwn(stateful, rc.type)) continue;
    const allowed = allow.has(rc.address);
    if (allowed) used.add(rc.address);
    findings.push({
      address: rc.address,
      type: rc.type,
      holds: stateful[rc.type],
      kind,
      reason: explain(rc, kind),
      forcingAttributes: kind === 'replace' ? forcingAttributes(rc) : [],
      decision: allowed ? 'allowed' : 'blocked',
    });
  }

  const problems: string[] = [];
  if (plan.errored === true) {
    problems.push(
      'the plan errored, so it is incomplete: fix the errors and plan again before it can be vouched for',
    );
  }
  problems.push(...deferredMajorUpgrades(plan));
  return {
    blocked: problems.length > 0 || findings.some((f) => f.decision === 'blocked'),
    findings,
    unusedAllows: [...allow].filter((a) => !used.has(a)),
    problems,
    counts,
  };
}

/** Reads a `terraform show -json` file and judges it. */
export function guardPlanFile(path: string, options: PlanGuardOptions = {}): PlanGuardVerdict {
  return guardPlan(readPlanFile(path), options);
}

function explain(rc: ResourceChange, kind: 'replace' | 'delete'): string {
  const parts: string[] = [];
  const paths = rc.change.replace_paths ?? [];
  if (kind === 'replace' && paths.length > 0) {
    parts.push(`replaced because ${paths.map(formatPath).join(', ')} cannot change in place`);
  } else {
    parts.push(kind === 'replace' ? 'replaced' : 'deleted');
  }
  const because = describeActionReason(rc.action_reason);
  if (because !== undefined && rc.action_reason !== 'replace_because_cannot_update') {
    parts.push(because);
  }
  if (rc.deposed !== undefined) parts.push(`deposed object ${rc.deposed}`);
  return parts.join('; ');
}

function forcingAttributes(rc: ResourceChange): ForcingAttribute[] {
  const c = rc.change;
  return (c.replace_paths ?? []).map((path) => ({
    path: formatPath(path),
    before: show(c.before, c.before_sensitive, undefined, path),
    after: show(c.after, c.after_sensitive, c.after_unknown, path),
  }));
}

const MAX_VALUE_CHARS = 60;

function show(value: unknown, sensitive: unknown, unknown: unknown, path: AttributePath): string {
  if (maskCovers(sensitive, path)) return '(sensitive)';
  if (maskCovers(unknown, path)) return '(known after apply)';
  const text = JSON.stringify(valueAtPath(value, path) ?? null);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** The verdict as a table an operator reads in a deploy log. */
export function formatVerdict(verdict: PlanGuardVerdict): string {
  const c = verdict.counts;
  const lines: string[] = [
    `Plan guard: ${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete` +
      (c.forget > 0 ? `, ${c.forget} to forget` : ''),
  ];
  if (verdict.findings.length === 0) {
    lines.push('No stateful resource is deleted or replaced.');
  } else {
    const rows = verdict.findings.map((f) => [
      f.decision === 'blocked' ? 'BLOCKED' : 'allowed',
      f.kind,
      f.address,
      `${f.holds}; ${f.reason}` +
        f.forcingAttributes.map((a) => `\n  ${a.path}: ${a.before} -> ${a.after}`).join(''),
    ]);
    lines.push(table(['VERDICT', 'ACTION', 'ADDRESS', 'WHY'], rows));
  }
  for (const unused of verdict.unusedAllows) {
    lines.push(
      `warning: --allow ${unused} is unused: no deletion or replacement of a stateful resource has that address (check the spelling against the ADDRESS column)`,
    );
  }
  for (const problem of verdict.problems) lines.push(`BLOCKED: ${problem}`);
  const blocked = verdict.findings.filter((f) => f.decision === 'blocked');
  if (verdict.blocked) {
    lines.push(
      `Verdict: BLOCKED${blocked.length > 0 ? ` (${blocked.length} stateful resource${blocked.length === 1 ? '' : 's'} would lose data)` : ''}.`,
    );
    if (blocked.length > 0) {
      lines.push(
        'If the loss is intended (a snapshot or export exists), rerun naming each address:\n' +
          `  npm run plan:guard -- <plan.json> ${blocked.map((f) => `--allow '${f.address}'`).join(' ')}\n` +
          'Otherwise change the configuration so the plan updates in place (or use a moved block for a rename).',
      );
    }
  } else {
    lines.push('Verdict: OK');
  }
  return lines.join('\n');
}

export interface PlanGuardArgs {
  readonly planPath: string;
  readonly allow: readonly string[];
}

export const PLAN_GUARD_USAGE =
  'usage: npm run plan:guard -- <plan.json> [--allow <address>]...\n' +
  '  <plan.json>  output of "terraform show -json <planfile>"\n' +
  '  --allow      accept deleting or replacing this exact resource address (repeatable)';

/** Parses the CLI arguments; throws an Error with the usage text when they are wrong. */
export function parseGuardArgs(argv: readonly string[]): PlanGuardArgs {
  const allow: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--allow') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) {
        throw new Error(`--allow needs a resource address\n${PLAN_GUARD_USAGE}`);
      }
      allow.push(value);
    } else if (arg.startsWith('--allow=')) {
      allow.push(arg.slice('--allow='.length));
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}\n${PLAN_GUARD_USAGE}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) {
    throw new Error(
      `expected exactly one plan JSON file, got ${positional.length}\n${PLAN_GUARD_USAGE}`,
    );
  }
  return { planPath: positional[0], allow };
}

/**
 * The CLI in one call: parses arguments, judges the plan, prints, returns the exit code
 * (0 OK, 1 blocked, 2 bad arguments or unreadable plan).
 */
export function runPlanGuardCli(
  argv: readonly string[],
  io: { out: (text: string) => void; err: (text: string) => void } = {
    out: (t) => console.log(t),
    err: (t) => console.error(t),
  },
): number {
  let verdict: PlanGuardVerdict;
  try {
    const args = parseGuardArgs(argv);
    verdict = guardPlanFile(args.planPath, { allow: args.allow });
  } catch (e) {
    io.err(`plan guard: ${(e as Error).message}`);
    return 2;
  }
  io.out(formatVerdict(verdict));
  return verdict.blocked ? 1 : 0;
}
