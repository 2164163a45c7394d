/**
 * npm run diagram [-- --dir <cdktf.out>] [--out docs/architecture.svg] [--dot <file.dot>]
 *
 * Draws the architecture from the synthesized stacks. Without --dir it synthesizes the
 * app with its default settings (the `prod` platform stack and the state backend) into a
 * temporary folder first, so the committed picture never depends on the caller's
 * environment variables.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { diagramFromOutdir, PROJECT_ROOT, synthesizeDefaults } from './diagram';

const USAGE =
  'usage: npm run diagram -- [--dir <cdktf.out>] [--out <file.svg>] [--dot <file.dot>]\n' +
  '  --dir   read already synthesized stacks from this folder (default: synthesize the defaults)\n' +
  '  --out   where to write the SVG (default: docs/architecture.svg)\n' +
  '  --dot   also write the Graphviz source';

interface Args {
  dir?: string;
  out: string;
  dot?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { out: join(PROJECT_ROOT, 'docs', 'architecture.svg') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
      return resolve(v);
    };
    if (flag === '--dir') args.dir = value();
    else if (flag === '--out') args.out = value();
    else if (flag === '--dot') args.dot = value();
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  let outdir = args.dir;
  let temp: string | undefined;
  if (!outdir) {
    temp = mkdtempSync(join(tmpdir(), 'diagram-synth-'));
    outdir = temp;
    console.log(
      '[diagram] synthesizing the default stacks (node tools/synth/run-app.cjs main.ts) …',
    );
    synthesizeDefaults(outdir);
  }
  try {
    const { dot, svg, model } = await diagramFromOutdir(outdir);
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, svg);
    if (args.dot) writeFileSync(args.dot, dot);
    const resources = model.nodes.reduce((n, node) => n + node.members.length, 0);
    console.log(
      `[diagram] ${resources} resources → ${model.nodes.length} boxes, ${model.edges.length} edges → ${relative(process.cwd(), args.out) || args.out} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`diagram: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
