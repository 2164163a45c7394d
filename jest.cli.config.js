/**
 * `npm run test:cli`: every npm script answers `--help`, `-h` and a wrong option alike, and an
 * interrupt sent to `npm run` reaches the tool (tools/cli-test/*.cli.test.ts, docs/commands.md).
 * It starts real processes (npm, the tools, the emulator, terraform), so it is not part of
 * `npm test`; `.ci/run` runs it after `npm test`.
 */
module.exports = {
  testEnvironment: 'node',
  // In band, one file after the other: the timings are of one command at a time.
  maxWorkers: 1,
  roots: ['<rootDir>/tools/cli-test'],
  testMatch: ['**/*.cli.test.ts'],
  // The unit tests' transform (swc, no type-check; `npm run typecheck` does that).
  transform: { '^.+\\.ts$': '<rootDir>/tools/check/jest-transform.cjs' },
  testTimeout: 120_000,
  verbose: true,
};
