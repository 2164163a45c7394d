/**
 * What recover prints: the lock (who holds it, since when, whether that run is alive, what to
 * do), the orphans (adopted or to adopt, to delete with the exact AWS CLI command, ambiguous,
 * waiting on a parent, not checked), and the exit code: 0 nothing to do or done, 1 something
 * needs a person.
 */
import type { Existing } from './finder';
import type { HolderVerdict } from './holder';
import type { LockInfo, LockReading } from './lock';
import type { Adoption, Matching } from './match';
import type { FinderFailure } from './search';

/** The lock's state after the lock step. */
export type LockState =
  | 'local'
  | 'free'
  | 'released'
  | 'held-gone'
  | 'held-alive'
  | 'held-remote'
  | 'release-failed';

/** `12 min`, `3 h 5 min`, `2 days` since an RFC 3339 time; undefined when it does not parse. */
export function age(created: string, now: Date): string | undefined {
  const t = Date.parse(created);
  if (Number.isNaN(t)) return undefined;
  const minutes = Math.max(0, Math.floor((now.getTime() - t) / 60000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

/** The lock's holder, one fact per line. */
export function describeLock(lock: LockInfo, reading: LockReading, now: Date): string[] {
  const since = age(lock.Created, now);
  const where = [
    reading.dynamodb ? `the DynamoDB item (lock ${reading.dynamodb.ID})` : undefined,
    reading.lockfile ? `the .tflock object (lock ${reading.lockfile.ID})` : undefined,
  ].filter(Boolean);
  return [
    `  operation: ${lock.Operation || '(not recorded)'}`,
    `  who:       ${lock.Who || '(not recorded)'}`,
    `  since:     ${lock.Created}${since ? ` (${since} ago)` : ''}`,
    `  lock ID:   ${lock.ID}`,
    `  held in:   ${where.join(' and ')}`,
  ];
}

/**
 * Where the lock lives, in describeLock's layout: its region and account, read with the
 * caller's own credentials as Terraform's S3 backend (never the deploy role).
 */
export function lockHomeLine(region: string, account: string): string {
  return `  lock in:   ${region}, ${account}, read with the caller's own credentials (as Terraform's S3 backend; not the deploy role)`;
}

/** What the verdict means and what to do. */
export function verdictLines(
  verdict: HolderVerdict,
  stack: string,
  releaseRequested: boolean,
): string[] {
  const evidence = verdict.evidence.map((e) => `  - ${e}`);
  switch (verdict.kind) {
    case 'remote':
      return [
        'The holder runs on another machine: recover cannot tell whether it is alive, and never releases it.',
        ...evidence,
        ...(releaseRequested ? ['--release-lock refused: the holder is not on this machine.'] : []),
        'If that run is certainly gone (its CI job cancelled or its machine lost), release it from that',
        'machine, or run `terraform force-unlock <lock ID>` in an initialised folder of the stack.',
      ];
    case 'alive':
      return [
        'The holder is ALIVE: a run on this machine is still working on the stack. Wait for it.',
        ...evidence,
        ...(releaseRequested ? ['--release-lock refused: the holder still runs.'] : []),
      ];
    case 'gone':
      return [
        'The holder is gone: it ran on this machine and nothing of it runs any more.',
        ...evidence,
        ...(releaseRequested
          ? []
          : [
              `It is safe to release: npm run recover -- --stack ${stack} --release-lock`,
              '(orphans below were searched without taking the lock; nothing can be adopted until it is released)',
            ]),
      ];
  }
}

/** Deletion order: children and users of a resource before it. */
const DELETE_ORDER = [
  'aws_lambda_function',
  'aws_db_instance',
  'aws_elasticache_replication_group',
  'aws_api_gateway_rest_api',
  'aws_flow_log',
  'aws_vpc_endpoint',
  'aws_nat_gateway',
  'aws_eip',
  'aws_internet_gateway',
  'aws_route_table_association',
  'aws_route',
  'aws_db_subnet_group',
  'aws_elasticache_subnet_group',
  'aws_subnet',
  'aws_route_table',
  'aws_security_group',
  'aws_vpc',
];

export function deletionOrder(items: readonly Existing[]): Existing[] {
  const rank = (t: string) => {
    const i = DELETE_ORDER.indexOf(t);
    return i < 0 ? DELETE_ORDER.length : i;
  };
  return [...items].sort(
    (a, b) =>
      rank(a.type) - rank(b.type) || a.type.localeCompare(b.type) || a.label.localeCompare(b.label),
  );
}

export interface OrphanReport {
  readonly stack: string;
  /** Every adoption found over the rounds. */
  readonly adoptions: readonly Adoption[];
  /** The last round's matching: what is left. */
  readonly matching: Matching;
  readonly failed: readonly FinderFailure[];
  readonly rounds: number;
  /** adopt: the adoption will be planned and applied; detect: only listed. */
  readonly mode: 'adopt' | 'detect';
  /** Where the finders looked: `account 222222222222 as <role ARN> (DEPLOY_ROLE_ARN)`. */
  readonly searched: string;
  /** Objects of the state the next deploy would replace only because they are tainted. */
  readonly tainted: readonly string[];
}

/** What the next plan does with an untainted object. */
const NEXT_PLAN =
  'the next plan reads each again: an update in place, a replacement where a changed attribute forces one, a create where it is gone';

/**
 * The tainted section of the output: what an interrupted apply leaves, and why keeping the
 * objects is usually right (a replacement collides with a fixed name or loses data).
 */
export function formatTainted(
  stack: string,
  tainted: readonly string[],
  untainted: boolean,
): string {
  if (tainted.length === 0) return `Tainted objects of ${stack}: none.`;
  const head = untainted
    ? `Tainted objects of ${stack}: ${tainted.length}, untainted (${NEXT_PLAN}):`
    : `Tainted objects of ${stack}: ${tainted.length}. Terraform did not finish with them (a create interrupted or failed, or \`terraform taint\`), so the next deploy would REPLACE each: a fixed name collides with the object it replaces (create before destroy), a stateful one loses its data.`;
  return [
    head,
    ...tainted.map((a) => `    ${a}`),
    ...(untainted
      ? []
      : [
          `  Check that each is whole, then keep them with: npm run recover -- --stack ${stack} --untaint   (${NEXT_PLAN})`,
        ]),
  ].join('\n');
}

/**
 * Why recover stopped before its search: the plan would replace tainted objects the stack
 * forbids destroying (`prevent_destroy`: the production database and cache), and Terraform
 * refuses such a plan. The list and the way on follow (formatTainted).
 */
export function formatBlockedByTaint(stack: string, tainted: readonly string[]): string {
  return [
    `The plan of ${stack} stops at Terraform's "Instance cannot be destroyed": it would replace tainted objects whose lifecycle forbids destroying them (prevent_destroy). Orphans were not searched.`,
    formatTainted(stack, tainted, false),
  ].join('\n');
}

/** The refusal of --adopt or --untaint while a dead run still holds the lock. */
export function lockHeldRefusal(stack: string, wanted: readonly string[]): string {
  return `${wanted.join(' and ')} refused: the lock is still held. Release it first: npm run recover -- --stack ${stack} --release-lock ${wanted.join(' ')}`;
}

const line = (e: Existing) => `    ${e.type} ${e.label}\n      ${e.deleteCommand}`;

/** The orphan section of the output. */
export function formatOrphans(r: OrphanReport): string {
  const m = r.matching;
  const out: string[] = [];
  const total =
    r.adoptions.length +
    m.unplanned.length +
    m.undecided.length +
    new Set(m.ambiguous.flatMap((a) => a.candidates)).size;
  out.push(
    total === 0
      ? `Orphans of ${r.stack}: none. Every resource of the stack found in the account is in its state (${r.rounds} round(s)).`
      : `Orphans of ${r.stack}: ${total} resource(s) exist in the account but not in its state (${r.rounds} round(s)).`,
    `  Searched ${r.searched}.`,
  );
  if (r.adoptions.length > 0) {
    out.push(
      r.mode === 'adopt'
        ? '  To adopt (import at the address that would otherwise create them again):'
        : '  Adoptable (import at the address that would otherwise create them again):',
    );
    const width = Math.max(...r.adoptions.map((a) => a.address.length));
    for (const a of r.adoptions) {
      out.push(
        `    ${a.address.padEnd(width)}  ←  ${a.existing.label}   [import id ${a.importId}]`,
      );
    }
    if (r.mode === 'detect') {
      out.push(
        `  Adopt them with: npm run recover -- --stack ${r.stack} --adopt   (planned, reviewed, applied after "yes")`,
      );
    }
  }
  if (m.unplanned.length > 0) {
    out.push(
      "  Not adopted: delete it. These carry the stack's tags but no planned address wants them",
      '  (e.g. a second network from an earlier retry). In this order:',
      ...deletionOrder(m.unplanned).map(line),
    );
  }
  for (const a of m.ambiguous) {
    out.push(
      `  Ambiguous: ${a.candidates.length} candidates for ${a.address}; none adopted. Keep one, delete the others:`,
      ...deletionOrder(a.candidates).map(line),
    );
  }
  if (m.undecided.length > 0) {
    out.push(
      `  Waiting on a parent: ${m.undecided.length} resource(s) whose parent is not adopted yet (resolve the above, then run recover again):`,
      ...m.undecided.map((e) => `    ${e.type} ${e.label}`),
    );
  }
  const unchecked = m.unchecked.filter((u) => !u.note);
  const notNeeded = m.unchecked.filter((u) => u.note);
  if (notNeeded.length > 0) {
    out.push(
      '  Not looked for (their create call overwrites, or cannot fail with "already exists"):',
    );
    for (const u of notNeeded) out.push(`    ${u.type} (${u.addresses.length}): ${u.note}`);
  }
  if (unchecked.length > 0) {
    out.push(
      '  NOT CHECKED (no finder): if the next deploy fails with "already exists" on one of these, import it by hand:',
    );
    for (const u of unchecked)
      out.push(`    ${u.type} (${u.addresses.length}): ${u.addresses.join(', ')}`);
  }
  for (const f of r.failed) {
    out.push(`  COULD NOT CHECK ${f.type} in ${f.region}: ${f.error}`);
  }
  return out.join('\n');
}

/** Whether something is left for a person. */
export function needsPerson(
  lock: LockState,
  report: Pick<OrphanReport, 'adoptions' | 'matching' | 'failed' | 'tainted'> | undefined,
  adopted: boolean,
  untainted = false,
): boolean {
  if (['held-gone', 'held-alive', 'held-remote', 'release-failed'].includes(lock)) return true;
  if (!report) return false;
  const m = report.matching;
  return (
    (report.adoptions.length > 0 && !adopted) ||
    (report.tainted.length > 0 && !untainted) ||
    m.unplanned.length > 0 ||
    m.ambiguous.length > 0 ||
    m.undecided.length > 0 ||
    report.failed.length > 0
  );
}
