/**
 * `npm run bench`: synth and test timings of this project against the same stacks
 * built the stock CDKTF way, the floor, and the cost per added environment.
 * BENCH_RUNS sets the repetitions of the fast measurements (default 5).
 */
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { answerCommandLine } from '../core';
import { measure } from './measure';
import { perAddedStack, renderTable, Row, Sample, summarize } from './stats';
import { STOCK_TSCONFIG, toRootImports } from './stock-project';

const USAGE =
  'usage: npm run bench\n  Times this project against the same stacks built the stock CDKTF way (about 3 minutes,\n  offline); BENCH_RUNS sets the repetitions of the fast measurements (default 5).';
// Before anything is created: --help and a wrong argument do nothing else.
const answered = answerCommandLine('bench', USAGE, process.argv.slice(2));
if (answered !== undefined) process.exit(answered);

const root = resolve(__dirname, '..', '..');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const work = mkdtempSync(join(tmpdir(), 'bench-'));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

async function repeat(
  times: number,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = root,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < times; i++) {
    const outdir = join(work, `out-${Math.random().toString(36).slice(2)}`);
    samples.push(
      await measure(command, args, { cwd, env: { ...process.env, CDKTF_OUTDIR: outdir, ...env } }),
    );
    rmSync(outdir, { recursive: true, force: true });
  }
  return samples;
}

/** The stock project's tsconfig, which ts-node is pointed at (TS_NODE_PROJECT). */
const STOCK_TSCONFIG_FILE = 'tsconfig.stock.json';
const STOCK_ENV = { TS_NODE_PROJECT: STOCK_TSCONFIG_FILE };

/** Copies the app's sources into a stock-shaped project: root imports, ts-node with type-checking. */
function makeStockProject(): string {
  const dir = join(work, 'stock');
  for (const entry of [
    'main.ts',
    'cdktf.json',
    'config',
    'stacks',
    'constructs',
    'functions',
    // The readiness function's bundle key hashes the lock file.
    'package-lock.json',
    'terraform-backend.tf.json',
    // esbuild reads it when bundling the readiness function; ts-node reads the stock one.
    'tsconfig.json',
  ]) {
    cpSync(join(root, entry), join(dir, entry), { recursive: true });
  }
  const rewrite = (path: string) => {
    if (statSync(path).isDirectory())
      return readdirSync(path).forEach((e) => rewrite(join(path, e)));
    if (path.endsWith('.ts')) writeFileSync(path, toRootImports(readFileSync(path, 'utf8')));
  };
  rewrite(dir);
  writeFileSync(join(dir, STOCK_TSCONFIG_FILE), JSON.stringify(STOCK_TSCONFIG, null, 2));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function synthesized(outdir: string, stack: string): string {
  return readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
}

const rows: Row[] = [];
const log = (text: string) => process.stderr.write(`${text}\n`);

/** Proves the stock project synthesizes the same TapStackprod, then times it. */
async function compareWithStock(app: string[]): Promise<boolean> {
  log('stock project …');
  const stock = makeStockProject();
  // Prove both ways synthesize the same stack before timing them.
  const oursOut = join(work, 'same-ours');
  const stockOut = join(work, 'same-stock');
  await measure('node', app, { cwd: root, env: { ...process.env, CDKTF_OUTDIR: oursOut } });
  // The first timed stock run keeps its output for the comparison.
  const firstStock = await measure(bin('ts-node'), ['main.ts'], {
    cwd: stock,
    env: { ...process.env, ...STOCK_ENV, CDKTF_OUTDIR: stockOut },
  });
  const same = synthesized(oursOut, 'TapStackprod') === synthesized(stockOut, 'TapStackprod');
  if (!same)
    throw new Error(
      'the stock project synthesized a different TapStackprod: the comparison would be meaningless',
    );
  rows.push({
    name: 'app synth, stock (prod)',
    samples: [firstStock, ...(await repeat(2, bin('ts-node'), ['main.ts'], STOCK_ENV, stock))],
    note: 'ts-node type-checking, package-root imports; identical cdk.tf.json',
  });

  return same;
}

/** The unit suite, and `npm test` with cold and warm caches. */
async function measureTests(): Promise<void> {
  log('unit tests …');
  rows.push({
    name: 'unit tests (`npm run test:unit`)',
    samples: await repeat(2, 'npm', ['run', '--silent', 'test:unit']),
    note: 'one jest run in band, with coverage',
  });
  // Cold: no tsc/validate/jest caches and no built function bundle, as on a fresh clone
  // (CI). Warm: a developer's second run, where unchanged files and stacks are not redone.
  const cold: Sample[] = [];
  // One cold run only: at ~35 s each, more would push the benchmark past 3 minutes.
  rmSync(join(root, 'node_modules', '.cache'), { recursive: true, force: true });
  await measure(bin('jest'), ['--clearCache'], { cwd: root });
  cold.push(...(await repeat(1, 'npm', ['test', '--silent'])));
  rows.push({
    name: 'npm test, cold caches (fresh clone)',
    samples: cold,
    note: 'typecheck, lint, jest, terraform validate',
  });
  rows.push({
    name: 'npm test, warm caches',
    samples: await repeat(2, 'npm', ['test', '--silent']),
    note: 'nothing changed since the last run',
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const app = ['tools/synth/run-app.cjs', 'main.ts']; // cdktf.json's app command
  const envList = (n: number) => Array.from({ length: n }, (_, i) => `env${i + 1}`).join(',');

  log('floor …');
  rows.push({ name: "node -e ''", samples: await repeat(runs, 'node', ['-e', '']) });
  rows.push({
    name: 'bare new App().synth()',
    samples: await repeat(runs, 'node', ['-e', "new (require('cdktf').App)().synth()"]),
  });

  log('app synth (ours) …');
  rows.push({
    name: 'app synth, ours (prod)',
    samples: await repeat(runs, 'node', app),
    baseline: 'app synth, stock (prod)',
  });

  const same = await compareWithStock(app);

  log('cdktf synth …');
  rows.push({
    name: 'cdktf synth end to end (prod)',
    samples: await repeat(3, bin('cdktf'), ['synth', '--output', join(work, 'cli-out')]),
  });

  log('environments per run …');
  const perEnv: Record<number, number> = {};
  for (const n of [1, 4, 16]) {
    const samples = await repeat(runs, 'node', app, { ENVIRONMENT_SUFFIX: envList(n) });
    rows.push({ name: `app synth, ${n} environment${n > 1 ? 's' : ''}`, samples });
    perEnv[n] = summarize(samples).seconds;
  }

  await measureTests();

  const perStack = perAddedStack(
    { stacks: 1, seconds: perEnv[1] },
    { stacks: 16, seconds: perEnv[16] },
  );
  const machine = `${cpus().length} cores (${cpus()[0].model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  process.stdout.write(
    `\nBenchmark ${new Date().toISOString().slice(0, 10)} on ${machine} (the runs column gives the repetitions)\n\n` +
      `${renderTable(rows)}\n\n` +
      `Cost per added environment stack: ${(perStack * 1000).toFixed(0)} ms (from 1 → 16 environments).\n` +
      `Stock and ours synthesized byte-identical TapStackprod: ${same}.\n` +
      `Benchmark wall time: ${((Date.now() - started) / 1000).toFixed(0)} s.\n`,
  );
  rmSync(work, { recursive: true, force: true });
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  if (rows.length > 0) process.stderr.write(`measured before the failure:\n${renderTable(rows)}\n`);
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
