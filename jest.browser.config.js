/** Headless-Chromium tests (`npm run test:browser`): need Debian chromium, which `.ci/run` installs. */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/browser/**/*.test.ts', '<rootDir>/packages/*/src/**/*.browser.test.ts'],
  // full-size browser parity (test/browser/*.parity.test.ts) runs with jest.parity.config.js
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.parity\\.test\\.ts$'],
  testTimeout: 10 * 60 * 1000,
};
