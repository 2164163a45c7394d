/**
 * Whether a saved plan changes anything, so the delivery workflow asks for an approval
 * only when there is something to apply: a managed resource to create, update, replace,
 * delete or forget, or an output to change. Data-source reads and drift that the apply
 * would only record are not changes.
 */
import { join } from 'node:path';
import { classifyChange, managedChanges, readPlanFile, TerraformPlan } from '../review';
import type { ChangeKind } from '../review';

export interface PlanChanges {
  readonly changes: boolean;
  /** `2 create, 1 update, 1 output` or `no changes`. */
  readonly summary: string;
}

const ORDER: readonly ChangeKind[] = ['create', 'update', 'replace', 'delete', 'forget'];

export function planChanges(plan: TerraformPlan): PlanChanges {
  const counts = new Map<string, number>();
  for (const rc of managedChanges(plan)) {
    const kind = classifyChange(rc.change.actions);
    if (ORDER.includes(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const outputs = Object.values(plan.output_changes ?? {}).filter(
    (o) => classifyChange(o.actions) !== 'no-op',
  ).length;
  const parts = ORDER.filter((k) => counts.has(k)).map((k) => `${counts.get(k)} ${k}`);
  if (outputs > 0) parts.push(`${outputs} output${outputs === 1 ? '' : 's'}`);
  return { changes: parts.length > 0, summary: parts.length > 0 ? parts.join(', ') : 'no changes' };
}

/** planChanges of `<dir>/plan.json`, the plan folder `npm run plan -- --save <dir>` writes. */
export function planFolderChanges(dir: string): PlanChanges {
  return planChanges(readPlanFile(join(dir, 'plan.json')));
}
