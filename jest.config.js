/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/jest.esbuild-transform.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  globalSetup: '<rootDir>/__tests__/support/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/setup-cdktf.ts'],
  testTimeout: 120000,
  maxWorkers: 2,
  // Tests run in a new order each time (the seed is printed; `npx jest --seed=N` repeats an order),
  // so a test that leans on another's leftovers fails here rather than some day in CI.
  randomize: true,
  showSeed: true,
};
