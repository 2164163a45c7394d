/**
 * A plan guard rule: a PostgreSQL major version upgrade of an `aws_db_instance` (its
 * `engine_version` major, or the family of a DB parameter group in the same plan, changes)
 * planned with `apply_immediately = false`.
 *
 * AWS defers such a change: "Changing this parameter results in an outage and the change is
 * applied during the next maintenance window unless the ApplyImmediately parameter is enabled
 * for this request" (ModifyDBInstance EngineVersion,
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html), and a
 * major upgrade must name a parameter group of the new family in the same call, so the new
 * group is pending with it. The instance keeps its old group until the window: Terraform's
 * deletion of that group (the create-before-destroy replacement's last step) fails because
 * the group is in use, and every plan until the window shows the upgrade again
 * (docs/database-upgrades.md). Not overridable with --allow: nothing is lost, the apply just
 * cannot finish; the fix is to apply it immediately in a window the operator chooses.
 */
import { managedChanges, ResourceChange, TerraformPlan } from './plan-json';

/** The major of a PostgreSQL version: `16.4` → `16`, `16` → `16`, `9.6.24` → `9.6`. */
export function postgresMajor(version: string): string {
  const parts = version.split('.');
  return Number(parts[0]) < 10 ? parts.slice(0, 2).join('.') : parts[0];
}

const attr = (value: unknown, key: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
const text = (value: unknown, key: string): string | undefined => {
  const v = attr(value, key);
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** Parameter group families that change in the plan: `postgres16 → postgres17`. */
function familyChanges(plan: TerraformPlan): string[] {
  const changes: string[] = [];
  const created: string[] = [];
  const deleted: string[] = [];
  for (const rc of managedChanges(plan)) {
    if (rc.type !== 'aws_db_parameter_group') continue;
    const before = text(rc.change.before, 'family');
    const after = text(rc.change.after, 'family');
    if (before !== undefined && after !== undefined && before !== after) {
      changes.push(`${before} → ${after}`);
    } else if (after !== undefined && before === undefined) {
      created.push(after);
    } else if (before !== undefined && after === undefined) {
      deleted.push(before);
    }
  }
  for (const family of created.filter((f) => deleted.length > 0 && !deleted.includes(f))) {
    changes.push(`${deleted.join(', ')} → ${family}`);
  }
  return changes;
}

/** The engine change of an updated PostgreSQL instance, when its major changes. */
function majorChange(rc: ResourceChange): string | undefined {
  const { before, after } = rc.change;
  if (text(before, 'engine') !== 'postgres' && text(after, 'engine') !== 'postgres') return;
  const from = text(before, 'engine_version_actual') ?? text(before, 'engine_version');
  const to = text(after, 'engine_version');
  if (from === undefined || to === undefined) return undefined;
  return postgresMajor(from) !== postgresMajor(to) ? `${from} → ${to}` : undefined;
}

/** One problem per instance whose major upgrade would wait for the maintenance window. */
export function deferredMajorUpgrades(plan: TerraformPlan): string[] {
  const families = familyChanges(plan);
  const problems: string[] = [];
  for (const rc of managedChanges(plan)) {
    if (rc.type !== 'aws_db_instance') continue;
    const actions = rc.change.actions;
    if (actions.length !== 1 || actions[0] !== 'update') continue;
    if (attr(rc.change.after, 'apply_immediately') === true) continue;
    const version = majorChange(rc);
    if (version === undefined && families.length === 0) continue;
    const what = [
      ...(version !== undefined ? [`engine_version ${version}`] : []),
      ...(families.length > 0 ? [`parameter group family ${families.join('; ')}`] : []),
    ].join(', ');
    problems.push(
      `${rc.address}: PostgreSQL major version upgrade (${what}) with apply_immediately = false: RDS defers it to the maintenance window, the instance keeps its old parameter group, so Terraform's deletion of that group fails (still in use) and every plan until the window shows the upgrade again. Plan it with DB_APPLY_IMMEDIATELY=true for this deploy (apply_immediately = true), run in a window you choose, then unset it (docs/database-upgrades.md)`,
    );
  }
  return problems;
}
