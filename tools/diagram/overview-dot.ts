/**
 * The Graphviz DOT of the overview: a cluster per stack, inside it a cluster per tier of the
 * request path (edge, public, application, data) and the summary boxes, in layers from left
 * to right starting at the internet; the stacks one under the other. Sized to be read on one
 * screen: every text is OVERVIEW_FONT_SIZE points or more, the picture wider than high.
 */
import { SUMMARY_TIERS } from './components';
import type { DiagramEdge } from './model';
import type { Overview, OverviewBox } from './overview';
import { compare } from './resources';
import { Tier, TIER_ORDER, TIERS } from './tiers';

const FONT = 'Helvetica,Arial,sans-serif';

/** The smallest text of the overview, in points (SVG user units). */
export const OVERVIEW_FONT_SIZE = 14;

export const INTERNET_ID = 'internet';

const LEGEND = [
  'Drawn from the synthesized stacks by npm run diagram: a box is one construct of a tier, with its resources counted.',
  'Arrow A → B: A references B. Red: traffic a security-group rule allows (port).',
  'Every tier uses the keys and writes logs: the detail views (docs/architecture-<tier>.svg) draw those links.',
];

/**
 * Layers from the left: the internet, then the request path to the data, then what every
 * tier uses. The state backend sits in the internet's layer; the account baseline's boxes
 * are spread over the platform's layers, under it.
 */
const LAYERS: Readonly<Record<Tier, number>> = {
  edge: 1,
  public: 2,
  application: 3,
  data: 4,
  security: 5,
  observability: 5,
  state: 0,
  baseline: 1,
};
const LAST_LAYER = 5;

function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The HTML-like label of a box: its title in the tier's colour, one line per item, `+ n more`. */
export function boxLabel(box: OverviewBox): string {
  const lines = box.items.map(html);
  if (box.title)
    lines.unshift(`<FONT COLOR="${TIERS[box.tier].border}"><B>${html(box.title)}</B></FONT>`);
  if (box.more > 0) lines.push(`<FONT COLOR="#666666"><I>+ ${box.more} more</I></FONT>`);
  return `<${lines.join('<BR/>')}>`;
}

/** The layer of each box: its tier's, the account baseline's spread evenly over the platform's. */
export function layersOf(boxes: readonly OverviewBox[]): Map<string, number> {
  const layers = new Map<string, number>();
  const baseline = boxes.filter((b) => b.tier === 'baseline');
  const spread = LAST_LAYER - LAYERS.baseline + 1;
  baseline.forEach((b, i) =>
    layers.set(b.id, LAYERS.baseline + Math.floor((i * spread) / baseline.length)),
  );
  for (const b of boxes) if (!layers.has(b.id)) layers.set(b.id, LAYERS[b.tier]);
  return layers;
}

/** What a stack is, from the tiers of its boxes: the state backend, the baseline, or a platform. */
function stackLabel(stack: string, boxes: readonly OverviewBox[]): { label: string; tier?: Tier } {
  const tiers = new Set(boxes.map((b) => b.tier));
  if (tiers.size === 1 && tiers.has('state')) {
    return { label: `${TIERS.state.label} (${stack})`, tier: 'state' };
  }
  if (tiers.size === 1 && tiers.has('baseline'))
    return { label: TIERS.baseline.label, tier: 'baseline' };
  return { label: `Platform (${stack}: one per environment)` };
}

function boxLine(box: OverviewBox, indent: string): string {
  const style = TIERS[box.tier];
  return `${indent}${box.id} [label=${boxLabel(box)}, fillcolor=${q(style.node)}, color=${q(style.border)}];`;
}

function stackCluster(stack: string, boxes: readonly OverviewBox[]): string[] {
  const { label, tier } = stackLabel(stack, boxes);
  const colours = tier ? TIERS[tier] : { fill: '#FFFFFF', border: '#333333' };
  const name = stack.replace(/[^A-Za-z0-9]+/g, '_');
  const out = [
    `  subgraph cluster_${name} {`,
    `    graph [label=${q(label)}, style="rounded,filled", fillcolor=${q(colours.fill)}, color=${q(colours.border)}, fontcolor=${q(colours.border)}, fontsize=18, penwidth=1.5, margin=14];`,
  ];
  for (const t of TIER_ORDER) {
    const inTier = boxes.filter((b) => b.tier === t);
    if (inTier.length === 0) continue;
    if (tier || SUMMARY_TIERS.has(t)) {
      out.push(...inTier.map((b) => boxLine(b, '    ')));
      continue;
    }
    const style = TIERS[t];
    out.push(
      `    subgraph cluster_${name}_${t} {`,
      `      graph [label=${q(style.label)}, style="rounded,filled", fillcolor=${q(style.fill)}, color=${q(style.border)}, fontcolor=${q(style.border)}, fontsize=${OVERVIEW_FONT_SIZE + 1}, penwidth=1.2, margin=10];`,
      ...inTier.map((b) => boxLine(b, '      ')),
      '    }',
    );
  }
  out.push('  }');
  return out;
}

function edgeLine(e: DiagramEdge, layers: ReadonlyMap<string, number>): string {
  // The layers alone place the boxes: an edge inside a layer would otherwise add one.
  const attrs: string[] = ['constraint=false'];
  // An edge to a box of an earlier layer is laid out reversed and drawn with dir=back.
  const backward = layers.get(e.to)! < layers.get(e.from)!;
  if (e.both) attrs.push('dir=both');
  else if (backward) attrs.push('dir=back');
  if (e.kind === 'traffic') {
    attrs.push(`color="#C0392B"`, 'penwidth=1.8', `fontcolor="#C0392B"`);
    if (e.label) attrs.push(`label=${q(e.label)}`);
  }
  const [tail, head] = backward ? [e.to, e.from] : [e.from, e.to];
  return `  ${tail} -> ${head} [${attrs.join(', ')}];`;
}

/** The DOT text of the overview. */
export function overviewDot(
  overview: Overview,
  title = 'Healthcare API platform: overview',
): string {
  const layers = layersOf(overview.boxes);
  const out: string[] = [
    'digraph overview {',
    `  graph [rankdir=LR, compound=true, newrank=true, nodesep=0.3, ranksep=0.45, pad=0.3, fontname=${q(FONT)}, fontsize=24, labelloc=t, label=<${html(title)}<BR/><FONT POINT-SIZE="${OVERVIEW_FONT_SIZE}" COLOR="#555555">${LEGEND.map(html).join('<BR/>')}</FONT>>];`,
    `  node [shape=box, style="rounded,filled", fontname=${q(FONT)}, fontsize=${OVERVIEW_FONT_SIZE}, margin="0.22,0.08", penwidth=1.4];`,
    `  edge [fontname=${q(FONT)}, fontsize=${OVERVIEW_FONT_SIZE}, color="#7F8C8D", arrowsize=0.8, penwidth=1.2];`,
  ];
  if (overview.entries.length > 0) {
    layers.set(INTERNET_ID, 0);
    out.push(
      `  ${INTERNET_ID} [label="Internet (API clients)", shape=ellipse, style=filled, fillcolor="#FFFFFF", color="#4A78C2", fontcolor="#4A78C2"];`,
    );
  }
  const stacks = [...new Set(overview.boxes.map((b) => b.stack))].sort(compare);
  for (const stack of stacks) {
    out.push(
      ...stackCluster(
        stack,
        overview.boxes.filter((b) => b.stack === stack),
      ),
    );
  }
  out.push(...layerAnchors(layers));
  for (const id of overview.entries) {
    out.push(`  ${INTERNET_ID} -> ${id} [color="#4A78C2", penwidth=1.8];`);
  }
  for (const e of overview.edges) out.push(edgeLine(e, layers));
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** Invisible anchors that keep each layer after the previous one whatever the edges say. */
function layerAnchors(layers: ReadonlyMap<string, number>): string[] {
  const used = [...new Set(layers.values())].sort((a, b) => a - b);
  const out = used.map((l) => `  layer_${l} [shape=point, style=invis, width=0, height=0];`);
  const ids = [...layers.keys()].sort(compare);
  used.forEach((l, i) => {
    const next = used[i + 1];
    for (const id of ids.filter((x) => layers.get(x) === l)) {
      out.push(`  layer_${l} -> ${id} [style=invis, weight=1];`);
      if (next !== undefined) out.push(`  ${id} -> layer_${next} [style=invis, weight=1];`);
    }
  });
  return out;
}
