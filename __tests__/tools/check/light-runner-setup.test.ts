import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run, RunResult } from '../../../tools/core';

const root = resolve(__dirname, '..', '..', '..');
const SETUP = join(root, 'tools', 'check', 'light-runner-setup.cjs');

/**
 * A fresh Node process that loads the setup file, then TypeScript as the runner does:
 * a source file by require, a test-support file by import() with a query (the runner
 * appends one), and prints what they export.
 */
function loadInFreshNode(env: Record<string, string>): Promise<RunResult> {
  const script = `
    require(${JSON.stringify(SETUP)});
    const { parseCidr } = require('./config/cidr');
    import(${JSON.stringify(`${join(root, '__tests__', 'support', 'doc-references.ts')}?1`)})
      .then((refs) => {
        const cidr = parseCidr('10.0.0.0/16');
        console.log(JSON.stringify({ prefix: cidr && cidr.prefixLength, docReferences: typeof refs.default.docReferences, counters: typeof globalThis.__coverage__ }));
      });`;
  return run(process.execPath, ['-e', script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    okCodes: [0, 1],
  });
}

describe('the unit tests’ TypeScript hooks (light-runner-setup.cjs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'light-runner-setup-'));
  const file = join(dir, 'coverage.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Both processes at once (~0.15 s each): neither reads what the other writes.
  let plain: RunResult;
  let counted: RunResult;
  beforeAll(async () => {
    [plain, counted] = await Promise.all([
      loadInFreshNode({}),
      loadInFreshNode({ UNIT_COVERAGE_FILE: file }),
    ]);
  });

  test('without UNIT_COVERAGE_FILE: require and import() of .ts work, nothing is counted or written', () => {
    expect(plain.stderr).toBe('');
    expect(JSON.parse(plain.stdout)).toEqual({
      prefix: 16,
      docReferences: 'function',
      counters: 'undefined',
    });
    expect(plain.code).toBe(0);
  });

  test('with UNIT_COVERAGE_FILE: the files collectCoverageFrom takes are counted, and written at exit', () => {
    expect(counted.stderr).toBe('');
    expect(JSON.parse(counted.stdout)).toMatchObject({ prefix: 16, counters: 'object' });
    expect(counted.code).toBe(0);
    expect(existsSync(file)).toBe(true);
    const coverage = JSON.parse(readFileSync(file, 'utf8')) as Record<
      string,
      { f: Record<string, number>; fnMap: Record<string, { name: string }> }
    >;
    // config/cidr.ts is in collectCoverageFrom; a file under __tests__/ is not.
    expect(Object.keys(coverage)).toEqual([join(root, 'config', 'cidr.ts')]);
    const counts = coverage[join(root, 'config', 'cidr.ts')];
    const parse = Object.entries(counts.fnMap).find(([, fn]) => fn.name === 'parseCidr');
    expect(counts.f[parse![0]]).toBe(1);
  });

  // This file runs under the hooks: the runner maps no stack trace itself, so without source
  // maps a failure would point at a line of the CommonJS that swc wrote.
  test('stack traces name the line of the TypeScript source', () => {
    const error = new Error('here'); // the line this test looks for
    const line =
      readFileSync(__filename, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes("new Error('here')")) + 1;
    expect(line).toBeGreaterThan(0);
    expect(error.stack?.split('\n')[1]).toContain(`${__filename}:${line}:19`);
  });
});
