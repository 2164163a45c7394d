/**
 * The overview: one box per component (components.ts) listing what it holds with counts
 * (`3 NAT gateways`, `9 log groups`), the edges between boxes, and where requests from the
 * internet come in. Everything comes from the detail model, so from the synthesized stacks.
 */
import {
  Component,
  groupComponents,
  liftEdges,
  SUMMARY_TIERS,
  trafficByCarrier,
} from './components';
import { capitalizeFirst, countOf } from './labels';
import type { DiagramEdge, DiagramModel, DiagramNode } from './model';
import { compare } from './resources';
import { Tier, TIERS } from './tiers';

/**
 * Types a construct's box leaves unnamed (counted in its `+ n more` line): plumbing that the
 * detail view shows, or that an edge already says (security groups: the traffic edges).
 * Summary boxes (keys and roles, logs and alarms) name everything.
 */
const QUIET_TYPES: ReadonlySet<string> = new Set([
  'aws_eip',
  'aws_route_table',
  'aws_security_group',
  'aws_db_subnet_group',
  'aws_elasticache_subnet_group',
  'aws_elasticache_user_group',
  'aws_iam_role',
  'aws_iam_policy',
  'aws_backup_selection',
  'aws_config_configuration_recorder_status',
  'aws_config_delivery_channel',
  'aws_guardduty_detector_feature',
  'aws_securityhub_standards_subscription',
  'aws_api_gateway_account',
]);

export interface OverviewBox {
  readonly id: string;
  readonly stack: string;
  readonly tier: Tier;
  /** The construct (`database`), the tier of a summary box, or '' for a stack's root. */
  readonly title: string;
  /** One line per kind of resource: `3 NAT gateways`, `RDS PostgreSQL`. */
  readonly items: readonly string[];
  /** Resources held but not named (QUIET_TYPES). */
  readonly more: number;
}

export interface Overview {
  readonly boxes: readonly OverviewBox[];
  /** Between boxes; edges to the summary boxes are left out (every tier has them). */
  readonly edges: readonly DiagramEdge[];
  /** Boxes requests from the internet reach first: the edge tier's boxes nothing else in it points to. */
  readonly entries: readonly string[];
}

/** The overview of a detail model. */
export function buildOverview(model: DiagramModel): Overview {
  const components = groupComponents(model);
  const boxes = components.list.map(boxOf);
  const summary = new Set(boxes.filter((b) => SUMMARY_TIERS.has(b.tier)).map((b) => b.id));
  const edges = liftEdges(trafficByCarrier(model), (id) => {
    const c = components.of.get(id);
    return c === undefined || summary.has(c) ? undefined : c;
  });
  return { boxes, edges, entries: entriesOf(boxes, edges) };
}

/** A component as a box: its title and a line per kind of resource it holds. */
export function boxOf(component: Component): OverviewBox {
  const summary = SUMMARY_TIERS.has(component.tier);
  const loud = component.nodes.filter((n) => summary || !QUIET_TYPES.has(n.type));
  // A box of quiet resources alone names them: `+ 1 more` by itself would say nothing.
  const named = loud.length > 0 ? loud : component.nodes;
  const quiet = component.nodes.filter((n) => !named.includes(n));
  return {
    id: component.id,
    stack: component.stack,
    tier: component.tier,
    title: summary ? TIERS[component.tier].label : component.construct.replace(/-/g, ' '),
    items: itemsOf(named),
    more: quiet.reduce((sum, n) => sum + n.count, 0),
  };
}

/** `3 NAT gateways` per title, sorted; a REST API adds its routes. */
function itemsOf(nodes: readonly DiagramNode[]): string[] {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.title, (counts.get(n.title) ?? 0) + n.count);
  const routes = nodes.flatMap((n) => n.label.filter((l) => /^[A-Z]+ \//.test(l)));
  return [...counts.entries()]
    .sort((a, b) => compare(a[0].toLowerCase(), b[0].toLowerCase()))
    .map(([title, count]) => countOf(title, count))
    .concat(routes.length > 0 ? [routes.join(', ')] : [])
    .map(capitalizeFirst);
}

function entriesOf(boxes: readonly OverviewBox[], edges: readonly DiagramEdge[]): string[] {
  const edge = new Set(boxes.filter((b) => b.tier === 'edge').map((b) => b.id));
  const reached = new Set(edges.filter((e) => edge.has(e.from)).map((e) => e.to));
  return [...edge].filter((id) => !reached.has(id)).sort(compare);
}
