/** Shared fixtures of the recover tests: the drill's lock, planned creates and plan JSON. */
import type {
  Existing,
  Finder,
  FinderContext,
  RecoverClients,
} from '../../../tools/recover/finder';
import { matchOrphans } from '../../../tools/recover/match';
import type { PlannedCreate } from '../../../tools/recover/plan-facts';

/** Lock info exactly as Terraform 1.11.4 wrote it in the fault drill (docs/recovery.md). */
export const DRILL_LOCK = {
  ID: '9003901e-e1e7-8205-9b7c-19d18b6df20e',
  Operation: 'OperationTypeApply',
  Info: '',
  Who: 'root@vm',
  Version: '1.11.4',
  Created: '2026-12-07T07:53:57.545307888Z',
  Path: 'healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate',
};

export const REGION = 'eu-west-1';
export const STACK_TAGS = { Project: 'healthcare-platform', Environment: 'dev' };

/** A planned create: `after` as the plan shows it, `unknown` the attributes learnt at apply. */
export function planned(
  address: string,
  after: Record<string, unknown>,
  unknown: Record<string, unknown> = {},
  region = REGION,
): PlannedCreate {
  return { address, type: address.split('.')[0], region, after, afterUnknown: unknown };
}

/** EC2-style tags: the stack's, plus a Name. */
export const ec2Tags = (name?: string, extra: Record<string, string> = STACK_TAGS) =>
  [...Object.entries(extra), ...(name ? [['Name', name]] : [])].map(([Key, Value]) => ({
    Key,
    Value,
  }));

/**
 * A finder context over SDK clients that aws-sdk-client-mock intercepts: only the ones a test
 * file loads (each SDK package costs ~0.2 s to load per test file).
 */
export function context(clients: Partial<RecoverClients>, region = REGION): FinderContext {
  return { region, clients: clients as RecoverClients, stackTags: STACK_TAGS };
}

/** What one finder finds for `creates`, and the import blocks the match gives. */
export async function adoptWith(
  clients: Partial<RecoverClients>,
  finder: Finder,
  creates: ReturnType<typeof planned>[],
  stateIds: ReadonlySet<string> = new Set(),
): Promise<{ found: Existing[]; blocks: { to: string; id: string }[] }> {
  const known = creates.filter((c) => finder.plannedKey(c) !== undefined);
  const found = await finder.find(context(clients), known);
  const finderOf = (type: string) => (type === finder.type ? finder : undefined);
  const m = matchOrphans({ creates, found, stateIds, importing: new Map(), finderOf });
  return { found, blocks: m.adopt.map((a) => ({ to: a.address, id: a.importId })) };
}
