/**
 * `npm run test:unit` (part of `npm test`): the unit tests as one jest run, in band, with
 * its coverage held to jest.config.js's `coverageThreshold`.
 *
 * Why one process: jest-light-runner runs the test files of a process in one module cache,
 * so cdktf, the provider bindings, the AWS SDK and the stacks load once. Measured on 2 cores
 * (2026-12-07, cold caches): one run took 21.5 s of CPU and 21.5 s alone; two runs side by
 * side 33 s of CPU for 21.6 s, each loading all of that again; inside `npm test`, whose
 * other checks take the second core, one run ended the whole in 30 s against 36 s.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { transformSync } from 'esbuild';
import { globsToMatcher } from 'jest-util';
import type { CoverageSummary } from 'istanbul-lib-coverage';

/** The coverage axes jest's `coverageThreshold.global` sets. */
export const COVERAGE_AXES = ['lines', 'statements', 'functions', 'branches'] as const;
export type CoverageThresholds = Partial<Record<(typeof COVERAGE_AXES)[number], number>>;

/**
 * The environment variable that tells a jest process to count coverage and where to write
 * it (tools/check/light-runner-setup.cjs writes the counts as the process exits).
 */
export const COVERAGE_FILE_ENV = 'UNIT_COVERAGE_FILE';

/**
 * jest's arguments: in band, so jest-light-runner runs every test file in jest's own process
 * (one module cache). Coverage is not jest's: the runner returns none, and the setup file
 * counts it (COVERAGE_FILE_ENV).
 */
export const JEST_ARGS = ['--runInBand'] as const;

/** How long the unit tests may take before the run is stopped (they take ~15 s on 2 cores). */
export const UNIT_TESTS_TIMEOUT_MS = 10 * 60 * 1000;

/** What jest's `--json` results say of the run, as far as test:unit reads them. */
export interface JestResults {
  readonly success: boolean;
  readonly numTotalTestSuites: number;
  readonly numFailedTestSuites: number;
  readonly numRuntimeErrorTestSuites: number;
}

/** jest's `--json` results from `file`, or undefined when jest wrote none. */
export function readResults(file: string): JestResults | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as JestResults;
}

/**
 * Why the results do not make a passing run: none written (the process ended before jest
 * finished, as a test calling process.exit would make it), a failed file, or no file at all.
 */
export function resultFailures(results: JestResults | undefined): string[] {
  if (results === undefined) {
    return [
      'jest wrote no results: the process ended before the run finished (does a test call process.exit?)',
    ];
  }
  if (results.numTotalTestSuites === 0) return ['jest ran no test file'];
  if (results.success) return [];
  return [
    `jest reports a failed run: ${results.numFailedTestSuites} of ${results.numTotalTestSuites} test files failed (${results.numRuntimeErrorTestSuites} could not run)`,
  ];
}

/** One line per axis below its threshold; empty when every axis meets it. */
export function thresholdFailures(
  summary: CoverageSummary,
  thresholds: CoverageThresholds,
): string[] {
  return COVERAGE_AXES.flatMap((axis) => {
    const minimum = thresholds[axis];
    const { pct, covered, total } = summary[axis];
    if (minimum === undefined || pct >= minimum) return [];
    return [`coverage of ${axis} is ${pct}% (${covered}/${total}), below the ${minimum}% required`];
  });
}

/**
 * Whether a TypeScript file leaves any JavaScript once its types are stripped (minified,
 * without comments; an empty `export {}` and directives are no code).
 */
export function hasRuntimeCode(source: string): boolean {
  const { code } = transformSync(source, { loader: 'ts', minify: true, legalComments: 'none' });
  return code.replace(/export\{\};?|"use strict";?|\s/g, '') !== '';
}

/**
 * The files `collectCoverageFrom` takes that no unit test loaded (relative to `root`,
 * sorted). jest adds such files to the report only when they are under its `roots`, and
 * ours is `__tests__/`: without this list, a source file no test loads would not count at
 * all. A file of types only compiles to nothing and is left out.
 */
export function unloadedSources(
  root: string,
  collectCoverageFrom: readonly string[],
  covered: readonly string[],
  runtimeCode: (source: string) => boolean = hasRuntimeCode,
): string[] {
  const matches = globsToMatcher([...collectCoverageFrom]);
  const posix = (file: string) => file.split(sep).join('/');
  // jest names files by their real paths.
  const realRoot = realpathSync(root);
  const loaded = new Set(covered.map((file) => posix(relative(realRoot, file))));
  // The globs' first folders (`tools/**/*.ts` → tools): the only places a match can be.
  const tops = new Set(
    collectCoverageFrom.filter((g) => !g.startsWith('!')).map((g) => g.split('/')[0]),
  );
  const wild = [...tops].filter((top) => /[*?[\]{}]/.test(top));
  if (wild.length > 0) {
    throw new Error(
      `collectCoverageFrom globs must start with a folder name (got ${wild.join(', ')}): the check for files no test loads walks those folders`,
    );
  }
  return (
    [...tops]
      .filter((top) => existsSync(join(root, top)))
      .flatMap((top) =>
        readdirSync(join(root, top), { recursive: true, withFileTypes: true })
          .filter((entry) => entry.isFile() || entry.isSymbolicLink())
          .map((entry) => join(entry.parentPath, entry.name)),
      )
      .filter((full) => matches(posix(relative(root, full))))
      // A link to a folder, or a dangling one, is no file.
      .filter((full) => statSync(full, { throwIfNoEntry: false })?.isFile() === true)
      .filter((full) => !loaded.has(posix(relative(realRoot, realpathSync(full)))))
      .filter((full) => runtimeCode(readFileSync(full, 'utf8')))
      .map((full) => posix(relative(root, full)))
      .sort()
  );
}

/**
 * The global thresholds of a jest config. Only `global` is understood here: a per-path
 * threshold would silently go unchecked, so it is refused.
 */
export function globalThresholds(jestConfig: {
  coverageThreshold?: Record<string, CoverageThresholds>;
}): CoverageThresholds {
  const { global, ...others } = jestConfig.coverageThreshold ?? {};
  const paths = Object.keys(others);
  if (paths.length > 0) {
    throw new Error(
      `jest.config.js sets coverage thresholds for ${paths.join(', ')}: npm run test:unit checks only "global"`,
    );
  }
  return global ?? {};
}
