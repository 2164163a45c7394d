/**
 * The drift report as Markdown, for a person deciding what to do: the verdict first, then
 * each drifted resource with its attributes (in the state → now), then what was left out
 * and why, then how to resolve it. The first line is a heading naming the stack. Sorted, so
 * the same plan always gives the same text.
 */
import { ABSENT, SENSITIVE } from '../review';
import type { DriftedAttribute, DriftedResource, DriftReport } from './drift';

/** The report as GitHub-flavoured Markdown, ending with a newline. */
export function formatDriftReport(report: DriftReport): string {
  const changed = report.drifted.filter((r) => r.kind === 'changed');
  const deleted = report.drifted.filter((r) => r.kind === 'deleted');
  const env = report.environment ? ` (environment \`${report.environment}\`)` : '';
  const lines = [`## Drift: ${report.stack}${env}`, '', verdictLine(report, changed, deleted)];
  const when = [
    report.timestamp ? `Refresh-only plan of ${report.timestamp}` : 'Refresh-only plan',
    report.terraformVersion ? `Terraform ${report.terraformVersion}` : undefined,
  ].filter(Boolean);
  lines.push('', `${when.join(', ')}.`);
  if (changed.length > 0) {
    lines.push('', `### Changed outside Terraform (${changed.length})`);
    for (const r of changed) lines.push('', ...changedSection(r));
  }
  if (deleted.length > 0) {
    lines.push('', `### Deleted outside Terraform (${deleted.length})`, '');
    for (const r of deleted) {
      const holds = r.holds ? ` ⚠️ held ${r.holds}` : '';
      lines.push(`- \`${r.address}\`: the object no longer exists.${holds}`);
    }
  }
  lines.push(...notCounted(report));
  if (report.verdict === 'drifted') lines.push('', ...RESOLVE(report.stack));
  return `${lines.join('\n')}\n`;
}

function verdictLine(
  report: DriftReport,
  changed: readonly DriftedResource[],
  deleted: readonly DriftedResource[],
): string {
  if (report.verdict === 'clean') {
    return '**Clean**: every resource matches the Terraform state.';
  }
  const parts = [
    changed.length > 0 ? `${changed.length} changed outside Terraform` : '',
    deleted.length > 0 ? `${deleted.length} deleted` : '',
  ].filter(Boolean);
  const n = report.drifted.length;
  return `**Drifted**: ${n} resource${n === 1 ? '' : 's'} differ${n === 1 ? 's' : ''} from the Terraform state (${parts.join(', ')}).`;
}

function changedSection(r: DriftedResource): string[] {
  const holds = r.holds ? ` (${r.holds})` : '';
  const out = [
    `#### \`${r.address}\`${holds}`,
    '',
    '| Attribute | In the state | Now |',
    '| --- | --- | --- |',
    ...r.attributes.map(row),
  ];
  if (r.allowed.length > 0) {
    const names = r.allowed.map((a) => `\`${a.path}\``).join(', ');
    out.push('', `Also differs, allowed: ${names}.`);
  }
  return out;
}

function row(a: DriftedAttribute): string {
  return `| \`${a.path}\` | ${cell(a.before)} | ${cell(a.after)} |`;
}

/** A value in a table cell: placeholders in italics, values as code; `|` escaped. */
export function cell(value: string): string {
  if (value === ABSENT || value === SENSITIVE) return `_${value}_`;
  const fence = value.includes('`') ? '``' : '`';
  const pad = fence === '``' ? ' ' : '';
  return `${fence}${pad}${value.replace(/\|/g, '\\|')}${pad}${fence}`;
}

function notCounted(report: DriftReport): string[] {
  const items: string[] = [];
  for (const r of report.allowed) {
    const reasons = [...new Set(r.allowed.map((a) => a.reason))].join('; ');
    const paths = r.allowed.map((a) => `\`${a.path}\``).join(', ');
    items.push(`- \`${r.address}\`: ${paths}, allowed: ${reasons}`);
  }
  if (report.emptyOnly.length > 0) {
    const list = report.emptyOnly.map((a) => `\`${a}\``).join(', ');
    items.push(`- only between empty values (null, [] and {}): ${list}`);
  }
  if (report.outputChanges.length > 0) {
    const list = report.outputChanges.map((o) => `\`${o}\``).join(', ');
    items.push(`- outputs that follow from the resources: ${list}`);
  }
  if (report.pendingChanges.length > 0) {
    const list = report.pendingChanges.map((o) => `\`${o}\``).join(', ');
    items.push(`- changes applying the code would make (not drift): ${list}`);
  }
  return items.length > 0 ? ['', '### Not counted', '', ...items] : [];
}

const RESOLVE = (stack: string): string[] => [
  '### What to do',
  '',
  `- **Undo the change**: plan and deploy ${stack} from main (\`npm run plan -- --stack ${stack} --save <dir>\`, review, \`npm run deploy -- --plan <dir> --yes\`, or re-run the delivery workflow); Terraform sets every attribute back to the code and re-creates what was deleted.`,
  '- **Keep the change**: write it into the code, review it in a pull request and deploy it; the report is clean again once the code and the environment agree.',
];
