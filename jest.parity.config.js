/** Full-size parity against the oracle cache (`npm run test:parity`). */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/**/*.parity.test.ts', '<rootDir>/packages/*/src/**/*.parity.test.ts'],
  testTimeout: 30 * 60 * 1000,
};
