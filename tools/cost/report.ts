/** The cost command's text: per stack, its total and line items, then the assumptions. */
import { table } from '../core';
import type { Estimate } from './estimate';
import { usd } from './plan-delta';

export interface StackEstimate {
  readonly stack: string;
  readonly region?: string;
  readonly estimate: Estimate;
}

/** One stack: title with total, a table of line items (priced first, largest first), unpriced and not-estimated notes. */
export function formatStack(s: StackEstimate): string {
  const e = s.estimate;
  const lines = [
    `${s.stack} (${s.region ?? 'no region'}): ${usd(e.totalUsd)} a month` +
      (e.unpriced.length ? ` + ${e.unpriced.length} unpriced charge(s)` : ''),
  ];
  const billed = e.items.filter((i) => i.monthlyUsd !== 0);
  const sorted = [...billed].sort(
    (a, b) => (b.monthlyUsd ?? -1) - (a.monthlyUsd ?? -1) || a.address.localeCompare(b.address),
  );
  if (sorted.length > 0) {
    lines.push(
      table(
        ['resource', 'what', 'quantity', 'unit price', 'monthly'],
        sorted.map((i) => [
          i.address,
          i.what,
          `${quantity(i.quantity)} ${i.unit}`,
          i.unitPriceUsd === undefined ? '-' : `$${i.unitPriceUsd}`,
          i.monthlyUsd === undefined ? `unpriced: ${i.unpriced}` : usd(i.monthlyUsd),
        ]),
      ),
    );
  }
  const free = e.items.filter((i) => i.monthlyUsd === 0).length;
  if (free > 0) lines.push(`${free} charge(s) at $0.00 (free tier or no charge) not listed.`);
  if (e.notEstimated.length > 0) {
    lines.push(`Not estimated (type not modelled): ${e.notEstimated.join(', ')}`);
  }
  return lines.join('\n');
}

export function formatReport(
  stacks: readonly StackEstimate[],
  assumptions: readonly string[],
): string {
  const parts = stacks.map(formatStack);
  const total = stacks.reduce((s, x) => s + x.estimate.totalUsd, 0);
  parts.push(`All stacks: ${usd(total)} a month (priced items only).`);
  parts.push(['Assumptions:', ...assumptions.map((a) => `- ${a}`)].join('\n'));
  return `${parts.join('\n\n')}\n`;
}

function quantity(q: number): string {
  return Number.isInteger(q) ? q.toLocaleString('en-US') : String(q);
}
