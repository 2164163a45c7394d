/** The report a compliance reviewer reads: a table per stack, a summary, and JSON. */
import { RULES } from './rules';
import type { PolicyResult, Rule, Status } from './types';

const STATUS_ORDER: Record<Status, number> = { FAIL: 0, WAIVED: 1, PASS: 2 };
const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3 } as const;

export interface Summary {
  readonly total: Record<Status, number>;
  readonly byStack: Record<string, Record<Status, number> & { profile: string }>;
  readonly rulesEvaluated: number;
}

export function summarize(results: readonly PolicyResult[]): Summary {
  const empty = (): Record<Status, number> => ({ PASS: 0, FAIL: 0, WAIVED: 0 });
  const total = empty();
  const byStack: Summary['byStack'] = {};
  for (const r of results) {
    total[r.status]++;
    byStack[r.stack] ??= { ...empty(), profile: r.profile };
    byStack[r.stack][r.status]++;
  }
  return { total, byStack, rulesEvaluated: new Set(results.map((r) => r.ruleId)).size };
}

export function sortResults(results: readonly PolicyResult[]): PolicyResult[] {
  return [...results].sort(
    (a, b) =>
      a.stack.localeCompare(b.stack) ||
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.address.localeCompare(b.address),
  );
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The text report: one table per stack (failures first), then the summary. */
export function formatReport(results: readonly PolicyResult[]): string {
  const sorted = sortResults(results);
  const out: string[] = [];
  for (const stack of [...new Set(sorted.map((r) => r.stack))]) {
    const rows = sorted.filter((r) => r.stack === stack);
    out.push(`Stack ${stack} (profile ${rows[0].profile})`);
    out.push(
      table(
        ['STATUS', 'SEVERITY', 'RULE', 'RESOURCE', 'DETAIL / WAIVER REASON'],
        rows.map((r) => [
          r.status,
          r.severity,
          r.ruleId,
          r.address,
          r.status === 'WAIVED'
            ? `waived: ${r.waiverReason} [finding: ${r.detail}]`
            : `${r.title}: ${r.detail}`,
        ]),
      ),
    );
    out.push('');
  }
  out.push(formatSummary(summarize(results)));
  return out.join('\n');
}

export function formatSummary(summary: Summary): string {
  const rows = Object.entries(summary.byStack).map(([stack, c]) => [
    stack,
    c.profile,
    String(c.PASS),
    String(c.FAIL),
    String(c.WAIVED),
  ]);
  rows.push([
    'total',
    '',
    String(summary.total.PASS),
    String(summary.total.FAIL),
    String(summary.total.WAIVED),
  ]);
  return `Summary (${summary.rulesEvaluated} rules applied)\n${table(['STACK', 'PROFILE', 'PASS', 'FAIL', 'WAIVED'], rows)}`;
}

/** Every waiver in the results, for the issue note and the reviewer. */
export function formatWaivers(results: readonly PolicyResult[]): string {
  const waived = sortResults(results).filter((r) => r.status === 'WAIVED');
  if (waived.length === 0) return 'Waivers: none';
  return `Waivers (${waived.length})\n${table(
    ['STACK', 'RULE', 'RESOURCE', 'REASON'],
    waived.map((r) => [r.stack, r.ruleId, r.address, r.waiverReason ?? '']),
  )}`;
}

export function toJson(results: readonly PolicyResult[]): string {
  return `${JSON.stringify({ summary: summarize(results), results: sortResults(results) }, null, 2)}\n`;
}

/** docs/policy.md's rule table, generated from the rules. */
export function rulesMarkdown(rules: readonly Rule[] = RULES): string {
  const cell = (s: string | undefined) => (s ?? '—').replace(/([|*])/g, '\\$1');
  const lines = [
    '| Id | Title | Severity | Applies to | Profile | Checkov | AWS Config rule | Security Hub | HIPAA |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rules.map(
      (r) =>
        `| ${r.id} | ${cell(r.title)} | ${r.severity} | ${r.resourceTypes.map((t) => `\`${t}\``).join(', ')} | ${r.profile ?? 'all'} | ${cell(r.control.checkov)} | ${cell(r.control.configRule)} | ${cell(r.control.securityHub)} | ${cell(r.control.hipaa)} |`,
    ),
  ];
  const notes = rules.filter((r) => r.rationale).map((r) => `- **${r.id}**: ${r.rationale}`);
  return `${lines.join('\n')}\n\nThresholds and reasons:\n\n${notes.join('\n')}\n`;
}

/**
 * The failures again, last, each with its rule's reason (which names the settings that fix
 * it): in a report of hundreds of rows they are what a reader must act on.
 */
export function formatFailures(
  results: readonly PolicyResult[],
  rules: readonly Rule[] = RULES,
): string {
  const failed = sortResults(results).filter((r) => r.status === 'FAIL');
  if (failed.length === 0) return '';
  const why = new Map(rules.map((rule) => [rule.id, rule.rationale]));
  const lines = failed.flatMap((r) => {
    const reason = why.get(r.ruleId);
    return [
      `  ${r.stack}  ${r.ruleId}  ${r.address}`,
      `    ${r.title}`,
      ...(reason ? [`    why and how to fix: ${reason}`] : []),
    ];
  });
  return `Failed (${failed.length}): fix these, then run again\n${lines.join('\n')}`;
}
