/** Unit tests: synthesized JSON, config rules, scripts with stubbed AWS clients. Fast. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Transpile only (tsconfig isolatedModules): `npm run typecheck` type-checks once.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  collectCoverageFrom: [
    'config/**/*.ts',
    'constructs/**/*.ts',
    'stacks/**/*.ts',
    'scripts/lib/**/*.ts',
  ],
  coverageThreshold: {
    global: { lines: 95, branches: 95, functions: 95, statements: 95 },
  },
};
