/**
 * What a plan does to the monthly bill: every managed resource change priced before and
 * after, the difference summed, and one sentence for the plan review ("This plan adds about
 * $X a month: …"). Reads `terraform show -json` output (resource_changes with before/after).
 */
import { estimate, EstimateOptions, LineItem, round } from './estimate';
import { PlanJson, planRegions, resourceOfChange } from './resources';

export interface DeltaItem {
  readonly address: string;
  readonly what: string;
  /** After minus before, a month; negative when the plan removes cost. */
  readonly deltaUsd: number;
}

export interface PlanCostDelta {
  /** After minus before, a month, over the priced items. */
  readonly deltaUsd: number;
  /** The changes with a non-zero monthly difference, largest first. */
  readonly items: readonly DeltaItem[];
  /** Charges of changed resources that have no price (so the delta leaves them out). */
  readonly unpriced: readonly LineItem[];
  /** Changed resources of types the estimate does not model. */
  readonly notEstimated: readonly string[];
  readonly region?: string;
  /** The sentence for the review. */
  readonly summary: string;
}

export interface DeltaOptions extends EstimateOptions {
  /** @default - the plan's `aws` provider region when it is a constant, else none */
  readonly region?: string;
  /** How many changes the summary names. @default 3 */
  readonly top?: number;
}

/** The monthly cost delta of a plan (`planJson` is parsed `terraform show -json` output). */
export function planCostDelta(planJson: unknown, options: DeltaOptions): PlanCostDelta {
  const plan = planJson as PlanJson;
  const region = options.region ?? planRegions(plan).get('aws');
  const byAddress = new Map<string, number>();
  const whatOf = new Map<string, string>();
  const unpriced: LineItem[] = [];
  const notEstimated: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === 'data') continue;
    const actions = rc.change.actions;
    if (actions.every((a) => a === 'no-op' || a === 'read' || a === 'forget')) continue;
    const sides = (['before', 'after'] as const).map((side) => {
      const r = resourceOfChange(plan, rc, side, region);
      return estimate(r ? [r] : [], options);
    });
    const [before, after] = sides;
    if (after.notEstimated.length || before.notEstimated.length) notEstimated.push(rc.address);
    // An unpriced charge counts when the plan adds, removes or changes it, not when it stays as it was.
    const kept = new Set(before.unpriced.map((i) => `${i.priceKey}|${i.quantity}`));
    const gone = new Set(after.unpriced.map((i) => `${i.priceKey}|${i.quantity}`));
    unpriced.push(
      ...after.unpriced.filter((i) => !kept.has(`${i.priceKey}|${i.quantity}`)),
      ...before.unpriced.filter((i) => !gone.has(`${i.priceKey}|${i.quantity}`)),
    );
    const delta = round(after.totalUsd - before.totalUsd, 10);
    if (delta !== 0) {
      byAddress.set(rc.address, delta);
      const items = after.items.length ? after.items : before.items;
      whatOf.set(rc.address, items.find((i) => i.monthlyUsd)?.what ?? rc.type);
    }
  }
  const items = [...byAddress.entries()]
    .map(([address, deltaUsd]) => ({ address, deltaUsd, what: whatOf.get(address)! }))
    .sort(
      (a, b) => Math.abs(b.deltaUsd) - Math.abs(a.deltaUsd) || a.address.localeCompare(b.address),
    );
  const deltaUsd = round(
    items.reduce((s, i) => s + i.deltaUsd, 0),
    10,
  );
  const result = { deltaUsd, items, unpriced, notEstimated, region };
  return { ...result, summary: summarize(result, options.top ?? 3) };
}

function summarize(d: Omit<PlanCostDelta, 'summary'>, top: number): string {
  const named = d.items
    .slice(0, top)
    .map((i) => `${signed(i.deltaUsd)} \`${i.address}\` (${i.what})`);
  const more = d.items.length > top ? `, and ${d.items.length - top} more` : '';
  let text: string;
  if (d.items.length === 0) {
    text = d.notEstimated.length
      ? 'This plan changes nothing billable among the resources the estimate models.'
      : 'This plan changes nothing billable.';
  } else if (d.deltaUsd > 0) {
    text = `This plan adds about ${usd(d.deltaUsd)} a month: ${named.join(', ')}${more}.`;
  } else if (d.deltaUsd < 0) {
    text = `This plan removes about ${usd(-d.deltaUsd)} a month: ${named.join(', ')}${more}.`;
  } else {
    text = `This plan changes billable resources but not the monthly total: ${named.join(', ')}${more}.`;
  }
  if (d.unpriced.length > 0) {
    const reasons = [...new Set(d.unpriced.map((i) => i.unpriced))].sort();
    text += ` Not counted (${d.unpriced.length} unpriced charge(s): ${reasons.join('; ')}).`;
  }
  return text;
}

/** `$1,234.56`. */
export function usd(x: number): string {
  return `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `+$35.04` / `−$8.03`. */
export function signed(x: number): string {
  return `${x < 0 ? '−' : '+'}${usd(Math.abs(x))}`;
}
