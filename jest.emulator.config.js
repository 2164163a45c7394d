/**
 * `npm run test:emulator`: the emulator's refusal rules and gap closures
 * (tools/emulator/moto_*.py) against one real emulator started for the whole run
 * (tools/emulator-test/global-setup.ts). Not part of `npm test` (unit), which starts no server.
 */
module.exports = {
  testEnvironment: 'node',
  // In band: the tests read the emulator's endpoint from this process's environment.
  maxWorkers: 1,
  roots: ['<rootDir>/tools/emulator-test'],
  testMatch: ['**/*.emulator.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/tools/emulator-test/global-setup.ts',
  globalTeardown: '<rootDir>/tools/emulator-test/global-teardown.ts',
  testTimeout: 30000,
  verbose: true,
};
