/**
 * The docs cannot drift from the code: every path, npm script, setting and Lambda runtime the
 * README and docs/ name must exist as named. A moved file, a renamed script or setting fails
 * here with the document and the line. The README stays short (30 KB at most) and names every
 * npm script, so a newcomer finds every command there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BASELINE_SETTINGS } from '../config/baseline';
import { STATE_ENV } from '../config/backend';
import { SETTINGS } from '../config/settings';
import { HIPAA_CONFIG_RULES } from '../constructs/detective/hipaa-rules';
import { DB_SETUP_ENV } from '../functions/db-setup/settings';
import { ENV as READINESS_ENV } from '../functions/readiness/settings';
import { docReferences, DocReference, staleReferences } from './support/doc-references';

const ROOT = resolve(__dirname, '..');
const DOCS = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md']
  .filter((f) => existsSync(join(ROOT, f)))
  .concat(
    readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => join('docs', f)),
  );

const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts);
const settings = [
  ...Object.values(SETTINGS).map((s) => s.envVar),
  ...Object.values(BASELINE_SETTINGS).map((s) => s.envVar),
  ...Object.values(STATE_ENV),
  // Upper-case names the docs may use that are no setting: AWS Config rule identifiers, the
  // functions' environment variables, and the GitHub variables the workflows read.
  ...HIPAA_CONFIG_RULES.map((r) => r.identifier),
  ...Object.values(READINESS_ENV),
  ...Object.values(DB_SETUP_ENV),
  ...workflowVariables(),
];

/** `vars.X` the GitHub workflows read. */
function workflowVariables(): string[] {
  const dir = join(ROOT, '.github', 'workflows');
  const names = new Set<string>();
  for (const file of readdirSync(dir)) {
    for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/vars\.([A-Z0-9_]+)/g)) {
      names.add(m[1]);
    }
  }
  return [...names];
}
const runtimes = [
  ...new Set(
    [
      ...readFileSync(
        join(ROOT, 'constructs', 'application', 'readiness-function.ts'),
        'utf8',
      ).matchAll(/runtime: '(nodejs\d+\.x)'/g),
    ].map((m) => m[1]),
  ),
];

/**
 * The package.json scripts a text does not name: `npm run <script>` exactly (`npm run
 * plan:guard` does not name `plan`), or `npm test` for `test`.
 */
function scriptsNotNamed(doc: string, text: string, all: readonly string[]): string[] {
  const named = new Set(
    docReferences(doc, text)
      .filter((r) => r.kind === 'script')
      .map((r) => r.value),
  );
  if (/\bnpm (?:run )?test\b(?![:\w-])/.test(text)) named.add('test');
  return all.filter((script) => !named.has(script));
}

describe('docs name what exists', () => {
  const all: DocReference[] = DOCS.flatMap((doc) =>
    docReferences(doc, readFileSync(join(ROOT, doc), 'utf8')),
  );

  it('finds references in every document it reads', () => {
    expect(DOCS).toContain('README.md');
    expect(all.filter((r) => r.kind === 'script').length).toBeGreaterThan(10);
    expect(all.filter((r) => r.kind === 'path').length).toBeGreaterThan(50);
  });

  it('every path, npm script, setting and runtime they name exists', () => {
    const stale = staleReferences(all, {
      exists: (path) => existsSync(join(ROOT, path)),
      scripts,
      settings,
      runtimes,
    });
    expect(stale.map((r) => `${r.doc}:${r.line}: ${r.kind} ${r.value}`)).toEqual([]);
  });
});

describe('the README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('is at most 30 KB', () => {
    expect(statSync(join(ROOT, 'README.md')).size).toBeLessThanOrEqual(30 * 1024);
  });

  it('names every npm script of package.json', () => {
    expect(scriptsNotNamed('README.md', readme, scripts)).toEqual([]);
  });

  it('links every document in docs/', () => {
    const linked = new Set(
      docReferences('README.md', readme)
        .filter((r) => r.kind === 'path')
        .map((r) => r.value),
    );
    expect(DOCS.filter((doc) => doc.startsWith('docs/') && !linked.has(doc))).toEqual([]);
  });
});

describe('the check itself', () => {
  const known = {
    exists: (path: string) =>
      ['tools/review', 'docs/e2e.md', 'tools/core/process.ts'].includes(path),
    scripts: ['plan'],
    settings: ['VPC_CIDR'],
    runtimes: ['nodejs22.x'],
  };
  const check = (text: string, doc = 'docs/x.md') =>
    staleReferences(docReferences(doc, text), known).map((r) => `${r.line} ${r.kind} ${r.value}`);

  it('passes what exists', () => {
    expect(
      check(
        'See [e2e](e2e.md), `tools/core/process.ts`, `npm run plan`, `VPC_CIDR=10.0.0.0/16`, `nodejs22.x`.',
      ),
    ).toEqual([]);
  });

  it('fails a planted stale path, script, setting, runtime and import', () => {
    expect(
      check(
        [
          'Moved: `tools/core/proc.ts` and [gone](gone.md).',
          'Run `npm run deploy` with `VPC_CIDRS=x`.',
          'Runtime `nodejs20.x`.',
          '```ts',
          "import { x } from './lib/preflight';",
          '```',
        ].join('\n'),
      ),
    ).toEqual([
      '1 path tools/core/proc.ts',
      '1 path docs/gone.md',
      '2 script deploy',
      '2 setting VPC_CIDRS',
      '3 runtime nodejs20.x',
      '5 path lib/preflight',
    ]);
  });

  it('counts a script as named only by its exact name', () => {
    const all = ['test', 'test:unit', 'plan', 'plan:guard'];
    expect(
      scriptsNotNamed('README.md', 'Run `npm run plan:guard` and `npm run test:unit`.', all),
    ).toEqual(['test', 'plan']);
    expect(
      scriptsNotNamed('README.md', '`npm test`, `npm run plan` and `npm run plan:guard`.', all),
    ).toEqual(['test:unit']);
  });
});
