/**
 * Runs the finders of a plan: in each region of the stack, every type the stack configures
 * there that has a finder. Tag-listed types are always listed (an orphan may have no
 * planned address left: a second VPC); the others only for the planned creates whose key
 * the plan knows. A finder the account cannot answer is reported, not fatal.
 */
import type { Existing, Finder, RecoverClients } from './finder';
import type { PlanFacts } from './plan-facts';

/** The stack tags every resource carries and finders list by. */
export const STACK_TAG_KEYS = ['Project', 'Environment'] as const;

export interface FinderFailure {
  readonly type: string;
  readonly region: string;
  readonly error: string;
}

export interface SearchResult {
  readonly found: readonly Existing[];
  readonly failed: readonly FinderFailure[];
}

/** Project and Environment from the stack's default tags (empty when either is missing). */
export function stackTagsOf(defaultTags: Readonly<Record<string, string>>): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const k of STACK_TAG_KEYS) if (defaultTags[k]) tags[k] = defaultTags[k];
  return Object.keys(tags).length === STACK_TAG_KEYS.length ? tags : {};
}

export async function searchOrphans(
  facts: PlanFacts,
  clientsFor: (region: string) => RecoverClients,
  finderOf: (type: string) => Finder | undefined,
): Promise<SearchResult> {
  const stackTags = stackTagsOf(facts.defaultTags);
  const found: Existing[] = [];
  const failed: FinderFailure[] = [];
  for (const [region, types] of [...facts.typesByRegion].sort(([a], [b]) => a.localeCompare(b))) {
    const ctx = { region, clients: clientsFor(region), stackTags };
    for (const type of [...types].sort()) {
      const finder = finderOf(type);
      if (!finder) continue;
      const creates = facts.creates.filter(
        (c) => c.type === type && c.region === region && finder.plannedKey(c) !== undefined,
      );
      const listAll = finder.listing === 'tags' && Object.keys(stackTags).length > 0;
      if (!listAll && creates.length === 0) continue;
      try {
        found.push(...(await finder.find(ctx, creates)));
      } catch (error) {
        failed.push({ type, region, error: (error as Error).message.split('\n')[0] });
      }
    }
  }
  return { found, failed };
}
