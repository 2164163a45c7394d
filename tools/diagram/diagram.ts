/**
 * The architecture diagram, drawn from what the app synthesizes (cdktf.out/stacks/<stack>/
 * cdk.tf.json), so that it can never drift from the code:
 *
 *   resources ──fold──▶ nodes ──collapse per AZ──▶ Graphviz DOT ──@viz-js/viz──▶ SVG
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
import { buildModel, DiagramModel } from './model';
import { renderSvg, toDot } from './render';
import { readSynthesizedStacks } from './resources';

/** The whole pipeline on a cdktf.out folder: DOT and SVG. */
export async function diagramFromOutdir(
  outdir: string,
  stacks?: readonly string[],
): Promise<{ dot: string; svg: string; model: DiagramModel }> {
  const model = buildModel(readSynthesizedStacks(outdir, stacks));
  const dot = toDot(model);
  return { dot, svg: await renderSvg(dot), model };
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
