/**
 * Idempotency check of the e2e run: after deploy, `terraform plan` must propose no
 * change. The only exceptions are attributes the emulator does not store or read
 * back; each is listed here with the gap that causes it (docs/e2e.md). A change on
 * any other attribute, any replace/delete/create, or any output change fails.
 */

import { EMULATOR_DRIFT_ALLOW_LIST } from '../emulator';
import type { DriftAllowance } from '../emulator';

export { EMULATOR_DRIFT_ALLOW_LIST };
export type { DriftAllowance };

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  /** Top-level attributes whose planned value differs (or is unknown after apply). */
  readonly attributes: readonly string[];
}

export interface DriftVerdict {
  readonly allowed: ReadonlyArray<PlannedChange & { reason: string }>;
  readonly refused: ReadonlyArray<PlannedChange & { why: string }>;
  readonly outputChanges: readonly string[];
}

interface PlanResourceChange {
  address: string;
  type: string;
  mode?: string;
  change: {
    actions: string[];
    before?: Record<string, unknown> | null;
    after?: Record<string, unknown> | null;
    after_unknown?: Record<string, unknown> | null;
  };
}

interface PlanJson {
  resource_changes?: PlanResourceChange[];
  output_changes?: Record<string, { actions: string[] }>;
}

function isEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

/** Treats null, [] and {} alike, as Terraform does for absent optional blocks. */
function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.length === 0 ? null : value.map(normalise);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, normalise(v)] as const)
      .filter(([, v]) => v !== null)
      .sort(([a], [b]) => a.localeCompare(b));
    return entries.length === 0 ? null : Object.fromEntries(entries);
  }
  return value;
}

/** Top-level attribute names that differ between before and after (or become unknown). */
export function changedAttributes(change: PlanResourceChange['change']): string[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const unknown = change.after_unknown ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  const changed: string[] = [];
  for (const key of [...keys].sort()) {
    const becomesUnknown =
      unknown[key] === true || (typeof unknown[key] === 'object' && hasTrue(unknown[key]));
    if (becomesUnknown || !isEqual(before[key], after[key])) changed.push(key);
  }
  return changed;
}

function hasTrue(value: unknown): boolean {
  if (value === true) return true;
  if (Array.isArray(value)) return value.some(hasTrue);
  if (value && typeof value === 'object') return Object.values(value).some(hasTrue);
  return false;
}

/** Splits the plan's proposed changes into emulator-gap drift and real problems. */
export function classifyPlan(
  plan: PlanJson,
  allowList: readonly DriftAllowance[] = EMULATOR_DRIFT_ALLOW_LIST,
): DriftVerdict {
  const allowed: Array<PlannedChange & { reason: string }> = [];
  const refused: Array<PlannedChange & { why: string }> = [];
  for (const rc of plan.resource_changes ?? []) {
    const actions = rc.change.actions;
    if (actions.length === 1 && (actions[0] === 'no-op' || actions[0] === 'read')) continue;
    const change: PlannedChange = {
      address: rc.address,
      type: rc.type,
      actions,
      attributes: changedAttributes(rc.change),
    };
    if (actions.length !== 1 || actions[0] !== 'update') {
      refused.push({ ...change, why: `${actions.join('+')} is never an emulator gap` });
      continue;
    }
    const unknown = rc.change.after_unknown ?? {};
    const rules = allowList.filter(
      (a) =>
        a.resourceType === rc.type &&
        (!a.onlyWhenUnknown || a.attributes.every((attr) => unknown[attr] === true)),
    );
    const unexplained = change.attributes.filter(
      (attr) => !rules.some((r) => r.attributes.includes(attr)),
    );
    if (change.attributes.length > 0 && unexplained.length === 0) {
      const reasons = [
        ...new Set(
          rules
            .filter((r) => r.attributes.some((a) => change.attributes.includes(a)))
            .map((r) => r.reason),
        ),
      ];
      allowed.push({ ...change, reason: reasons.join('; ') });
    } else {
      refused.push({
        ...change,
        why:
          unexplained.length > 0
            ? `changes ${unexplained.join(', ')}, not on the emulator allow-list`
            : 'update with no visible attribute difference',
      });
    }
  }
  const outputChanges = Object.entries(plan.output_changes ?? {})
    .filter(([, c]) => !(c.actions.length === 1 && c.actions[0] === 'no-op'))
    .map(([name, c]) => `${name} (${c.actions.join('+')})`);
  return { allowed, refused, outputChanges };
}

export function formatVerdict(stack: string, verdict: DriftVerdict): string[] {
  const lines: string[] = [];
  for (const a of verdict.allowed)
    lines.push(
      `  ${stack}: allowed emulator drift ${a.address} [${a.attributes.join(', ')}]: ${a.reason}`,
    );
  for (const r of verdict.refused)
    lines.push(
      `  ${stack}: REFUSED ${r.address} ${r.actions.join('+')} [${r.attributes.join(', ')}]: ${r.why}`,
    );
  for (const o of verdict.outputChanges) lines.push(`  ${stack}: REFUSED output change ${o}`);
  return lines;
}
