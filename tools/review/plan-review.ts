/**
 * The plan review: Terraform plan JSON (`terraform show -json <planfile>`) turned into
 * Markdown a reviewer reads like a change request. Order of the document:
 *
 *   1. title (stack, environment), counts by action, the plan guard's verdict, and what
 *      cannot be undone once applied (irreversible.ts: compliance-mode locks), if anything;
 *   2. every replacement and deletion, first, each flagged when it destroys stateful data;
 *   3. the security posture of each new resource, one line each (posture.ts);
 *   4. security-relevant attribute changes of existing resources, before → after, by category;
 *   5. every other change: updates with their attributes, other new resources counted by type.
 *
 * Sensitive values (before_sensitive/after_sensitive) are never printed, values Terraform
 * learns only during apply (after_unknown) are shown as such, and the output is sorted so
 * the same plan always gives the same text.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  ChangeKind,
  classifyChange,
  describeActionReason,
  formatPath,
  managedChanges,
  parsePlan,
  readPlanFile,
  ResourceChange,
  TerraformPlan,
  valueAtPath,
} from './plan-json';
import { guardPlan, isStateful, PlanGuardVerdict } from './plan-guard';
import { attributeChanges, compare } from './attribute-changes';
import {
  CATEGORY_ORDER,
  CATEGORY_TITLES,
  isPolicyAttribute,
  securityFindings,
} from './security-findings';
import { Posture, POSTURE_GROUP_TITLES, PostureGroup, postureOf } from './posture';
import { PlanReferences } from './plan-references';
import {
  loadPriceTable,
  planCostDelta,
  PriceTable,
  stackRegion,
  SynthesizedStackJson,
} from '../cost';
import { irreversibleLines } from './irreversible';

/** The actions the counts report, in the order they are shown. */
export const COUNTED_ACTIONS = ['create', 'update', 'replace', 'delete', 'no-op'] as const;
export type CountedAction = (typeof COUNTED_ACTIONS)[number];

export interface ReviewOptions {
  /** Addresses the operator explicitly allows the guard to let through (its override). */
  readonly guardAllow?: readonly string[];
  /** @default - read from the plan file's folder (`cdktf.out/stacks/<stack>/`), else none */
  readonly stack?: string;
  /** @default - the `Environment` tag of the planned resources, else none */
  readonly environment?: string;
  /**
   * Addresses with `lifecycle.prevent_destroy` (plan JSON does not carry lifecycle).
   * @default - read by writeReview from the synthesized `cdk.tf.json` beside the plan, else none
   */
  readonly preventDestroy?: ReadonlySet<string>;
  /**
   * The sha256 of the saved plan file this review describes: deploy applies only that file.
   * @default - not shown
   */
  readonly planSha256?: string;
  /**
   * The synthesized stack folder (its cdk.tf.json gives `preventDestroy`, the region and the
   * stack name).
   * @default - the plan file's folder
   */
  readonly stackDir?: string;
  /**
   * The region the plan's resources are priced in.
   * @default - the plan's constant `aws` provider region; writeReview reads the synthesized `cdk.tf.json` of the stack folder
   */
  readonly region?: string;
  /** @default - tools/cost/prices.json */
  readonly prices?: PriceTable;
  /** The time irreversible dates count from when the plan has no `timestamp`. @default now */
  readonly now?: Date;
}

export interface PlanReview {
  readonly markdown: string;
  readonly counts: Readonly<Record<CountedAction, number>>;
  /** The plan guard refuses this plan (a stateful resource would be destroyed). */
  readonly blocked: boolean;
}

/** Reviews a plan; `planJson` is the parsed output of `terraform show -json`. */
export function reviewPlan(planJson: unknown, options: ReviewOptions = {}): PlanReview {
  const plan = parsePlan(planJson);
  const changes = [...managedChanges(plan)].sort((a, b) => compare(a.address, b.address));
  const kinds = new Map(changes.map((rc) => [rc.address, classifyChange(rc.change.actions)]));
  const kindOf = (rc: ResourceChange) => kinds.get(rc.address)!;

  const counts: Record<CountedAction, number> = {
    create: 0,
    update: 0,
    replace: 0,
    delete: 0,
    'no-op': 0,
  };
  for (const rc of changes) {
    const kind = kindOf(rc);
    if ((COUNTED_ACTIONS as readonly string[]).includes(kind)) counts[kind as CountedAction]++;
  }

  const verdict = guardPlan(plan, { allow: options.guardAllow ?? [] });
  const environment = options.environment ?? environmentOf(changes);
  const lines: string[] = [];

  const subject = [options.stack, environment ? `environment \`${environment}\`` : undefined]
    .filter((s) => s)
    .join(', ');
  lines.push(`# Plan review${subject ? `: ${subject}` : ''}`, '');
  if (plan.terraform_version) lines.push(`Terraform ${plan.terraform_version}.`, '');
  if (options.planSha256) {
    lines.push(
      `Saved plan \`sha256:${options.planSha256}\`: deploy applies this file and no other.`,
      '',
    );
  }
  lines.push('| Create | Update | Replace | Delete | No-op |');
  lines.push('| ---: | ---: | ---: | ---: | ---: |');
  lines.push(`| ${COUNTED_ACTIONS.map((a) => counts[a]).join(' | ')} |`, '');
  lines.push(...verdictLines(verdict), '');
  // 0. What cannot be undone once applied (compliance-mode locks), before everything else.
  lines.push(...irreversibleLines(plan, options.now));
  lines.push(...costLines(planJson, options));

  // 1. Replacements and deletions, first.
  const destroying = changes.filter((rc) => ['replace', 'delete'].includes(kindOf(rc)));
  destroying.sort(
    (a, b) =>
      Number(isStateful(b.type)) - Number(isStateful(a.type)) ||
      compare(kindOf(a), kindOf(b)) ||
      compare(a.address, b.address),
  );
  lines.push(`## Replacements and deletions (${destroying.length})`, '');
  if (destroying.length === 0) lines.push('None: no existing object is destroyed.', '');
  for (const rc of destroying) lines.push(...destroyingLines(rc, kindOf(rc), verdict));
  if (destroying.length > 0) lines.push('');

  // 2. The posture of every new resource, one line each.
  const refs = new PlanReferences(plan, changes);
  const postures = new Map<string, Posture>();
  for (const rc of changes.filter((c) => kindOf(c) === 'create')) {
    const posture = postureOf(rc, refs, { preventDestroy: options.preventDestroy });
    if (posture) postures.set(rc.address, posture);
  }
  lines.push(...postureLines([...postures.values()]));
  // 3. Security-relevant changes of existing resources.
  lines.push(...securityLines(changes, kindOf));
  // 4. Everything else, grouped by action.
  lines.push(...otherChangeLines(changes, kindOf, postures));
  if (counts['no-op'] > 0) {
    lines.push(`${counts['no-op']} resource(s) unchanged (no-op) are not listed.`, '');
  }

  return { markdown: `${lines.join('\n').trimEnd()}\n`, counts, blocked: verdict.blocked };
}

/** The monthly cost delta of the plan (tools/cost): one sentence, then what it could not count. */
function costLines(planJson: unknown, options: ReviewOptions): string[] {
  const delta = planCostDelta(planJson, {
    prices: options.prices ?? loadPriceTable(),
    region: options.region,
  });
  const lines = ['## Cost', '', delta.summary];
  if (delta.notEstimated.length > 0) {
    const addresses = [...new Set(delta.notEstimated)].sort(compare);
    lines.push(
      '',
      `Not estimated (type not modelled): ${addresses.map((a) => `\`${a}\``).join(', ')}.`,
    );
  }
  lines.push(
    '',
    `_Monthly, on-demand, ${delta.region ?? 'no region known'}; prices and usage assumptions: docs/cost.md._`,
    '',
  );
  return lines;
}

/** Section 2: security-relevant attribute changes, one table per category. */
function securityLines(
  changes: readonly ResourceChange[],
  kindOf: (rc: ResourceChange) => ChangeKind,
): string[] {
  const lines: string[] = [];
  const findings = changes
    .filter((rc) => kindOf(rc) !== 'no-op' && kindOf(rc) !== 'create')
    .flatMap((rc) => securityFindings(rc, kindOf(rc)));
  lines.push(`## Security-relevant changes to existing resources (${findings.length})`, '');
  if (findings.length === 0) {
    lines.push(
      'None: no existing resource changes its encryption, public access, security groups, IAM policies, logging, deletion protection or backups.',
      '',
    );
  }
  for (const category of CATEGORY_ORDER) {
    const rows = findings.filter((f) => f.category === category);
    if (rows.length === 0) continue;
    lines.push(`### ${CATEGORY_TITLES[category]}`, '');
    lines.push('| Resource | Change | Attribute | Before | After | |');
    lines.push('| --- | --- | --- | --- | --- | --- |');
    for (const f of rows) {
      lines.push(
        `| \`${f.address}\` | ${f.kind} | \`${f.attribute}\` | ${cell(f.before)} | ${cell(f.after)} | ${f.warning ? `⚠️ ${f.warning}` : ''} |`,
      );
    }
    lines.push('');
  }

  return lines;
}

/** Section 2: one line per new resource with a posture, grouped by tier; ⚠️ first. */
function postureLines(postures: readonly Posture[]): string[] {
  const lines = [`## Security posture of new resources (${postures.length})`, ''];
  if (postures.length === 0) {
    lines.push(
      'None: this plan creates nothing that holds data, opens access or grants rights.',
      '',
    );
    return lines;
  }
  const warned = postures.filter((p) => p.warnings.length > 0);
  lines.push(
    warned.length === 0
      ? 'No new resource is weaker than the platform defaults (no ⚠️ below).'
      : `⚠️ ${warned.length} new resource(s) weaker than the platform defaults: ${warned.map((p) => `\`${p.address}\``).join(', ')}.`,
    '',
  );
  for (const group of Object.keys(POSTURE_GROUP_TITLES) as PostureGroup[]) {
    const rows = postures.filter((p) => p.group === group);
    if (rows.length === 0) continue;
    lines.push(`### ${POSTURE_GROUP_TITLES[group]} (${rows.length})`, '');
    lines.push('| Resource | Posture |', '| --- | --- |');
    for (const p of rows) {
      const warning = p.warnings.length ? `⚠️ ${p.warnings.join('; ')}<br>` : '';
      lines.push(`| \`${p.address}\` | ${warning}${p.facets.map(escapeCell).join('<br>')} |`);
    }
    lines.push('');
  }
  return lines;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

/** The last section: updates with their attributes; new resources without a posture, counted by type. */
function otherChangeLines(
  changes: readonly ResourceChange[],
  kindOf: (rc: ResourceChange) => ChangeKind,
  postures: ReadonlyMap<string, Posture>,
): string[] {
  const lines: string[] = [];
  lines.push('## Other changes', '');
  let listed = 0;
  const plainCreates = changes.filter((rc) => kindOf(rc) === 'create' && !postures.has(rc.address));
  if (plainCreates.length > 0) {
    listed += plainCreates.length;
    const byType = new Map<string, number>();
    for (const rc of plainCreates) byType.set(rc.type, (byType.get(rc.type) ?? 0) + 1);
    lines.push(`### Other new resources (${plainCreates.length})`, '');
    lines.push(
      [...byType.entries()]
        .map(([type, n]) => (n > 1 ? `\`${type}\` × ${n}` : `\`${type}\``))
        .join(', '),
      '',
    );
  }
  const others: ChangeKind[] = ['update', 'read', 'forget'];
  for (const kind of others) {
    const group = changes.filter((rc) => kindOf(rc) === kind);
    if (group.length === 0) continue;
    listed += group.length;
    lines.push(`### ${capitalize(kind)} (${group.length})`, '');
    for (const rc of group) {
      lines.push(`- \`${rc.address}\``);
      if (kind === 'update') {
        for (const c of attributeChanges(rc)) {
          const change = isPolicyAttribute(String(c.path[0]))
            ? '_statement changes under IAM policies above_'
            : `${inline(c.before)} → ${inline(c.after)}`;
          lines.push(`  - \`${formatPath(c.path)}\`: ${change}`);
        }
      }
    }
    lines.push('');
  }
  if (listed === 0) lines.push('None.', '');
  return lines;
}

/** Reads plan JSON from a file, writes the review as Markdown, and returns it. */
export function writeReview(
  planJsonPath: string,
  outMarkdownPath: string,
  options: ReviewOptions = {},
): PlanReview {
  const plan: TerraformPlan = readPlanFile(planJsonPath);
  const stackDir = options.stackDir ?? dirname(planJsonPath);
  const stack = options.stack ?? stackFromPath(join(stackDir, 'plan.json'));
  const preventDestroy = options.preventDestroy ?? preventDestroyOf(join(stackDir, 'cdk.tf.json'));
  const region = options.region ?? regionOf(join(stackDir, 'cdk.tf.json'));
  const review = reviewPlan(plan, { ...options, stack, preventDestroy, region });
  writeFileSync(outMarkdownPath, review.markdown);
  return review;
}

/** Addresses whose `lifecycle.prevent_destroy` is true in a synthesized stack, if it exists. */
export function preventDestroyOf(cdkTfJson: string): ReadonlySet<string> {
  const out = new Set<string>();
  if (!existsSync(cdkTfJson)) return out;
  const doc = JSON.parse(readFileSync(cdkTfJson, 'utf8')) as {
    resource?: Record<string, Record<string, { lifecycle?: { prevent_destroy?: boolean } }>>;
  };
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      if (body.lifecycle?.prevent_destroy === true) out.add(`${type}.${name}`);
    }
  }
  return out;
}

/** The default provider's region of a synthesized stack, if the file exists. */
export function regionOf(cdkTfJson: string): string | undefined {
  if (!existsSync(cdkTfJson)) return undefined;
  return stackRegion(JSON.parse(readFileSync(cdkTfJson, 'utf8')) as SynthesizedStackJson);
}

/** `cdktf.out/stacks/TapStackprod/plan.json` → `TapStackprod`. */
export function stackFromPath(path: string): string | undefined {
  const folder = dirname(path);
  return basename(dirname(folder)) === 'stacks' ? basename(folder) : undefined;
}

function verdictLines(verdict: PlanGuardVerdict): string[] {
  const out: string[] = [];
  const findings = [...verdict.findings].sort((a, b) => compare(a.address, b.address));
  const blocked = findings.filter((f) => f.decision === 'blocked');
  const allowed = findings.filter((f) => f.decision === 'allowed');
  if (verdict.blocked) {
    out.push(
      `**⛔ Plan guard: BLOCKED.** ` +
        (blocked.length > 0
          ? `This plan destroys stateful data: ${blocked.map((f) => `\`${f.address}\``).join(', ')}. ` +
            'Apply it only once the data is known to be safe (a snapshot or export exists), by naming each address in the guard override (`--allow <address>`).'
          : ''),
    );
    for (const problem of verdict.problems) out.push(`- ${problem}`);
  } else if (allowed.length > 0) {
    out.push(
      `**Plan guard: passes with override** for ${allowed.map((f) => `\`${f.address}\``).join(', ')}: their data will be destroyed.`,
    );
  } else {
    out.push('**Plan guard: passes.** No stateful resource is replaced or deleted.');
  }
  for (const unused of [...verdict.unusedAllows].sort(compare)) {
    out.push(
      '',
      `Note: the override \`${unused}\` matches no deletion or replacement of a stateful resource.`,
    );
  }
  return out;
}

function destroyingLines(
  rc: ResourceChange,
  kind: ChangeKind,
  verdict: PlanGuardVerdict,
): string[] {
  const finding = verdict.findings.find((f) => f.address === rc.address);
  const guard = !finding
    ? 'not stateful'
    : finding.decision === 'allowed'
      ? `**stateful** (${finding.holds}): allowed by override`
      : `**stateful** (${finding.holds}): ⛔ BLOCKED by the plan guard`;
  const out = [`- **${kind}** \`${rc.address}\` (${rc.type}): ${guard}`];
  const reason = describeActionReason(rc.action_reason);
  if (reason) out.push(`  - why: ${reason}`);
  const paths = (rc.change.replace_paths ?? []).map((p) => formatPath(p)).sort(compare);
  if (kind === 'replace' && paths.length > 0) {
    const byPath = new Map(attributeChanges(rc).map((c) => [formatPath(c.path), c]));
    for (const p of paths) {
      const c = byPath.get(p);
      out.push(
        c
          ? `  - forces replacement: \`${p}\`: ${inline(c.before)} → ${inline(c.after)}`
          : `  - forces replacement: \`${p}\``,
      );
    }
  }
  return out;
}

function environmentOf(changes: readonly ResourceChange[]): string | undefined {
  const found = new Set<string>();
  for (const rc of changes) {
    for (const side of [rc.change.after, rc.change.before]) {
      for (const key of ['tags_all', 'tags']) {
        const env = valueAtPath(side, [key, 'Environment']);
        if (typeof env === 'string' && env) found.add(env);
      }
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** A value inside inline Markdown text. */
function inline(v: string): string {
  return v.startsWith('(') ? `_${v}_` : `\`${v.replace(/`/g, "'")}\``;
}

/** A value inside a Markdown table cell: pipes escaped, lines joined with <br>. */
function cell(v: string): string {
  return v
    .split('\n')
    .map((line) =>
      line.startsWith('(') ? `_${line}_` : `\`${line.replace(/`/g, "'").replace(/\|/g, '\\|')}\``,
    )
    .join('<br>');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
