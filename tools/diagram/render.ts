/** Graphviz DOT of a model (clusters per tier and construct, fixed layout rows) and its SVG. */
import { instance as vizInstance } from '@viz-js/viz';
import type { DiagramModel } from './model';
import { compare } from './resources';
import { DEFAULT_TIER, Tier, TIER_ORDER, TIERS } from './tiers';

const FONT = 'Helvetica,Arial,sans-serif';

// Short lines: a viewer without Helvetica or Arial draws wider text than Graphviz measured.
const LEGEND = [
  'Generated from the synthesized stacks by npm run diagram.',
  'Arrow A → B: A references B. Red: traffic a security-group rule allows (port).',
  'Dashed arrow: uses a key or role. Dashed boxes: constructs.',
];

const CONTEXT_LEGEND = 'Grey boxes: the other tiers this one connects to, as in the overview.';

/** How a context box (another tier, summarized) is drawn: grey, so the tier itself stands out. */
const CONTEXT_STYLE =
  'style="rounded,filled,dashed", fillcolor="#F4F4F5", color="#9CA3AF", fontcolor="#52525B"';

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The row of each tier in the picture, top to bottom: requests enter at the edge and
 * go down through the public and application tiers to the data; keys, roles and
 * monitoring that serve every tier sit below; the state backend stands apart at the top.
 */
export const LAYOUT_ROWS: Readonly<Record<Tier, number>> = {
  edge: 0,
  state: 0,
  public: 1,
  application: 2,
  data: 3,
  observability: 4,
  security: 5,
  baseline: 6,
};

/** Top to bottom, or left to right for a picture that would be much wider than high. */
export type RankDir = 'TB' | 'LR';

/** The Graphviz DOT text of a model: clusters per tier, then per construct. */
export function toDot(
  model: DiagramModel,
  title = 'Healthcare API platform: architecture',
  rankdir: RankDir = 'TB',
): string {
  const out: string[] = [];
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const label = (lines: readonly string[]) => q(lines.join('\n')).replace(/\n/g, '\\n');
  const legend = [...LEGEND, ...(model.nodes.some((n) => n.context) ? [CONTEXT_LEGEND] : [])];
  out.push('digraph architecture {');
  out.push(
    `  graph [rankdir=${rankdir}, compound=true, newrank=true, nodesep=0.25, ranksep=0.7, pad=0.3, fontname=${q(FONT)}, fontsize=20, labelloc=t, label=<${html(title)}<BR/><FONT POINT-SIZE="12" COLOR="#555555">${legend.map(html).join('<BR/>')}</FONT>>];`,
  );
  out.push(
    `  node [shape=box, style="rounded,filled", fontname=${q(FONT)}, fontsize=11, margin="0.2,0.08", penwidth=1.2];`,
  );
  out.push(
    `  edge [fontname=${q(FONT)}, fontsize=11, color="#7F8C8D", arrowsize=0.6, penwidth=0.9];`,
  );
  const tierNodes = (tier: Tier) => model.nodes.filter((n) => n.tier === tier);
  for (const tier of TIER_ORDER) {
    const nodes = tierNodes(tier);
    if (nodes.length === 0) continue;
    const style = TIERS[tier];
    const stacks = [...new Set(nodes.map((n) => n.stack))].sort(compare);
    const tierLabel = tier === 'state' ? `${style.label} (${stacks.join(', ')})` : style.label;
    out.push(`  subgraph cluster_${tier} {`);
    out.push(
      `    graph [label=${q(tierLabel)}, style="rounded,filled", fillcolor=${q(style.fill)}, color=${q(style.border)}, fontcolor=${q(style.border)}, fontsize=15, penwidth=1.5, margin=12];`,
    );
    const constructs = [...new Set(nodes.map((n) => n.construct))].sort(compare);
    for (const construct of constructs) {
      const inConstruct = nodes.filter((n) => n.construct === construct);
      const indent = construct ? '      ' : '    ';
      if (construct) {
        out.push(`    subgraph cluster_${tier}_${construct.replace(/[^A-Za-z0-9]+/g, '_')} {`);
        out.push(
          `      graph [label=${q(construct)}, style="rounded,dashed", color=${q(style.border)}, fontcolor="#444444", fontsize=11, penwidth=0.8, margin=8];`,
        );
      }
      for (const n of inConstruct) {
        const look = n.context
          ? CONTEXT_STYLE
          : `fillcolor=${q(style.node)}, color=${q(style.border)}`;
        out.push(`${indent}${n.id} [label=${label(n.label)}, ${look}];`);
      }
      if (construct) out.push('    }');
    }
    out.push('  }');
  }
  const tierOfNode = new Map(model.nodes.map((n) => [n.id, n.tier]));
  const rank = (id: string) => LAYOUT_ROWS[tierOfNode.get(id) ?? DEFAULT_TIER];
  // Invisible row anchors keep each row of tiers below the previous one whatever the
  // references say: row_k -> every node of row k -> row_k+1 (weight 0: no sideways pull).
  // One row needs no anchors (they would only stretch the picture).
  const used = [...new Set(model.nodes.map((n) => rank(n.id)))].sort((a, b) => a - b);
  const rows = used.length > 1 ? used : [];
  for (const row of rows) out.push(`  row_${row} [shape=point, style=invis, width=0, height=0];`);
  rows.forEach((row, i) => {
    const next = rows[i + 1];
    for (const n of model.nodes.filter((m) => rank(m.id) === row)) {
      out.push(`  row_${row} -> ${n.id} [style=invis, weight=1];`);
      if (next !== undefined) out.push(`  ${n.id} -> row_${next} [style=invis, weight=1];`);
    }
  });
  for (const e of model.edges) {
    const attrs: string[] = [];
    // Graphviz puts an edge's tail above its head. A reference to a resource of a tier
    // drawn higher up (a subnet to its VPC) is laid out reversed and drawn with dir=back,
    // so the tiers stack as traffic flows: edge, public, application, data, then the rest.
    const upward = rank(e.to) < rank(e.from);
    if (e.both) attrs.push('dir=both');
    else if (upward) attrs.push('dir=back');
    if (e.kind === 'traffic') {
      attrs.push(`color="#C0392B"`, 'penwidth=1.4', `fontcolor="#C0392B"`);
      if (e.label) attrs.push(`label=${q(e.label)}`);
    } else if (tierOfNode.get(e.to) === 'security') {
      // Keys and roles are used by almost everything: light, so the data flow stands out.
      attrs.push(`color="#B9A6D6"`, 'style=dashed');
    }
    const [tail, head] = upward ? [e.to, e.from] : [e.from, e.to];
    out.push(`  ${tail} -> ${head}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

let viz: ReturnType<typeof vizInstance> | undefined;

/** Renders DOT to SVG with Graphviz (WebAssembly, one instance per process); the result is deterministic. */
export async function renderSvg(dot: string): Promise<string> {
  viz ??= vizInstance();
  return (await viz).renderString(dot, { format: 'svg' });
}
