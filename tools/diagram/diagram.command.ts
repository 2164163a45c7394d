/**
 * npm run diagram [-- --dir <cdktf.out>] [--out <folder>] [--dot <folder>] [--help]
 *
 * Draws the overview and the detail views from the synthesized stacks (args.ts has the
 * usage). Without --dir it synthesizes the app with its default settings (the `prod`
 * platform stack, the state backend and the account baseline) into a temporary folder
 * first, so the committed pictures never depend on the caller's environment variables.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { DiagramArgs, parseDiagramArgs, USAGE } from './args';

/** The arguments, or the exit code after printing the usage (0) or a wrong argument with it (2). */
function readArgs(argv: readonly string[]): DiagramArgs | number {
  try {
    const args = parseDiagramArgs(argv, resolve(__dirname, '..', '..', 'docs'));
    if (!args.help) return args;
    process.stdout.write(`${USAGE}\n`);
    return 0;
  } catch (error) {
    // The message ends with the usage.
    process.stderr.write(`diagram: ${(error as Error).message}\n`);
    return 2;
  }
}

async function main(args: DiagramArgs): Promise<void> {
  // Loaded after the arguments: the renderer and the synth are what take the time.
  const {
    diagramsFromOutdir,
    legibilityProblem,
    MIN_LABEL_PX,
    OVERVIEW_FILE,
    SCREEN_WIDTH_PX,
    smallestLabel,
    synthesizeDefaults,
    writeDiagrams,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
  } = require('./index') as typeof import('./index');
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
    const { model, files } = await diagramsFromOutdir(outdir);
    const { written, removed } = writeDiagrams(files, args.out, args.dot);
    const show = (p: string) => relative(process.cwd(), p) || p;
    const resources = model.nodes.reduce((n, node) => n + node.members.length, 0);
    const overview = files.find((f) => f.name === OVERVIEW_FILE)!.svg;
    const smallest = smallestLabel(overview, SCREEN_WIDTH_PX)!;
    console.log(
      `[diagram] ${resources} resources → ${model.nodes.length} boxes → ${written.length} pictures in ${show(args.out)} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    for (const path of written) console.log(`  ${show(path)}`);
    for (const path of removed) console.log(`  removed ${show(path)} (no longer drawn)`);
    console.log(
      `[diagram] overview at ${SCREEN_WIDTH_PX} px wide: smallest label "${smallest.text}" ${smallest.px.toFixed(1)} px high`,
    );
    const problem = legibilityProblem(overview, SCREEN_WIDTH_PX, MIN_LABEL_PX);
    if (problem) console.warn(`[diagram] warning: the overview is not legible: ${problem}`);
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

const args = readArgs(process.argv.slice(2));
if (typeof args === 'number') process.exitCode = args;
else
  main(args).catch((error: unknown) => {
    console.error(`diagram: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
