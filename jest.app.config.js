/**
 * `npm run test:app`: the readiness handler and the database setup against real PostgreSQL 15
 * and Redis 7 started by tools/app-test/servers.ts. Not part of `npm test` (unit), which needs
 * no servers.
 */
module.exports = {
  testEnvironment: 'node',
  maxWorkers: 1,
  roots: ['<rootDir>/tools/app-test'],
  testMatch: ['**/*.app.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  verbose: true,
};
