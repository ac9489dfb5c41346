/**
 * Service tests (`npm run test:services`, after `npm run build`): the queue commands against a real
 * redis-server each test file starts on 127.0.0.1 (Debian's redis-server, or $REDIS_SERVER) with
 * `mrcnn worker` processes of the built CLI. Slow (every worker process loads the model), so not
 * part of `npm test`; one file at a time, as they time locks and restarts.
 */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/services/**/*.test.ts'],
  maxWorkers: 1,
  testTimeout: 300000,
};
