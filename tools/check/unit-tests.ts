/**
 * `npm run test:unit` (part of `npm test`): the unit tests as two jest runs side by side,
 * each in one thread, with their coverage merged into one report that must meet
 * jest.config.js's `coverageThreshold`.
 *
 * Why not jest's worker threads: jest loads every test file's modules afresh, and a V8
 * isolate reuses the code it compiled for a module it has seen before (its compilation
 * cache). A test file that builds a stack loads cdktf and ~7.5 MB of provider bindings.
 * In one thread, only the first such file compiles them; with two workers, both do, for
 * both halves of the suite. Two runs split by what the files load — the tests that build
 * constructs and stacks in one, the rest in the other — keep each cache hot and still use
 * two cores. Measured on 2 cores when the split was made (babel's coverage, TurboFan on),
 * warm: 15.0–15.5 s wall and 27–28 s CPU against 19.5 s and 34 s for one run on two worker
 * threads; cold: 20.4–22.7 s against 23.7–28.7 s. mergeCoverage's tests hold that the
 * merged report counts what one run would.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { transformSync } from 'esbuild';
import { globsToMatcher } from 'jest-util';
import { createCoverageMap } from 'istanbul-lib-coverage';
import type { CoverageMap, CoverageMapData, CoverageSummary } from 'istanbul-lib-coverage';

export interface UnitShard {
  /** Names the run in the output and its coverage folder. */
  readonly name: string;
  /** Folders under __tests__/ whose test files this run takes. @default every file no other shard takes */
  readonly folders?: readonly string[];
}

/** The two runs. A test file belongs to the first shard with a folder that holds it. */
export const UNIT_SHARDS: readonly UnitShard[] = [
  // These build constructs and stacks: they all load cdktf and the provider bindings.
  { name: 'stacks', folders: ['access', 'constructs', 'stacks', 'tools/policy'] },
  // Config, functions, the other tools, the app as a process.
  { name: 'rest' },
];

/** The coverage axes jest's `coverageThreshold.global` sets. */
export const COVERAGE_AXES = ['lines', 'statements', 'functions', 'branches'] as const;
export type CoverageThresholds = Partial<Record<(typeof COVERAGE_AXES)[number], number>>;

/** Every `*.test.ts` under `dir`, as paths relative to `root`, sorted. */
export function findTestFiles(root: string, dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

/**
 * The test files of each shard, in UNIT_SHARDS order (`testsDir` is the folder the
 * paths start with). Each file goes to exactly one shard; a shard with no file is left out.
 */
export function partitionTests(
  files: readonly string[],
  testsDir = '__tests__',
  shards: readonly UnitShard[] = UNIT_SHARDS,
): { shard: UnitShard; files: string[] }[] {
  const holds = (shard: UnitShard, file: string) =>
    shard.folders === undefined ||
    shard.folders.some((folder) => file.split(sep).join('/').startsWith(`${testsDir}/${folder}/`));
  const byShard = shards.map((shard) => ({ shard, files: [] as string[] }));
  for (const file of files) {
    const target = byShard.find((s) => holds(s.shard, file));
    if (!target) throw new Error(`no unit-test shard takes ${file}`);
    target.files.push(file);
  }
  return byShard.filter((s) => s.files.length > 0);
}

/**
 * The environment variable that tells a jest process to count coverage and where to write
 * it (tools/check/light-runner-setup.cjs writes the counts as the process exits).
 */
export const COVERAGE_FILE_ENV = 'UNIT_COVERAGE_FILE';

/** The node command line of one shard: jest, then shardArgs. */
export function shardCommand(jest: string, files: readonly string[]): string[] {
  return [jest, ...shardArgs(files)];
}

/**
 * jest's arguments for one shard: in band (jest-light-runner then runs the files in jest's
 * own process, one module cache for the whole shard), these files only. Coverage is not
 * jest's here: the runner returns none, and the setup file counts it (COVERAGE_FILE_ENV).
 */
export function shardArgs(files: readonly string[]): string[] {
  return ['--runInBand', '--runTestsByPath', ...files];
}

/** One coverage map from the shards' `coverage-final.json` contents. */
export function mergeCoverage(parts: readonly CoverageMapData[]): CoverageMap {
  const map = createCoverageMap({});
  for (const part of parts) map.merge(part);
  return map;
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
