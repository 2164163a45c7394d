/**
 * What the day-2 plans of the e2e lifecycle must (not) do, read from `terraform show -json`:
 * a day-2 change (instance class, log retention) updates in place and replaces nothing; the
 * PostgreSQL major upgrade updates the instance in place, and creates the new family's
 * parameter group before it deletes the old one (create_before_destroy). Each check returns
 * the problems it found, in words; an empty list passes.
 */

export interface PlanChangeJson {
  readonly address: string;
  readonly type: string;
  readonly mode?: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: Record<string, unknown> | null;
    readonly after?: Record<string, unknown> | null;
  };
}

export interface PlanJsonFile {
  readonly resource_changes?: readonly PlanChangeJson[];
}

const QUIET = new Set(['no-op', 'read']);

/** Managed resource changes that do something (not no-op, not a data read). */
export function activeChanges(plan: PlanJsonFile): PlanChangeJson[] {
  return (plan.resource_changes ?? []).filter(
    (rc) => rc.mode !== 'data' && !rc.change.actions.every((a) => QUIET.has(a)),
  );
}

function actionsOf(rc: PlanChangeJson): string {
  return rc.change.actions.join('+');
}

/** One line per active change: "update aws_db_instance.x". */
export function summarizePlan(plan: PlanJsonFile): string[] {
  return activeChanges(plan).map((rc) => `${actionsOf(rc)} ${rc.address}`);
}

export interface Day2Expectation {
  readonly instanceClass: string;
  readonly logRetentionDays: number;
}

/** The day-2 change: only in-place updates; the instance class and every retention as asked. */
export function day2Problems(plan: PlanJsonFile, expected: Day2Expectation): string[] {
  const problems: string[] = [];
  const changes = activeChanges(plan);
  for (const rc of changes) {
    if (actionsOf(rc) !== 'update')
      problems.push(
        `${rc.address} is planned as ${actionsOf(rc)}; a day-2 change must update in place`,
      );
  }
  const db = changes.filter((rc) => rc.type === 'aws_db_instance');
  if (db.length !== 1) problems.push(`expected one aws_db_instance change, found ${db.length}`);
  for (const rc of db) {
    const after = rc.change.after?.instance_class;
    if (after !== expected.instanceClass)
      problems.push(
        `${rc.address} instance_class is planned as ${String(after)}, expected ${expected.instanceClass}`,
      );
  }
  const logGroups = (plan.resource_changes ?? []).filter(
    (rc) => rc.type === 'aws_cloudwatch_log_group',
  );
  if (logGroups.length === 0) problems.push('the plan has no aws_cloudwatch_log_group');
  for (const rc of logGroups) {
    const after = rc.change.after?.retention_in_days;
    if (after !== expected.logRetentionDays)
      problems.push(
        `${rc.address} retention_in_days is planned as ${String(after)}, expected ${expected.logRetentionDays}`,
      );
  }
  return problems;
}

export interface UpgradeExpectation {
  /** The engine_version the instance moves to, e.g. "16". */
  readonly engineVersion: string;
  /** The parameter group's family before and after, e.g. postgres15 → postgres16. */
  readonly oldFamily: string;
  readonly newFamily: string;
  /**
   * The new group's name_prefix (Terraform adds a unique suffix, so the name is known only
   * after apply: the new group never collides with the old one).
   */
  readonly newNamePrefix: string;
}

/**
 * The major upgrade: aws_db_instance is `update` (never delete/create) to the new version and
 * parameter group; the parameter group is replaced create-then-delete; nothing else is
 * deleted or replaced.
 */
export function upgradeProblems(plan: PlanJsonFile, expected: UpgradeExpectation): string[] {
  const problems: string[] = [];
  const changes = activeChanges(plan);
  const db = changes.filter((rc) => rc.type === 'aws_db_instance');
  if (db.length !== 1) problems.push(`expected one aws_db_instance change, found ${db.length}`);
  for (const rc of db) {
    if (actionsOf(rc) !== 'update')
      problems.push(
        `${rc.address} is planned as ${actionsOf(rc)}; the upgrade must update it in place`,
      );
    const after = rc.change.after ?? {};
    if (after.engine_version !== expected.engineVersion)
      problems.push(
        `${rc.address} engine_version is planned as ${String(after.engine_version)}, expected ${expected.engineVersion}`,
      );
    const group = after.parameter_group_name;
    if (group !== undefined && !String(group).startsWith(expected.newNamePrefix))
      problems.push(
        `${rc.address} parameter_group_name is planned as ${String(group)}, expected ${expected.newNamePrefix}…`,
      );
  }
  const groups = changes.filter((rc) => rc.type === 'aws_db_parameter_group');
  const replaced = groups.filter(
    (rc) =>
      rc.change.before?.family === expected.oldFamily &&
      rc.change.after?.family === expected.newFamily &&
      rc.change.after?.name_prefix === expected.newNamePrefix,
  );
  if (replaced.length !== 1)
    problems.push(
      `expected the ${expected.oldFamily} parameter group to be replaced by a ${expected.newFamily} one named ${expected.newNamePrefix}…`,
    );
  for (const rc of replaced) {
    if (actionsOf(rc) !== 'create+delete')
      problems.push(
        `${rc.address} is planned as ${actionsOf(rc)}; the new group must be created before the old one is deleted (create+delete)`,
      );
  }
  for (const rc of changes) {
    if (
      rc.type === 'aws_db_parameter_group' ||
      actionsOf(rc) === 'update' ||
      actionsOf(rc) === 'create'
    )
      continue;
    problems.push(
      `${rc.address} is planned as ${actionsOf(rc)}; the upgrade must delete or replace nothing else`,
    );
  }
  return problems;
}
