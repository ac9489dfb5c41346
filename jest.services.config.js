/**
 * Service tests (`npm run test:services`, after `npm run build`), not part of `npm test` for their
 * wall time (minutes); one file at a time, as they time locks, restarts and reconnects:
 * - test/services: the queue commands against a real redis-server each test file starts on
 *   127.0.0.1 (Debian's redis-server, or $REDIS_SERVER) with `mrcnn worker` processes of the built CLI;
 * - packages/*\/src/**\/*.services.test.ts: @mrcnn/video's live sources between real ffmpeg processes
 *   on 127.0.0.1 (an RTSP listener/publisher pair, an HTTP stream server) killed and restarted
 *   mid-stream, and its 10,000-frame memory run (its own, longer timeout). They need Debian's ffmpeg.
 */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/services/**/*.test.ts', '<rootDir>/packages/*/src/**/*.services.test.ts'],
  maxWorkers: 1,
  testTimeout: 300000,
};
