import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoverageMap } from 'istanbul-lib-coverage';
import type { CoverageMapData } from 'istanbul-lib-coverage';
import {
  COVERAGE_FILE_ENV,
  globalThresholds,
  hasRuntimeCode,
  JEST_ARGS,
  readResults,
  resultFailures,
  thresholdFailures,
  unloadedSources,
} from '../../../tools/check/unit-tests';

test('JEST_ARGS: in band (one process, one module cache); no coverage flags (the setup file counts it)', () => {
  expect(JEST_ARGS).toEqual(['--runInBand']);
  expect(COVERAGE_FILE_ENV).toBe('UNIT_COVERAGE_FILE');
});

describe('the jest results test:unit requires', () => {
  const run = {
    success: true,
    numTotalTestSuites: 130,
    numFailedTestSuites: 0,
    numRuntimeErrorTestSuites: 0,
  };

  test('a passing run: nothing to say', () => {
    expect(resultFailures(run)).toEqual([]);
  });

  test('no results: the process ended before jest finished (a test calling process.exit)', () => {
    expect(resultFailures(undefined)).toEqual([
      'jest wrote no results: the process ended before the run finished (does a test call process.exit?)',
    ]);
  });

  test('a failed file, or one that could not run, fails the run even when jest exited 0', () => {
    expect(
      resultFailures({
        ...run,
        success: false,
        numFailedTestSuites: 2,
        numRuntimeErrorTestSuites: 1,
      }),
    ).toEqual(['jest reports a failed run: 2 of 130 test files failed (1 could not run)']);
  });

  test('no test file at all is no passing run', () => {
    expect(resultFailures({ ...run, numTotalTestSuites: 0 })).toEqual(['jest ran no test file']);
  });

  test('readResults: undefined when jest wrote nothing, the results when it did', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unit-results-'));
    try {
      expect(readResults(join(dir, 'results.json'))).toBeUndefined();
      writeFileSync(join(dir, 'results.json'), JSON.stringify(run));
      expect(readResults(join(dir, 'results.json'))).toEqual(run);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A file of two statements and one function, with the given hit counts. */
function fileCoverage(path: string, s0: number, s1: number, f0: number): CoverageMapData {
  const loc = (line: number) => ({
    start: { line, column: 0 },
    end: { line, column: 10 },
  });
  return {
    [path]: {
      path,
      statementMap: { 0: loc(1), 1: loc(2) },
      fnMap: { 0: { name: 'f', decl: loc(1), loc: loc(1), line: 1 } },
      branchMap: {},
      s: { 0: s0, 1: s1 },
      f: { 0: f0 },
      b: {},
    },
  } as unknown as CoverageMapData;
}

describe('thresholdFailures', () => {
  const summary = createCoverageMap(fileCoverage('/p/a.ts', 1, 0, 1)).getCoverageSummary();

  test('names each axis below its minimum, with the figures', () => {
    expect(thresholdFailures(summary, { lines: 95, statements: 50, functions: 100 })).toEqual([
      'coverage of lines is 50% (1/2), below the 95% required',
    ]);
  });

  test('an axis with no minimum is not checked', () => {
    expect(thresholdFailures(summary, {})).toEqual([]);
  });
});

describe('globalThresholds', () => {
  test("reads jest.config.js's global thresholds", () => {
    expect(globalThresholds({ coverageThreshold: { global: { lines: 95 } } })).toEqual({
      lines: 95,
    });
    expect(globalThresholds({})).toEqual({});
  });

  test('refuses a per-path threshold, which would go unchecked', () => {
    expect(() =>
      globalThresholds({ coverageThreshold: { global: {}, './stacks/': { lines: 100 } } }),
    ).toThrow(
      'jest.config.js sets coverage thresholds for ./stacks/: npm run test:unit checks only "global"',
    );
  });

  test('the project holds every axis to 95%', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(globalThresholds(require('../../../jest.config.js'))).toEqual({
      lines: 95,
      branches: 95,
      functions: 95,
      statements: 95,
    });
  });
});

describe('unloadedSources', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'unloaded-'));
    const write = (file: string, text: string) => {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    write('tools/e2e/loaded.ts', 'export const a = 1;\n');
    write('tools/e2e/forgotten.ts', 'export function b() { return 2; }\n');
    write('tools/e2e/run.command.ts', 'console.log(1);\n');
    write(
      'tools/policy/types.ts',
      'export interface Rule { id: string }\nexport type Id = string;\n',
    );
    write('config/deep/nested.ts', 'export const c = 3;\n');
    write('config/readme.md', '# not code\n');
    write('other/outside.ts', 'export const d = 4;\n');
    // A link to a loaded file (jest names it by its real path), a dangling link, a folder
    // whose name matches the glob.
    symlinkSync(join(root, 'tools/e2e/loaded.ts'), join(root, 'tools/e2e/linked.ts'));
    symlinkSync(join(root, 'tools/e2e/missing.ts'), join(root, 'tools/e2e/.#dangling.ts'));
    mkdirSync(join(root, 'config/folder.ts'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const globs = ['config/**/*.ts', 'tools/**/*.ts', 'docs/**/*.ts', '!tools/**/*.command.ts'];

  test('names the files the globs take that no test loaded, at any depth, sorted', () => {
    expect(unloadedSources(root, globs, [realpathSync(join(root, 'tools/e2e/loaded.ts'))])).toEqual(
      ['config/deep/nested.ts', 'tools/e2e/forgotten.ts'],
    );
  });

  test('is empty when every file with code was loaded', () => {
    const covered = ['config/deep/nested.ts', 'tools/e2e/forgotten.ts', 'tools/e2e/loaded.ts'];
    expect(
      unloadedSources(
        root,
        globs,
        covered.map((f) => realpathSync(join(root, f))),
      ),
    ).toEqual([]);
  });

  test('refuses a glob that does not start with a folder, rather than checking nothing', () => {
    expect(() => unloadedSources(root, ['**/*.ts'], [])).toThrow(
      'collectCoverageFrom globs must start with a folder name (got **)',
    );
  });

  test('leaves out files of types only, as their JavaScript is empty', () => {
    expect(hasRuntimeCode('export interface Rule { id: string }\nexport type Id = string;\n')).toBe(
      false,
    );
    expect(hasRuntimeCode("import type { X } from './x';\nexport const y = 1;\n")).toBe(true);
    expect(hasRuntimeCode('export enum Kind { A }\n')).toBe(true);
    expect(hasRuntimeCode('export {};\ninterface A { a: 1 }\n')).toBe(false);
    expect(hasRuntimeCode('/*! licence */\n"use strict";\nexport type A = 1;\n')).toBe(false);
  });

  test('over the project tree, takes what jest.config.js counts: no command entry, no file of types only', () => {
    const projectRoot = join(__dirname, '..', '..', '..');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { collectCoverageFrom } = require(join(projectRoot, 'jest.config.js'));
    const taken = unloadedSources(projectRoot, collectCoverageFrom, [], () => true);
    expect(taken).toContain('tools/e2e/leftovers.ts');
    expect(taken).toContain('constructs/application/bundle.ts');
    expect(taken).toContain('tools/policy/types.ts');
    expect(taken).not.toContain('tools/check/check.command.ts');
    expect(taken).not.toContain('tools/e2e/lifecycle.ts');
    expect(taken).not.toContain('tools/app-test/servers.ts');
    expect(hasRuntimeCode(readFileSync(join(projectRoot, 'tools/policy/types.ts'), 'utf8'))).toBe(
      false,
    );
  });
});
