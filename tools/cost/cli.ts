/** `npm run cost`, testable without a process: arguments, synth or --dir, estimate, output. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runApp } from '../synth';
import { estimate } from './estimate';
import { loadPriceTable, PriceTable } from './price-table';
import { formatReport, StackEstimate } from './report';
import { resourcesOfStack, stackRegion, SynthesizedStackJson } from './resources';
import { DEFAULT_USAGE, describeUsage } from './usage';

export const COST_USAGE = `usage: npm run cost [-- --dir <cdktf.out>] [--env dev,prod]

Prints a monthly estimate per stack (TapStack<env> for each environment, TapAccountBaseline,
TapStateBackend): total, line items (resource, what, quantity, unit price, monthly) and the
assumptions. Without --dir the app is synthesized into a temporary folder first.

  --dir <cdktf.out>   read an existing synth output instead of synthesizing
  --env <a,b>         environments (ENVIRONMENT_SUFFIX) @default dev,prod
  --help              print this and exit

Prices: tools/cost/prices.json (sources and dates inside; npm run cost:refresh rebuilds it).
See docs/cost.md.
`;

export interface CostCliIo {
  readonly projectDir: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Synthesizes the app with `env` into `outdir`. @default tools/synth runApp */
  readonly synth?: (projectDir: string, outdir: string, env: Record<string, string>) => void;
  readonly prices?: PriceTable;
}

export interface CostOptions {
  readonly help: boolean;
  readonly dir?: string;
  readonly envs: readonly string[];
}

export function parseCostArgs(argv: readonly string[]): CostOptions {
  let dir: string | undefined;
  let envs = ['dev', 'prod'];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') {
      help = true;
      continue;
    }
    if (flag !== '--dir' && flag !== '--env') {
      throw new Error(
        `unknown argument "${flag}" (expected --dir <cdktf.out>, --env <a,b>, --help)`,
      );
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    if (flag === '--dir') dir = value;
    else {
      envs = value.split(',').map((e) => e.trim());
      if (envs.some((e) => e === '')) throw new Error('--env needs names separated by commas');
    }
  }
  return { help, dir, envs };
}

/** The stacks the command prices, in order. */
export function stackNames(envs: readonly string[]): string[] {
  return [...envs.map((e) => `TapStack${e}`), 'TapAccountBaseline', 'TapStateBackend'];
}

/** Reads `<dir>/manifest.json` and the stacks it lists: name → synthesized JSON. */
export function readSynthOutput(dir: string): Map<string, SynthesizedStackJson> {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(
      `${manifestPath} not found: synthesize first or pass the cdktf output folder with --dir`,
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  return new Map(
    Object.entries(manifest.stacks).map(([name, s]) => [
      name,
      JSON.parse(
        readFileSync(resolve(dir, s.synthesizedStackPath), 'utf8'),
      ) as SynthesizedStackJson,
    ]),
  );
}

/** Estimates each named stack found in the synth output. */
export function estimateStacks(
  docs: ReadonlyMap<string, SynthesizedStackJson>,
  names: readonly string[],
  prices: PriceTable,
): { stacks: StackEstimate[]; missing: string[] } {
  const stacks: StackEstimate[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const doc = docs.get(name);
    if (!doc) {
      missing.push(name);
      continue;
    }
    stacks.push({
      stack: name,
      region: stackRegion(doc),
      estimate: estimate(resourcesOfStack(doc), { prices }),
    });
  }
  return { stacks, missing };
}

/** Returns the exit code: 0 printed, 2 usage or synth error. */
export function runCostCli(argv: readonly string[], io: CostCliIo): number {
  let options: CostOptions;
  try {
    options = parseCostArgs(argv);
  } catch (error) {
    io.stderr(`cost: ${(error as Error).message}\n${COST_USAGE}`);
    return 2;
  }
  if (options.help) {
    io.stdout(COST_USAGE);
    return 0;
  }
  let temp: string | undefined;
  try {
    const prices = io.prices ?? loadPriceTable();
    let dir = options.dir;
    if (!dir) {
      temp = mkdtempSync(join(tmpdir(), 'cost-synth-'));
      const synth =
        io.synth ??
        ((projectDir, outdir, env) =>
          runApp({ projectDir, outdir, env: { ...process.env, ...env } }));
      synth(io.projectDir, temp, { ENVIRONMENT_SUFFIX: options.envs.join(',') });
      dir = temp;
    }
    const { stacks, missing } = estimateStacks(
      readSynthOutput(dir),
      stackNames(options.envs),
      prices,
    );
    io.stdout(formatReport(stacks, describeUsage(DEFAULT_USAGE, prices.hoursPerMonth)));
    if (missing.length > 0) io.stdout(`\nnot in ${dir}: ${missing.join(', ')}\n`);
    return 0;
  } catch (error) {
    io.stderr(`cost: ${(error as Error).message}\n`);
    return 2;
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}
