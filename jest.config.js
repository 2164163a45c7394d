/**
 * Unit tests: synthesized JSON, config rules, tools with stubbed AWS clients. `npm test` and
 * `npm run test:unit` run them as one jest run in band with coverage
 * (tools/check/unit-tests.ts); these settings apply to both and to `npx jest <path>`.
 */
const { availableParallelism } = require('node:os');

module.exports = {
  testEnvironment: 'node',
  // jest-light-runner: each process loads a module once for all the test files it runs,
  // where jest's own runner loads cdktf, the provider bindings and the stacks afresh for
  // every file (light-runner-setup.cjs). With more than one worker it runs child processes.
  runner: ['jest-light-runner', { runtime: 'child_process' }],
  // For `npx jest` (npm's scripts run in band): jest's default (cores - 1) runs a 2-core
  // machine in one worker; two halve the wall time.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // TypeScript is transpiled only, with swc (tsconfig isolatedModules): `npm run
  // typecheck` type-checks once. This file registers the hooks that do it, and counts
  // coverage under `npm run test:unit`.
  setupFiles: ['<rootDir>/tools/check/light-runner-setup.cjs'],
  // jest itself transforms only the globalSetup and globalTeardown files, plain CommonJS:
  // without this it loads Babel for them (npx jest <one file> cold: 1.3 s against 1.5-1.7 s).
  transform: {},
  // In the checkout, not the machine-wide /tmp/jest_<uid>: a fresh clone starts cold, and
  // clearing it (npm run bench) touches no other checkout.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  // A temporary folder per run as TMPDIR, removed at the end: nothing is left in /tmp.
  globalSetup: '<rootDir>/tools/check/jest-tmpdir.cjs',
  globalTeardown: '<rootDir>/tools/check/jest-tmpdir-teardown.cjs',
  // Every file these take must be loaded by some unit test: jest reports only the files a
  // test loaded (its `roots` hold the tests alone), so `npm run test:unit` fails naming any
  // other (tools/check/unit-tests.ts, unloadedSources). Files of types only are exempt.
  collectCoverageFrom: [
    'config/**/*.ts',
    'constructs/**/*.ts',
    'stacks/**/*.ts',
    'functions/**/*.ts',
    'tools/**/*.ts',
    // Command entries (`*.command.ts`, run by the npm scripts) and re-exporting index files.
    '!tools/**/*.command.ts',
    '!tools/**/index.ts',
    // The handler harness starts real servers: run by `npm run test:app`, not unit tests.
    '!tools/app-test/**',
    // Run against a real emulator by `npm run test:emulator`, not unit tests.
    '!tools/emulator-test/**',
    // `npm run test:cli` starts npm and the tools; its rules (cli-rules.ts) are unit-tested.
    '!tools/cli-test/*.cli.test.ts',
    '!tools/cli-test/npm-run.ts',
    // Start, watch and kill real processes (moto, terraform): exercised end to end by
    // `npm run test:e2e` on every CI run, not by unit tests.
    '!tools/emulator/emulator.ts',
    '!tools/core/process.ts',
    '!tools/e2e/e2e-run.ts',
    '!tools/e2e/e2e-main.ts',
    '!tools/e2e/phases.ts',
    // The lifecycle and secret-scan phases drive terraform, cdktf and the emulator; their
    // decisions live in plan-checks.ts, secret-scan.ts and state-secrets.ts (unit-tested).
    '!tools/e2e/lifecycle.ts',
    '!tools/e2e/secret-phase.ts',
    // The accounts, deploy paths and drills drive the emulator, npm, cdktf and terraform;
    // their decisions live in account-settings.ts and drill-checks.ts (unit-tested).
    '!tools/e2e/accounts.ts',
    '!tools/e2e/account-checks.ts',
    '!tools/e2e/planting.ts',
    '!tools/e2e/deploy-paths.ts',
    '!tools/e2e/environment-phases.ts',
    '!tools/e2e/check-phases.ts',
    '!tools/e2e/teardown-phases.ts',
    '!tools/e2e/fault-drill.ts',
    '!tools/e2e/drift-drill.ts',
    '!tools/e2e/taint-drill.ts',
  ],
  coverageThreshold: {
    global: { lines: 95, branches: 95, functions: 95, statements: 95 },
  },
};
