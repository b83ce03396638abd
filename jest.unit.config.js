/**
 * The quick suite, `npm run test:unit`: the pure tests (`*.unit.test.ts`), with no global setup, so no Python
 * toolchain, no wheel fetch, no project copy and no build. They read fixtures in place and write only to temporary
 * folders. `npm test` (jest.config.js) runs them too, with everything else; CI runs `npm test`.
 */
const full = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...full,
  testMatch: ['**/*.unit.test.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 30000,
};
