/**
 * The drift report as Markdown, for a person deciding what to do: the verdict first, then
 * each drifted resource with its attributes (in the state → now), the security group rules
 * outside Terraform with the command that revokes each (or why they could not be checked),
 * then what was left out and why, then how to resolve it. The first line is a heading naming
 * the stack. Sorted, so the same plan always gives the same text.
 */
import { ABSENT, SENSITIVE } from '../review';
import type { DriftedAttribute, DriftedResource, DriftReport } from './drift';
import type { SecurityGroupRuleCheck, UnmanagedRule } from './security-group-rules';

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
  const rules = report.securityGroupRules;
  if (rules?.status === 'checked') {
    const listed = `${plural(rules.ruleCount, 'rule')} of ${plural(rules.groups.length, 'security group')}`;
    lines.push(
      '',
      `Security group rules: ${listed} listed with EC2 DescribeSecurityGroupRules, ${rules.unmanaged.length} outside Terraform.`,
    );
  }
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
  if (rules) lines.push(...ruleSection(rules));
  lines.push(...notCounted(report));
  if (report.drifted.length > 0) lines.push('', ...RESOLVE(report.stack));
  return `${lines.join('\n')}\n`;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The unmanaged rules with their fixes, or why the rules could not be checked. */
function ruleSection(rules: SecurityGroupRuleCheck): string[] {
  if (rules.status === 'not-checked') {
    const names = rules.groups.map((g) => `\`${g.name}\``).join(', ');
    return [
      '',
      '### Security group rules: not checked',
      '',
      `The rules of ${plural(rules.groups.length, 'security group')} (${names}) could not be listed: ${rules.reason}. A rule added outside Terraform would not show in this report.`,
      '',
      `Fix: ${rules.fix}.`,
    ];
  }
  if (rules.status !== 'checked' || rules.unmanaged.length === 0) return [];
  const list = rules.unmanaged;
  return [
    '',
    `### Security group rules outside Terraform (${list.length})`,
    '',
    "Rules of the stack's security groups that no resource in the Terraform state manages. A deploy leaves them in place: revoke each, or add it to the stack.",
    '',
    '| Security group | Direction | Protocol and ports | Source / destination | Rule | Description |',
    '| --- | --- | --- | --- | --- | --- |',
    ...list.map(ruleRow),
    '',
    ...list.map((r) => `- \`${r.ruleId}\`: \`${r.revoke}\`, or add it to the stack.`),
    '',
    "To keep a rule, add it to the stack as a `VpcSecurityGroupIngressRule` / `VpcSecurityGroupEgressRule` of its group and adopt the existing rule in the same change with `.importFrom('<rule id>')` (without the import the deploy fails with InvalidPermission.Duplicate); review it in a pull request.",
  ];
}

function ruleRow(r: UnmanagedRule): string {
  const description = r.description ? cell(r.description.replace(/\s+/g, ' ')) : '';
  return `| ${cell(r.group.name)} (${cell(r.group.id)}) | ${r.direction} | ${r.ports} | ${cell(r.peer)} | ${cell(r.ruleId)} | ${description} |`;
}

function verdictLine(
  report: DriftReport,
  changed: readonly DriftedResource[],
  deleted: readonly DriftedResource[],
): string {
  const rules = report.securityGroupRules;
  if (report.verdict === 'clean') {
    const groups =
      rules?.status === 'checked'
        ? `, and Terraform manages every rule of its ${plural(rules.groups.length, 'security group')}`
        : '';
    return `**Clean**: every resource matches the Terraform state${groups}.`;
  }
  if (report.verdict === 'unverified') {
    return '**Not verified**: every resource matches the Terraform state, but the security group rules could not be checked (see below): this is not a clean report.';
  }
  const parts = [
    changed.length > 0 ? `${changed.length} changed outside Terraform` : '',
    deleted.length > 0 ? `${deleted.length} deleted` : '',
  ].filter(Boolean);
  const n = report.drifted.length;
  const resources =
    n > 0
      ? `${plural(n, 'resource')} differ${n === 1 ? 's' : ''} from the Terraform state (${parts.join(', ')})`
      : '';
  const k = rules?.status === 'checked' ? rules.unmanaged.length : 0;
  const outside = k > 0 ? `${plural(k, 'security group rule')} outside Terraform` : '';
  const unchecked =
    rules?.status === 'not-checked'
      ? ' The security group rules could not be checked (see below).'
      : '';
  return `**Drifted**: ${[resources, outside].filter(Boolean).join('; ')}.${unchecked}`;
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
