/** Headless-Chromium tests (`npm run test:browser`): need Debian chromium, which `.ci/run` installs. */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/browser/**/*.test.ts', '<rootDir>/packages/*/src/**/*.browser.test.ts'],
  testTimeout: 10 * 60 * 1000,
};
