/**
 * Unit tests + parity on the committed small fixtures (`npm test`): no Python, no browser.
 * Browser tests: jest.browser.config.js; full-size parity: jest.parity.config.js; the packages
 * installed from npm tarballs: jest.packaging.config.js; the queue against a real Redis, and
 * @mrcnn/video's live sources and long streams: jest.services.config.js.
 */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/benchmarks/src/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.parity\\.test\\.ts$', '\\.browser\\.test\\.ts$', '\\.services\\.test\\.ts$', '<rootDir>/test/browser/',
    '<rootDir>/test/packaging/', '<rootDir>/test/services/'],
};
