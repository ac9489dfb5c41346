/**
 * The packages installed from `npm pack` tarballs into a project outside the repository
 * (`npm run test:packaging`, after `npm run build`): slow (npm install, a detect), so not in `npm test`.
 */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/packaging/**/*.test.ts'],
  testTimeout: 15 * 60 * 1000,
  maxWorkers: 1,
};
