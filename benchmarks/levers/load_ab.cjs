// Load-time A/B (benchmarks/README.md, "The [J] architecture step"): node load_ab.cjs <repo root> <model.json> <threads>
// Usage: node loadab.js <repo root> <model.json> <threads>: prints initBackend ms, load ms, first execute ms as JSON.
const path = require('path');
const [root, modelJson, threads] = process.argv.slice(2);
const req = (p) => require(path.join(root, 'node_modules', p));
(async () => {
  const { performance } = require('perf_hooks');
  const t0 = performance.now();
  const engine = req('@mrcnn/engine');
  const model = req('@mrcnn/model');
  const t1 = performance.now();
  await engine.initBackend('wasm', { threads: Number(threads) });
  const t2 = performance.now();
  const m = await model.load(modelJson, { backend: 'wasm' });
  const t3 = performance.now();
  console.log(JSON.stringify({ import: Math.round(t1 - t0), init: Math.round(t2 - t1), load: Math.round(t3 - t2) }));
  m.dispose();
})().catch((e) => { console.error(e); process.exit(1); });
