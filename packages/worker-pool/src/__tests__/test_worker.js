// A worker script for worker_pool.test.ts: plain JavaScript (worker threads run .js files), using the
// built @mrcnn/worker-pool (npm run build). Config: { failInit?: string, initDelayMs?: number }.
const { threadId } = require('worker_threads');
const { serveTasks } = require('@mrcnn/worker-pool');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

serveTasks(async (config) => {
  if (config.initDelayMs) await sleep(config.initDelayMs);
  if (config.failInit) throw new RangeError(config.failInit);
  return {
    info: { threadId },
    async run(task) {
      switch (task.op) {
        case 'echo': return { threadId, value: task.value };
        case 'sleep': await sleep(task.ms); return { threadId, value: task.ms };
        case 'fail': throw new TypeError(task.message);
        case 'exit': process.exit(task.code);
        case 'sum': return { threadId, value: task.data.reduce((a, b) => a + b, 0), bytesLeft: task.data.buffer.byteLength };
        case 'buffer': return { threadId, value: Float32Array.from({ length: task.n }, (_, i) => i / 2) };
        default: throw new Error(`unknown op ${task.op}`);
      }
    },
    transferList: (result) => (result.value instanceof Float32Array ? [result.value.buffer] : []),
  };
});
