/**
 * Components: the detail nodes of a model grouped into the boxes of the overview, and edges
 * lifted from nodes to whatever stands for them in a picture.
 *
 * - A component is one construct of one tier of one stack (`database` in Data, `network` in
 *   Public subnets), so each box points at a folder of the code.
 * - The tiers every other tier uses (keys and roles, logs and alarms) are one box per stack.
 * - A few types get a box of their own beside their construct (the WAF in front of the API),
 *   so the way a request takes reads from the picture.
 * - Resources at the root of a stack and security groups join the component of what
 *   references them when that is one component (a security group, the function it guards);
 *   traffic a security group allows is drawn from and to what carries the group.
 */
import { addEdge, DiagramEdge, DiagramModel, DiagramNode, sortedEdges } from './model';
import { compare } from './resources';
import { Tier } from './tiers';

/** Tiers drawn as one box per stack: what every other tier uses. */
export const SUMMARY_TIERS: ReadonlySet<Tier> = new Set<Tier>(['security', 'observability']);

/** Types with a box of their own, apart from the rest of their construct. */
const OWN_BOX_TYPES: ReadonlySet<string> = new Set(['aws_wafv2_web_acl']);

/** Types that belong with what references them rather than with their construct. */
const JOINS_REFERRER: ReadonlySet<string> = new Set(['aws_security_group']);

export interface Component {
  readonly id: string;
  readonly stack: string;
  readonly tier: Tier;
  /** The construct it stands for: '' for a summary tier or a stack's root resources. */
  readonly construct: string;
  readonly nodes: readonly DiagramNode[];
}

export interface Components {
  /** Sorted by id. */
  readonly list: readonly Component[];
  /** The component id of each node id. */
  readonly of: ReadonlyMap<string, string>;
}

/** The component key of a node by its own stack, tier and construct. */
function baseKey(node: DiagramNode): string {
  if (SUMMARY_TIERS.has(node.tier)) return `${node.stack}|${node.tier}|`;
  const top = node.construct.split('/')[0];
  const own = OWN_BOX_TYPES.has(node.type) ? node.type : '';
  return `${node.stack}|${node.tier}|${top}|${own}`;
}

function componentId(key: string): string {
  return `c_${key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
}

/**
 * The nodes that reference this one and are not referenced back (a reference both ways is an
 * access grant, such as a bucket policy naming a role, not a use).
 */
function referrersOf(nodeId: string, model: DiagramModel): string[] {
  return model.edges
    .filter((e) => e.kind === 'reference' && e.to === nodeId && !e.both)
    .map((e) => e.from);
}

/** The one component of every node that uses this one, if there is one. */
function referrerKey(
  node: DiagramNode,
  model: DiagramModel,
  keyOf: ReadonlyMap<string, string>,
): string | undefined {
  const keys = new Set(referrersOf(node.id, model).map((id) => keyOf.get(id)));
  return keys.size === 1 ? [...keys][0] : undefined;
}

/**
 * The edges of a model with traffic drawn from and to what carries a security group instead
 * of the group: a group attached to two functions sends from both. A group nothing uses keeps
 * its edges.
 */
export function trafficByCarrier(model: DiagramModel): DiagramEdge[] {
  const carriers = new Map(
    model.nodes
      .filter((n) => JOINS_REFERRER.has(n.type))
      .map((n) => [n.id, referrersOf(n.id, model)] as const)
      .filter(([, ids]) => ids.length > 0),
  );
  return model.edges.flatMap((e) => {
    if (e.kind !== 'traffic') return [e];
    const froms = carriers.get(e.from) ?? [e.from];
    const tos = carriers.get(e.to) ?? [e.to];
    return froms.flatMap((from) => tos.map((to) => ({ ...e, from, to })));
  });
}

/** Groups the nodes of a model into components. */
export function groupComponents(model: DiagramModel): Components {
  const baseKeys = new Map(model.nodes.map((n) => [n.id, baseKey(n)]));
  const grouped = new Map<string, DiagramNode[]>();
  for (const node of model.nodes) {
    const joins =
      !SUMMARY_TIERS.has(node.tier) && (node.construct === '' || JOINS_REFERRER.has(node.type));
    const key = (joins && referrerKey(node, model, baseKeys)) || baseKeys.get(node.id)!;
    if (!grouped.has(key)) grouped.set(key, []);
    grouped.get(key)!.push(node);
  }
  const list = [...grouped.entries()]
    .map(([key, nodes]): Component => {
      const [stack, tier, construct] = key.split('|');
      return { id: componentId(key), stack, tier: tier as Tier, construct, nodes };
    })
    .sort((a, b) => compare(a.id, b.id));
  const of = new Map(list.flatMap((c) => c.nodes.map((n) => [n.id, c.id] as const)));
  return { list, of };
}

/**
 * The edges of a model drawn between what stands for their ends (`endpointOf`: a node id, a
 * component id, or undefined to leave the edge out). Edges that meet are merged: ports of
 * traffic edges add up, a reference beside traffic between the same two is left out (the
 * traffic says more), references both ways become one two-headed edge.
 */
export function liftEdges(
  edges: readonly DiagramEdge[],
  endpointOf: (nodeId: string) => string | undefined,
): DiagramEdge[] {
  const lifted = new Map<string, DiagramEdge>();
  for (const e of edges) {
    const from = endpointOf(e.from);
    const to = endpointOf(e.to);
    if (from === undefined || to === undefined) continue;
    const { both, ...edge } = e;
    addEdge(lifted, { ...edge, from, to });
    if (both) addEdge(lifted, { ...edge, from: to, to: from });
  }
  const traffic = new Set(
    [...lifted.values()].filter((e) => e.kind === 'traffic').flatMap((e) => pairKeys(e)),
  );
  for (const [k, e] of lifted) {
    if (e.kind === 'reference' && pairKeys(e).some((p) => traffic.has(p))) lifted.delete(k);
  }
  return sortedEdges(lifted);
}

function pairKeys(e: DiagramEdge): string[] {
  return [`${e.from}>${e.to}`, `${e.to}>${e.from}`];
}
