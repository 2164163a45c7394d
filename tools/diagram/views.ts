/**
 * The detail view of each tier: every box of the tier as the detail model draws it, and the
 * boxes of other tiers it connects to, summarized as in the overview (context boxes), so
 * that no edge of the tier is lost and the picture stays the size of one tier.
 */
import { groupComponents, liftEdges } from './components';
import type { DiagramModel, DiagramNode } from './model';
import { boxOf } from './overview';
import { Tier, TIER_ORDER } from './tiers';

export interface DetailView {
  readonly tier: Tier;
  readonly model: DiagramModel;
}

/** One view per tier that has boxes, in the order of the tiers. */
export function detailViews(model: DiagramModel): DetailView[] {
  return TIER_ORDER.filter((tier) => model.nodes.some((n) => n.tier === tier)).map((tier) => ({
    tier,
    model: tierView(model, tier),
  }));
}

/** The nodes of one tier, the context boxes they connect to, and the edges between them. */
export function tierView(model: DiagramModel, tier: Tier): DiagramModel {
  const components = groupComponents(model);
  const inTier = new Set(model.nodes.filter((n) => n.tier === tier).map((n) => n.id));
  const endpointOf = (id: string) => (inTier.has(id) ? id : components.of.get(id));
  const edges = liftEdges(
    model.edges.filter((e) => inTier.has(e.from) || inTier.has(e.to)),
    endpointOf,
  );
  const used = new Set(edges.flatMap((e) => [e.from, e.to]));
  const context = components.list
    .filter((c) => used.has(c.id))
    .map((c): DiagramNode => {
      const box = boxOf(c);
      return {
        id: c.id,
        tier: c.tier,
        stack: c.stack,
        construct: '',
        type: 'component',
        title: box.title,
        count: c.nodes.reduce((sum, n) => sum + n.count, 0),
        // Drawn inside its tier's cluster: a summary box's title (the tier) would say it twice.
        label: [
          ...(c.construct ? [box.title] : []),
          ...box.items,
          ...(box.more > 0 ? [`+ ${box.more} more`] : []),
        ],
        members: c.nodes.flatMap((n) => n.members),
        context: true,
      };
    });
  return { nodes: [...model.nodes.filter((n) => inTier.has(n.id)), ...context], edges };
}
