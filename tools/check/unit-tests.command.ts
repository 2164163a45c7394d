/**
 * `npm run test:unit`: the unit tests as one jest run in band, its coverage printed, written
 * to coverage/coverage-final.json and held to jest.config.js's thresholds (see
 * unit-tests.ts). Exit 1 when a test or a threshold fails. One file or folder alone:
 * `npx jest <path>`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { answerCommandLine, formatDuration, run, runCommand } from '../core';

const ROOT = resolve(__dirname, '..', '..');
const JEST = require.resolve('jest/bin/jest');

const USAGE =
  'usage: npm run test:unit\n  The unit tests as one jest run, coverage held to jest.config.js. It takes no\n  arguments; one file or folder alone: npx jest <path>';

async function main(): Promise<number> {
  // Loaded here, not at the top, so that --help answers at once.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createCoverageMap } =
    require('istanbul-lib-coverage') as typeof import('istanbul-lib-coverage');
  const { createContext } = require('istanbul-lib-report') as typeof import('istanbul-lib-report');
  const { create: createReport } = require('istanbul-reports') as typeof import('istanbul-reports');
  const {
    COVERAGE_FILE_ENV,
    JEST_ARGS,
    UNIT_TESTS_TIMEOUT_MS,
    globalThresholds,
    readResults,
    resultFailures,
    thresholdFailures,
    unloadedSources,
  } = require('./unit-tests') as typeof import('./unit-tests');
  /* eslint-enable @typescript-eslint/no-require-imports */
  // jest.config.js is CommonJS, read the way jest reads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jestConfig = require(join(ROOT, 'jest.config.js'));
  const thresholds = globalThresholds(jestConfig);
  const work = mkdtempSync(join(tmpdir(), 'unit-tests-'));
  const coverageFile = join(work, 'coverage.json');
  const resultsFile = join(work, 'results.json');
  try {
    const result = await run(
      process.execPath,
      [JEST, ...JEST_ARGS, '--json', `--outputFile=${resultsFile}`],
      {
        cwd: ROOT,
        env: { ...(process.env as Record<string, string>), [COVERAGE_FILE_ENV]: coverageFile },
        okCodes: [0, 1],
        // jest-light-runner applies no test timeout: a hung test ends the run here.
        timeoutMs: UNIT_TESTS_TIMEOUT_MS,
      },
    );
    const { code, stdout, stderr, durationMs } = result;
    const verdict = code === 0 ? 'passed' : `FAILED (exit ${code})`;
    process.stdout.write(`── jest: ${verdict} in ${formatDuration(durationMs)}\n`);
    process.stdout.write(
      `${[stderr, stdout]
        .map((s) => s.trimEnd())
        .filter(Boolean)
        .join('\n')}\n`,
    );
    const coverage = createCoverageMap(JSON.parse(readFileSync(coverageFile, 'utf8')));
    const context = createContext({
      dir: join(ROOT, 'coverage'),
      coverageMap: coverage,
      defaultSummarizer: 'pkg',
    });
    createReport('json').execute(context);
    // Only the files not fully covered, their folders and the totals.
    createReport('text', { skipFull: true, maxCols: 0 }).execute(context);
    const unloaded = unloadedSources(ROOT, jestConfig.collectCoverageFrom ?? [], coverage.files());
    const failures = [
      ...unloaded.map(
        (file) =>
          `${file}: no unit test loads it, so its coverage cannot count (jest.config.js collectCoverageFrom takes it): test it, or exclude it there with the reason`,
      ),
      ...thresholdFailures(coverage.getCoverageSummary(), thresholds),
    ];
    // The runner runs the files in jest's own process: a test that ended the process
    // (process.exit) would leave its exit code, not jest's. jest writes the results last.
    const results = readResults(resultsFile);
    failures.push(...resultFailures(results));
    for (const line of failures) process.stderr.write(`${line}\n`);
    return code === 0 && failures.length === 0 ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const answered = answerCommandLine('test:unit', USAGE, process.argv.slice(2));
if (answered !== undefined) process.exitCode = answered;
else void runCommand('test:unit', main);
