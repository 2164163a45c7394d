/**
 * The decisions of the e2e drills, apart from the processes they drive: reading a plan id,
 * the deploy gates' messages and a drift report out of a command's output, and the process
 * tree a lost runner takes down. Unit-tested (__tests__/tools/e2e/drill-checks.test.ts).
 */
import * as fs from 'node:fs';

/** The review's plan id (`sha256:<12 hex>`) in a plan or deploy output. */
export function planIdIn(output: string): string | undefined {
  return /sha256:[0-9a-f]{12}/.exec(output)?.[0];
}

/**
 * The gate messages in a command's output, normalized: Terraform's `│` margins, cdktf's
 * stack-name prefixes, table borders and line wrapping removed, whitespace collapsed.
 */
export function normalizedOutput(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^.*?│/, '').replace(/[│┃|╭╮╰╯─]/g, ' '))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The message of each failed precondition in Terraform's output: the last paragraph of its
 * diagnostic (after the summary and the source snippet), with the `│` margin and any cdktf
 * stack prefix removed, normalized.
 */
export function preconditionMessages(text: string): string[] {
  const blocks = text.split(/Error: Resource precondition failed/).slice(1);
  return blocks.map((block) => {
    const lines: string[] = [];
    for (const raw of block.split('\n').slice(1)) {
      if (raw.includes('╵')) break;
      lines.push(raw.replace(/^.*?│/, '').trim());
    }
    const paragraphs = lines
      .join('\n')
      .split(/\n\s*\n/)
      .filter((p) => p.trim());
    return normalizedOutput(paragraphs[paragraphs.length - 1] ?? '');
  });
}

/** Every process below `pid` (children, theirs, …), read from /proc. */
export function descendants(pid: number, proc = '/proc'): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync(proc)) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`${proc}/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const visit = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/** The report's section of one resource: from its heading to the next heading. */
export function sectionOf(report: string, addressPrefix: string): string {
  const start = report.indexOf(`#### \`${addressPrefix}`);
  if (start < 0) return '';
  const next = report.indexOf('\n#', start + 1);
  return report.slice(start, next < 0 ? undefined : next);
}

/** What the drift report should have named and did not. */
export function unreported(said: string, planted: { readonly openRule: string }): string[] {
  const checks: [string, boolean][] = [
    [
      'the revoked rule',
      /aws_vpc_security_group_ingress_rule\.database_ingress-from-application\S*`: the object no longer exists/.test(
        said,
      ),
    ],
    [
      'the retention (→ 1 day)',
      /retention_in_days`? \| `?\d+`? \| `?1`? \|/.test(
        sectionOf(said, 'aws_cloudwatch_log_group.readiness_log-group'),
      ),
    ],
    ['the VPC tag', /DataClassification[^\n]*public/.test(sectionOf(said, 'aws_vpc.'))],
    [
      'the rule opened to the internet',
      said.includes(planted.openRule) && said.includes('0.0.0.0/0'),
    ],
  ];
  return checks.filter(([, ok]) => !ok).map(([what]) => `npm run drift did not report ${what}`);
}

/** The three deploy paths' outputs in the gates drill. */
export interface GateDrillOutputs {
  readonly 'cdktf deploy': string;
  readonly 'terraform apply': string;
  readonly 'npm run deploy': string;
}

/**
 * What is wrong with the gates drill's outputs: each path must refuse with the baseline gate's
 * message and the Lambda gate's reason and fix (the first clause, where the number was read,
 * differs: the gate reads the quota, preflight the account's unreserved concurrency); none
 * may create anything. cdktf-cli 0.21 prints no Terraform diagnostics when an apply fails
 * (fixed in cdktn-cli 0.23: open-constructs/cdk-terrain#169): its refusal is then proved by
 * its exit and by nothing created, and noted as a limitation.
 */
export function gateDrillProblems(
  outputs: GateDrillOutputs,
  expected: { readonly region: string; readonly roleName: string; readonly quota: number },
): { problems: string[]; limitations: string[] } {
  const messages = preconditionMessages(outputs['terraform apply']);
  const baseline = messages.find((m) => m.includes(expected.roleName));
  const lambda = messages.find((m) =>
    m.startsWith(`Lambda in ${expected.region} has ${expected.quota} `),
  );
  const problems: string[] = [];
  const limitations: string[] = [];
  if (!baseline || !baseline.includes(`in ${expected.region}`))
    problems.push(
      `terraform apply did not name the missing baseline role: ${messages.join(' | ')}`,
    );
  if (!lambda)
    problems.push(
      `terraform apply did not name the Lambda quota of ${expected.quota}: ${messages.join(' | ')}`,
    );
  const wanted = [baseline, lambda?.slice(lambda.indexOf('; ') + 2)].filter(
    (m): m is string => !!m,
  );
  for (const [path, text] of Object.entries(outputs)) {
    if (/Creation complete|Apply complete/.test(text)) problems.push(`${path} created something`);
    const said = normalizedOutput(text);
    const missing = wanted.filter((m) => !said.includes(m));
    if (
      path === 'cdktf deploy' &&
      missing.length === wanted.length &&
      /Invoking Terraform CLI failed/.test(text)
    ) {
      limitations.push(
        'cdktf-cli 0.21 refused the deploy but printed no Terraform diagnostics (fixed in cdktn-cli 0.23, open-constructs/cdk-terrain#169); the message is the same Terraform printed on terraform apply',
      );
      continue;
    }
    for (const m of missing) problems.push(`${path} did not say: ${m}`);
  }
  return { problems, limitations };
}

/**
 * The literal value of `attribute` on the synthesized resource of `type` (the one named
 * `name`, or the only one of its type), as the synth gave it. Throws when there is no such
 * resource, several without a name, or the value is not a literal string.
 */
export function synthesizedValue(
  json: Record<string, unknown>,
  type: string,
  attribute: string,
  name?: string,
): string {
  const ofType = ((json.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>)[
    type
  ];
  const names = Object.keys(ofType ?? {});
  const chosen = name ?? (names.length === 1 ? names[0] : undefined);
  if (!chosen || !ofType?.[chosen]) {
    throw new Error(
      `the synthesized stack has ${name ? `no ${type}.${name}` : `${names.length} ${type} resources, not one`}`,
    );
  }
  const value = ofType[chosen][attribute];
  if (typeof value !== 'string' || value.includes('${')) {
    throw new Error(
      `${type}.${chosen}.${attribute} is not a literal string in the synthesized stack`,
    );
  }
  return value;
}

/**
 * The addresses listed under the first line `isHeading` accepts: the first capture of `item`
 * on each line that follows, until a line it does not match.
 */
function listedUnder(output: string, isHeading: (line: string) => boolean, item: RegExp): string[] {
  const lines = output.split('\n');
  const head = lines.findIndex(isHeading);
  if (head < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(head + 1)) {
    const m = item.exec(l);
    if (!m) break;
    out.push(m[1]);
  }
  return out;
}

/** The addresses recover lists under "Tainted objects of …" (`untainted`: after --untaint). */
export function taintedIn(output: string, state: 'tainted' | 'untainted' = 'tainted'): string[] {
  return listedUnder(
    output,
    (l) =>
      l.startsWith('Tainted objects of ') && (state === 'untainted') === l.includes(', untainted'),
    /^ {4}(\S+)$/,
  );
}

/**
 * The addresses recover's report lists as adoptable: resources in the account that are not
 * in the state, each matched to the address that would otherwise create it again.
 */
export function adoptableIn(output: string): string[] {
  return listedUnder(
    output,
    (l) => l.startsWith('  Adoptable (import at the address'),
    /^ {4}(\S+) +← /,
  );
}
