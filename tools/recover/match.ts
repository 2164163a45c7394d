/**
 * Pairs orphans with planned creates: an existing resource whose natural key equals the key
 * of exactly one planned create of its type (and region) is adopted at that address. What
 * the state already holds (by id or ARN) or the plan already imports is never an orphan.
 * Two candidates for one address, or one candidate for two, adopt nothing: a person chooses.
 */
import type { Existing, Finder } from './finder';
import { NOT_NEEDED } from './unchecked-types';
import type { PlannedCreate } from './plan-facts';

export interface Adoption {
  readonly address: string;
  readonly importId: string;
  readonly existing: Existing;
}

export interface Ambiguity {
  readonly address: string;
  readonly candidates: readonly Existing[];
}

export interface UncheckedType {
  readonly type: string;
  readonly addresses: readonly string[];
  /** Why it needs no finder; undefined when it is simply not covered. */
  readonly note?: string;
}

export interface Matching {
  /** One orphan for one planned address: import it there. */
  readonly adopt: readonly Adoption[];
  /** More than one candidate: nothing adopted, a person decides. */
  readonly ambiguous: readonly Ambiguity[];
  /** The stack's resources outside the state that no planned address wants: delete them. */
  readonly unplanned: readonly Existing[];
  /** Planned creates whose key is not known yet (their parent is not adopted). */
  readonly waiting: readonly string[];
  /** Orphans of a type that still has waiting addresses: decided once their parent is. */
  readonly undecided: readonly Existing[];
  /** Planned creates of types no finder looks for. */
  readonly unchecked: readonly UncheckedType[];
}

export interface MatchInput {
  readonly creates: readonly PlannedCreate[];
  readonly found: readonly Existing[];
  /** `<type> <id>` of what the state holds (PlanFacts.stateIds). */
  readonly stateIds: ReadonlySet<string>;
  /** address → import id of what the plan already imports. */
  readonly importing: ReadonlyMap<string, string>;
  readonly finderOf: (type: string) => Finder | undefined;
}

/** `aws_vpc.network_vpc_1` → `aws_vpc` (module prefixes skipped). */
export function typeOfAddress(address: string): string {
  return address.replace(/^(module\.[^.]+(\[[^\]]*\])?\.)+/, '').split('.')[0];
}

export function matchOrphans(input: MatchInput): Matching {
  const imported = new Set(
    [...input.importing].map(([address, id]) => `${typeOfAddress(address)} ${id}`),
  );
  const inState = (e: Existing, id: string) => input.stateIds.has(`${e.type} ${id}`);
  const live = input.found.filter(
    (e) =>
      !inState(e, e.importId) &&
      !e.ids.some((id) => inState(e, id)) &&
      !imported.has(`${e.type} ${e.importId}`),
  );
  const waiting: PlannedCreate[] = [];
  const uncheckedByType = new Map<string, string[]>();
  const candidatesOf = new Map<string, Existing[]>();
  for (const create of input.creates) {
    const finder = input.finderOf(create.type);
    if (!finder) {
      uncheckedByType.set(create.type, [
        ...(uncheckedByType.get(create.type) ?? []),
        create.address,
      ]);
      continue;
    }
    const key = finder.plannedKey(create);
    if (key === undefined) {
      waiting.push(create);
      continue;
    }
    candidatesOf.set(
      create.address,
      live.filter((e) => e.type === create.type && e.region === create.region && e.key === key),
    );
  }
  const wantedBy = new Map<Existing, string[]>();
  for (const [address, candidates] of candidatesOf) {
    for (const e of candidates) wantedBy.set(e, [...(wantedBy.get(e) ?? []), address]);
  }
  const adopt: Adoption[] = [];
  const ambiguous: Ambiguity[] = [];
  for (const [address, candidates] of candidatesOf) {
    if (candidates.length === 0) continue;
    if (candidates.length === 1 && wantedBy.get(candidates[0])!.length === 1) {
      adopt.push({ address, importId: candidates[0].importId, existing: candidates[0] });
    } else {
      ambiguous.push({ address, candidates });
    }
  }
  const waitingTypes = new Set(waiting.map((c) => `${c.type} ${c.region}`));
  const unplanned: Existing[] = [];
  const undecided: Existing[] = [];
  for (const e of live) {
    if (wantedBy.has(e) || input.finderOf(e.type)?.listing === 'parents') continue;
    if (waitingTypes.has(`${e.type} ${e.region}`)) undecided.push(e);
    else unplanned.push(e);
  }
  const unchecked = [...uncheckedByType]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, addresses]) => ({ type, addresses, note: NOT_NEEDED[type] }));
  return {
    adopt: adopt.sort((a, b) => a.address.localeCompare(b.address)),
    ambiguous: ambiguous.sort((a, b) => a.address.localeCompare(b.address)),
    unplanned,
    waiting: waiting.map((c) => c.address).sort(),
    undecided,
    unchecked,
  };
}
