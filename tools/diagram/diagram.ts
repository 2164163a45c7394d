/**
 * The architecture pictures, drawn from what the app synthesizes (cdktf.out/stacks/<stack>/
 * cdk.tf.json), so that they can never drift from the code:
 *
 *   resources ──fold──▶ nodes ──collapse per AZ──▶ detail model
 *   detail model ──group by construct (components.ts)──▶ overview ──DOT──▶ architecture.svg
 *   detail model ──one tier + context boxes (views.ts)──▶ DOT ──▶ architecture-<tier>.svg
 *   (DOT ──@viz-js/viz──▶ SVG)
 *
 * - Resources are grouped in clusters per tier (edge, public, application, data,
 *   security/keys, observability, state backend, account baseline), then per construct (the construct path
 *   in each resource's `//`.metadata.path).
 * - Detail resources fold into the resource they configure (a KMS alias into its key, a
 *   route into its route table, API methods into the REST API, security-group rules into
 *   their group, where a rule becomes an edge labelled with its port).
 * - Repeats that differ only by an AZ index (`private-subnet-0..2`) and sets of alarms,
 *   log groups and VPC endpoints of one construct collapse into one node ("3 × …").
 * - Edges are the `${type.name.attr}` references between resources (through data sources
 *   such as IAM policy documents), deduplicated. Tags, provider, depends_on and lifecycle
 *   are not references that matter to the picture.
 *
 * Everything is sorted, and Graphviz is deterministic: the same stacks give the same SVG.
 */
import { resolve } from 'node:path';
import { runApp } from '../synth';
import { svgSize } from './legibility';
import { buildModel, DiagramModel } from './model';
import { buildOverview } from './overview';
import { overviewDot } from './overview-dot';
import { renderSvg, toDot } from './render';
import { readSynthesizedStacks } from './resources';
import { Tier, TIERS } from './tiers';
import { DetailView, detailViews } from './views';

/** One picture: its file name (in docs/), its Graphviz source and its SVG. */
export interface DiagramFile {
  readonly name: string;
  readonly dot: string;
  readonly svg: string;
}

/** The overview's file: the picture the README shows. */
export const OVERVIEW_FILE = 'architecture.svg';

/** The file of a tier's detail view. */
export function detailFile(tier: Tier): string {
  return `architecture-${tier}.svg`;
}

/** Every picture the command writes is named so: the overview and the detail views. */
export const DIAGRAM_FILE = /^architecture(-[a-z]+)?\.svg$/;

/**
 * Graphviz source and SVG of a tier's detail view: top-down, or left to right when top-down
 * is over twice as wide as high and left to right is less elongated (the account baseline:
 * many constructs side by side, few layers).
 */
async function drawDetail(view: DetailView): Promise<DiagramFile> {
  const title = `Healthcare API platform, detail: ${TIERS[view.tier].label}`;
  const name = detailFile(view.tier);
  const dot = toDot(view.model, title);
  const svg = await renderSvg(dot);
  const { width, height } = svgSize(svg);
  if (width <= 2 * height) return { name, dot, svg };
  const wideDot = toDot(view.model, title, 'LR');
  const wideSvg = await renderSvg(wideDot);
  return elongation(wideSvg) < elongation(svg)
    ? { name, dot: wideDot, svg: wideSvg }
    : { name, dot, svg };
}

/** How far from square a picture is: its longer side over its shorter. */
function elongation(svg: string): number {
  const { width, height } = svgSize(svg);
  return Math.max(width / height, height / width);
}

/** The overview, then the detail view of each tier, drawn from a detail model. */
export async function drawDiagrams(model: DiagramModel): Promise<DiagramFile[]> {
  const dot = overviewDot(buildOverview(model));
  const files = [{ name: OVERVIEW_FILE, dot, svg: await renderSvg(dot) }];
  for (const view of detailViews(model)) files.push(await drawDetail(view));
  return files;
}

/** The whole pipeline on a cdktf.out folder: the model and every picture. */
export async function diagramsFromOutdir(
  outdir: string,
  stacks?: readonly string[],
): Promise<{ model: DiagramModel; files: DiagramFile[] }> {
  const model = buildModel(readSynthesizedStacks(outdir, stacks));
  return { model, files: await drawDiagrams(model) };
}

/** The project root (the folder holding main.ts). */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** Prefixes and names of environment variables that change what main.ts synthesizes. */
const CONFIG_ENV =
  /^(ENVIRONMENT_SUFFIX|AWS_REGION|AWS_DEFAULT_REGION|PLATFORM_PROFILE|VPC_CIDR|AZ_COUNT|NAT_GATEWAYS|[A-Z]+_SUBNET_CIDRS|DB_.*|CACHE_.*|API_.*|WAF_.*|LOG_.*|SECRET_.*|ALARM_.*|STATE_.*|BASELINE_.*|CDKTF_CONTEXT_JSON|CDKTF_OUTDIR)$/;

/**
 * Synthesizes the app with its default settings (the `prod` platform stack and the state
 * backend) into `outdir` by running main.ts, with every configuration variable of the
 * caller's environment removed so that the diagram always shows the defaults.
 */
export function synthesizeDefaults(outdir: string): void {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!CONFIG_ENV.test(k)) env[k] = v;
  runApp({ projectDir: PROJECT_ROOT, outdir, env });
}
