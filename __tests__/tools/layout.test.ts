/**
 * The layout of tools/ and the direction of its dependencies, checked on every `npm test`:
 * - tools use the product (main.ts, config/, constructs/, stacks/); the product never uses tools;
 * - a tool folder uses another tool folder only if the table below says so, and only through
 *   that folder's index.ts (never a file inside it, never a `private/` folder);
 * - core/ uses nothing but node and npm packages; every folder is declared here with its job;
 * - no folder is named for nothing (lib, utils, common, helpers, misc).
 * A new tool folder adds one entry to TOOL_FOLDERS.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

interface ToolFolder {
  readonly job: string;
  /** Other tool folders this one may import (through their index.ts). */
  readonly uses: readonly string[];
  /** May import the product (config/, constructs/, stacks/, main.ts). */
  readonly product: boolean;
}

export const TOOL_FOLDERS: Readonly<Record<string, ToolFolder>> = {
  core: {
    job: 'process execution, phase timing, Terraform provider mirror and runner, text tables',
    uses: [],
    product: false,
  },
  check: {
    job: 'npm test: the checks run concurrently, the unit tests as one jest run under jest-light-runner, its TypeScript hooks and coverage, the lock-file check',
    uses: ['core'],
    product: false,
  },
  synth: {
    job: 'the CDKTF app command (run-app.cjs, cdktf.json "app"), the app in a child process, and its equivalence under cdktn',
    uses: [],
    product: false,
  },
  emulator: {
    job: 'the local AWS emulator (moto) and its extension',
    uses: ['core'],
    product: false,
  },
  review: {
    job: 'plan JSON, plan review (with its cost section), plan guard',
    uses: ['core', 'cost'],
    product: false,
  },
  cost: {
    job: 'monthly cost: the cited price table and its refresh, per-stack estimates, a plan’s cost delta',
    uses: ['core', 'synth'],
    product: false,
  },
  'emulator-test': {
    job: "test:emulator: the emulator's refusal rules and gap closures against one real emulator",
    uses: ['emulator'],
    product: false,
  },
  preflight: {
    job: 'can this account and region take this configuration',
    uses: ['core'],
    product: true,
  },
  policy: {
    job: 'the HIPAA policy rules over the synthesized stacks',
    uses: ['core', 'synth'],
    product: true,
  },
  deploy: {
    job: 'plan, deploy and drift of one stack (AWS or emulator target), saved plans, a folder of its own per run',
    uses: ['core', 'drift', 'emulator', 'ops-args', 'preflight', 'review'],
    product: true,
  },
  'ops-args': {
    job: 'the command line of plan, deploy, drift, recover and sandbox: options, usage, --help and a wrong option answered before anything heavy loads',
    uses: [],
    product: false,
  },
  sandbox: {
    job: 'the platform on the emulator until Ctrl-C',
    uses: ['core', 'deploy', 'emulator', 'ops-args', 'review'],
    product: false,
  },
  e2e: {
    job: 'deploy, integration-test, re-plan, day-2 lifecycle, destroy and secret scan on the emulator',
    uses: ['core', 'deploy', 'emulator', 'review'],
    product: false,
  },
  recover: {
    job: 'the way back after a crash: the state lock, resources outside the state, their adoption',
    uses: ['core', 'deploy', 'ops-args', 'preflight', 'review'],
    product: true,
  },
  validate: {
    job: 'terraform validate of every synthesized stack',
    // synth: the cdktf/cdktn comparison of `npm run test:synth`.
    uses: ['core', 'synth'],
    product: false,
  },
  diagram: {
    job: 'the architecture diagram from the synthesized stacks',
    uses: ['synth'],
    product: false,
  },
  bench: { job: 'speed benchmark against a stock cdktf project', uses: ['core'], product: false },
  database: {
    job: 'db:setup: the IAM-mapped database role, by the deployed db-setup function or from the RDS-managed master secret (the SQL is functions/db-setup)',
    uses: [],
    product: true,
  },
  drift: {
    job: 'drift: what changed outside Terraform, from a refresh-only plan JSON, as a Markdown report and a verdict',
    uses: ['emulator', 'review'],
    product: false,
  },
  delivery: {
    job: 'CI glue for GitHub: the plan review as one pull-request comment, one drift issue per environment, whether a saved plan changes anything',
    uses: ['core', 'review'],
    product: false,
  },
  'cli-test': {
    job: 'test:cli: every npm script answers --help, -h and a wrong option alike, and an interrupt sent to npm reaches the tool',
    uses: [],
    product: false,
  },
  'app-test': {
    job: 'test:app: the readiness handler and db:setup against real PostgreSQL and Redis',
    uses: ['database'],
    product: true,
  },
};

const ROOT = resolve(__dirname, '..', '..');
const TOOLS = join(ROOT, 'tools');
const PRODUCT = ['main.ts', 'config', 'constructs', 'stacks', 'functions'];
const GENERIC_NAMES = new Set([
  'lib',
  'libs',
  'utils',
  'util',
  'common',
  'helpers',
  'misc',
  'shared',
]);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return /\.(ts|cjs|js)$/.test(entry) ? [path] : [];
  });
}

/** Relative module specifiers of a source text: import/export from, import(), require(). */
export function specifiers(source: string): string[] {
  const found = new Set<string>();
  const pattern =
    /(?:from\s+|import\s*\(\s*|require\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]*)['"]/gm;
  for (const m of source.matchAll(pattern)) found.add(m[1]);
  return [...found];
}

/** Every rule a tool file's imports break, as readable messages. */
export function toolImportViolations(
  file: string,
  source: string,
  folders: Readonly<Record<string, ToolFolder>> = TOOL_FOLDERS,
  root = ROOT,
): string[] {
  const rel = relative(join(root, 'tools'), file);
  const own = rel.split(/[\\/]/)[0];
  const rules = folders[own];
  const out: string[] = [];
  for (const spec of specifiers(source)) {
    const target = relative(root, resolve(dirname(file), spec)).split(/[\\/]/);
    const where = `tools/${rel} imports '${spec}'`;
    if (target[0] === 'tools') {
      const other = target[1];
      if (other === own) continue;
      if (!rules?.uses.includes(other)) {
        out.push(
          `${where}: tools/${own} may not use tools/${other} (allowed: ${rules?.uses.join(', ') || 'none'})`,
        );
      } else if (target.length > 2) {
        out.push(
          `${where}: use tools/${other} through its index ('../${other}'), not a file inside it`,
        );
      }
    } else if (PRODUCT.some((p) => target[0] === p || target[0] === p.replace(/\.ts$/, ''))) {
      if (!rules?.product)
        out.push(`${where}: tools/${own} may not use the product (${target[0]})`);
    } else {
      out.push(`${where}: outside tools/ and the product`);
    }
  }
  return out;
}

describe('tools/ layout', () => {
  const folders = readdirSync(TOOLS).filter((e) => statSync(join(TOOLS, e)).isDirectory());

  test('every tool folder is declared with its job, and none is named for nothing', () => {
    expect(folders.sort()).toEqual(Object.keys(TOOL_FOLDERS).sort());
    for (const f of folders) expect(GENERIC_NAMES.has(f)).toBe(false);
    const nested = filesUnder(TOOLS).flatMap((f) => relative(TOOLS, f).split(/[\\/]/).slice(0, -1));
    expect(nested.filter((d) => GENERIC_NAMES.has(d))).toEqual([]);
  });

  test('tool folders depend only on what the table allows, each other only through index.ts', () => {
    const violations = filesUnder(TOOLS).flatMap((file) =>
      toolImportViolations(file, readFileSync(file, 'utf8')),
    );
    expect(violations).toEqual([]);
  });

  test('the product never imports tools/', () => {
    const productFiles = PRODUCT.flatMap((p) =>
      p.endsWith('.ts') ? [join(ROOT, p)] : filesUnder(join(ROOT, p)),
    );
    expect(productFiles.length).toBeGreaterThan(10);
    const offending = productFiles.filter((file) =>
      specifiers(readFileSync(file, 'utf8')).some((spec) =>
        relative(ROOT, resolve(dirname(file), spec)).startsWith('tools'),
      ),
    );
    expect(offending).toEqual([]);
  });

  test('every index.ts only re-exports', () => {
    const indexes = filesUnder(TOOLS).filter((f) => f.endsWith('index.ts'));
    expect(indexes.length).toBeGreaterThan(3);
    for (const file of indexes) {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .split('\n')
        .filter((l) => l.trim());
      expect(code.filter((l) => !/^export \* from '\.\/[\w-]+';$/.test(l))).toEqual([]);
    }
  });
});

describe('the layout check itself', () => {
  const file = join(ROOT, 'tools', 'review', 'x.ts');

  test('reports a folder that reaches into a folder it may not use', () => {
    expect(toolImportViolations(file, "import { x } from '../deploy';")).toEqual([
      "tools/review/x.ts imports '../deploy': tools/review may not use tools/deploy (allowed: core, cost)",
    ]);
  });

  test('reports a deep import into an allowed folder', () => {
    expect(toolImportViolations(file, "import { run } from '../core/process';")).toEqual([
      "tools/review/x.ts imports '../core/process': use tools/core through its index ('../core'), not a file inside it",
    ]);
  });

  test('reports product use where the table forbids it, and imports from elsewhere', () => {
    const source =
      "import { a } from '../../config/config';\nconst b = require('../../e2e/support');";
    expect(toolImportViolations(file, source)).toEqual([
      "tools/review/x.ts imports '../../config/config': tools/review may not use the product (config)",
      "tools/review/x.ts imports '../../e2e/support': outside tools/ and the product",
    ]);
  });

  test('accepts same-folder imports, allowed folders through index.ts, and allowed product use', () => {
    const deployFile = join(ROOT, 'tools', 'deploy', 'y.ts');
    const source = [
      "import { a } from './flow';",
      "import { b } from '../core';",
      "import type { c } from '../review';",
      "import { d } from '../../config/config';",
      "import { e } from '../../main';",
    ].join('\n');
    expect(toolImportViolations(deployFile, source)).toEqual([]);
  });
});
