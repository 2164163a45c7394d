/**
 * The changes of a plan that nobody can take back once applied, spelled out before apply:
 *
 * - an `aws_s3_bucket_object_lock_configuration` created or updated in COMPLIANCE mode: "In
 *   compliance mode, a protected object version can't be overwritten or deleted by any user,
 *   including the root user in your AWS account"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html);
 * - an `aws_backup_vault_lock_configuration` created or updated with `changeable_for_days`
 *   (compliance mode): after that cooling-off period "the vault lock becomes immutable and
 *   cannot be changed or deleted"
 *   (https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html).
 *
 * Dates count from the plan's `timestamp` (when Terraform wrote the plan), else from now.
 * Governance-mode locks are not listed: they can be removed the same day.
 */
import {
  classifyChange,
  managedChanges,
  ResourceChange,
  TerraformPlan,
  valueAtPath,
} from './plan-json';

export type IrreversibleKind = 'object-lock' | 'vault-lock';

export interface IrreversibleChange {
  readonly address: string;
  readonly kind: IrreversibleKind;
  readonly action: 'create' | 'update' | 'replace';
  /** The bucket or the vault, or `(known after apply)`. */
  readonly target: string;
  /** Object Lock: the default retention in days. Vault Lock: the cooling-off period in days. */
  readonly days: number;
  /**
   * Object Lock: the day until which an object written on the plan's day cannot be deleted.
   * Vault Lock: the day the lock becomes immutable. YYYY-MM-DD, UTC.
   */
  readonly until: string;
  /** Vault Lock: the longest retention it admits (max_retention_days), when set. */
  readonly maxRetentionDays?: number;
}

const UNKNOWN = '(known after apply)';
const DAY_MS = 24 * 60 * 60 * 1000;

/** YYYY-MM-DD of a date, UTC. */
function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The plan's own time (`timestamp`, RFC 3339) when it has one, else `now`. */
export function planTime(plan: TerraformPlan, now: Date = new Date()): Date {
  const stamp = plan.timestamp === undefined ? Number.NaN : Date.parse(plan.timestamp);
  return Number.isNaN(stamp) ? now : new Date(stamp);
}

function textAt(rc: ResourceChange, path: (string | number)[]): string {
  const value = valueAtPath(rc.change.after, path);
  return typeof value === 'string' && value !== '' ? value : UNKNOWN;
}

function numberAt(rc: ResourceChange, path: (string | number)[]): number | undefined {
  const value = valueAtPath(rc.change.after, path);
  return typeof value === 'number' ? value : undefined;
}

function objectLock(
  rc: ResourceChange,
  start: Date,
): Omit<IrreversibleChange, 'action'> | undefined {
  const retention = ['rule', 0, 'default_retention', 0];
  if (valueAtPath(rc.change.after, [...retention, 'mode']) !== 'COMPLIANCE') return undefined;
  const years = numberAt(rc, [...retention, 'years']);
  const until = new Date(start.getTime());
  let days = numberAt(rc, [...retention, 'days']) ?? 0;
  if (years !== undefined && years > 0) {
    until.setUTCFullYear(until.getUTCFullYear() + years);
    days = Math.round((until.getTime() - start.getTime()) / DAY_MS);
  } else {
    until.setTime(start.getTime() + days * DAY_MS);
  }
  return {
    address: rc.address,
    kind: 'object-lock',
    target: textAt(rc, ['bucket']),
    days,
    until: day(until),
  };
}

function vaultLock(
  rc: ResourceChange,
  start: Date,
): Omit<IrreversibleChange, 'action'> | undefined {
  const days = numberAt(rc, ['changeable_for_days']);
  if (days === undefined) return undefined;
  return {
    address: rc.address,
    kind: 'vault-lock',
    target: textAt(rc, ['backup_vault_name']),
    days,
    until: day(new Date(start.getTime() + days * DAY_MS)),
    maxRetentionDays: numberAt(rc, ['max_retention_days']),
  };
}

const READERS: Record<
  string,
  (rc: ResourceChange, start: Date) => Omit<IrreversibleChange, 'action'> | undefined
> = {
  aws_s3_bucket_object_lock_configuration: objectLock,
  aws_backup_vault_lock_configuration: vaultLock,
};

/** Every create, update or replacement of the plan that cannot be undone, by address. */
export function irreversibleChanges(
  plan: TerraformPlan,
  now: Date = new Date(),
): IrreversibleChange[] {
  const start = planTime(plan, now);
  const out: IrreversibleChange[] = [];
  for (const rc of managedChanges(plan)) {
    const read = READERS[rc.type];
    const action = classifyChange(rc.change.actions);
    if (read === undefined || (action !== 'create' && action !== 'update' && action !== 'replace'))
      continue;
    const found = read(rc, start);
    if (found !== undefined) out.push({ ...found, action });
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

function describe(change: IrreversibleChange, planDay: string): string {
  const head = `- **${change.action}** \`${change.address}\`:`;
  if (change.kind === 'object-lock') {
    return `${head} S3 Object Lock in COMPLIANCE mode on bucket \`${change.target}\`, ${change.days} days: an object written on ${planDay} cannot be deleted or overwritten by anyone, the root user included, until ${change.until}; every later object for ${change.days} days after it is written. The bucket cannot be deleted while it holds such an object.`;
  }
  const admits =
    change.maxRetentionDays === undefined
      ? ''
      : ` (recovery points kept up to ${change.maxRetentionDays} days)`;
  return `${head} AWS Backup Vault Lock in compliance mode on vault \`${change.target}\`: removable for ${change.days} days; from ${change.until} the lock is immutable: nobody, AWS included, can remove it or delete a recovery point before its retention ends${admits}, and the vault cannot be deleted while it holds one.`;
}

/** The review's "Irreversible" section; empty when the plan has nothing irreversible. */
export function irreversibleLines(plan: TerraformPlan, now: Date = new Date()): string[] {
  const changes = irreversibleChanges(plan, now);
  if (changes.length === 0) return [];
  const planDay = day(planTime(plan, now));
  return [
    `## Irreversible (${changes.length})`,
    '',
    'Once applied, these cannot be undone by anyone, the root user and AWS included. Apply only if that is the intent; a governance-mode lock (the default) protects the same data and can be removed.',
    '',
    ...changes.map((c) => describe(c, planDay)),
    '',
  ];
}
