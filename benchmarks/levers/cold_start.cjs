// Cold start in Node ([Q]): where one fresh process spends its time before and during its first
// detect, against the warm detects after it. One process per call; run it several times (fresh
// processes, warm file cache) and compare the medians:
//   node benchmarks/levers/cold_start.cjs [model.json] [threads] [detects] [image]
// defaults: .cache/bench/k1/tfjs_model/model.json (the bench's full-size 0049), 2, 3,
// test/fixtures/images/astronaut.png. Prints one JSON line: per step (import, initBackend, load,
// detect 1..N) the wall ms, the process's CPU ms (all threads), minor page faults (first touches of
// fresh memory: the wasm heap's growth) and the wasm heap size after it; per detect its stages
// (onStage, ms). Needs `npm run build`.
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');

const root = path.resolve(__dirname, '..', '..');
const [modelJson = path.join(root, '.cache/bench/k1/tfjs_model/model.json'), threads = '2', detects = '3',
  image = path.join(root, 'test/fixtures/images/astronaut.png')] = process.argv.slice(2);

const usage = () => { const u = process.resourceUsage(); return { cpu: (u.userCPUTime + u.systemCPUTime) / 1000, faults: u.minorPageFault }; };
const steps = [];
let last = { t: performance.now(), ...usage() };
function mark(step, extra = {}) {
  const now = { t: performance.now(), ...usage() };
  steps.push({ step, ms: Math.round(now.t - last.t), cpuMs: Math.round(now.cpu - last.cpu), minorFaults: now.faults - last.faults, ...extra });
  last = { t: performance.now(), ...usage() };
}

(async () => {
  const tf = require('@tensorflow/tfjs-core');
  const engine = require('@mrcnn/engine');
  const model = require('@mrcnn/model');
  mark('import');
  await engine.initBackend('wasm', { threads: Number(threads) });
  const heap = () => Math.round(tf.backend().wasm.HEAPU8.byteLength / 2 ** 20);
  mark('initBackend', { heapMiB: heap() });
  const m = await model.load(modelJson, { backend: 'wasm' });
  mark('load', { heapMiB: heap() });
  const bytes = fs.readFileSync(image);
  for (let i = 1; i <= Number(detects); i++) {
    const stages = {};
    const r = await m.detect(bytes, { onStage: (s, ms) => { stages[s] = Math.round(ms); } });
    mark(`detect ${i}`, { heapMiB: heap(), stages, detections: r.length });
  }
  m.dispose();
  console.log(JSON.stringify({ node: process.version, threads: Number(threads), model: path.relative(root, modelJson), steps }));
})().catch((e) => { console.error(e); process.exit(1); });
