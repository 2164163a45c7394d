/**
 * Integration tests (e2e/): run by `npm run test:e2e` after the stacks are deployed, or
 * by hand against a real account (docs/e2e.md). They read the deploy's outputs file
 * (E2E_OUTPUTS_FILE) and check the live resources with the AWS SDK. Separate from the
 * unit tests (jest.config.js) so that `npm test` never needs a deployment.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/e2e'],
  testMatch: ['**/*.test.ts'],
  // e2e/live/ calls the API over the network: a real account only (E2E_HTTP=1, docs/e2e.md).
  testPathIgnorePatterns: process.env.E2E_HTTP === '1' ? [] : ['<rootDir>/e2e/live/'],
  // Transpile only (tsconfig isolatedModules): `npm run typecheck` type-checks e2e/ too.
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  // One worker: the emulator and the 2-core machine prefer few concurrent clients.
  maxWorkers: 1,
  testTimeout: 60_000,
  verbose: true,
};
