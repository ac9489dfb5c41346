#!/usr/bin/env node
// detect() with the mask head on the returned rows only (what it does) vs on all 100 rows (what
// execute does), on tfjs-wasm with 2 threads: the same image alternately asking for the best 10
// instances and for every detection row (scoreThreshold 0: every row needs its mask). The oracle's
// random weights score every detection ≥ 0.5, so the default threshold would keep all 100 here.
// Needs `npm run build` and a full-size model.json (default: the bench's conversion of the oracle's
// ONNX export, made by `npm run bench`).
//   node benchmarks/levers/detect_rows.mjs [model.json] [image] [rounds]
import { createRequire } from 'node:module';
import * as fs from 'node:fs';

const require = createRequire(import.meta.url);
const { initBackend } = require('@mrcnn/engine');
const { load } = require('@mrcnn/model');

const [modelJson = '.cache/bench/k1/tfjs_model/model.json', image = '../shared/images/astronaut.png', rounds = '5'] = process.argv.slice(2);
await initBackend('wasm', { threads: 2 });
const model = await load(modelJson);
const bytes = new Uint8Array(fs.readFileSync(image));
const variants = { 'maxDetections 10': { maxDetections: 10 }, 'scoreThreshold 0 (all rows)': { scoreThreshold: 0 } };
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
const kept = {};
const masksMs = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (const [k, o] of Object.entries(variants)) await model.detect(bytes, o); // warm-up
for (let r = 0; r < Number(rounds); r++) {
  for (const [k, o] of (r % 2 ? Object.entries(variants).reverse() : Object.entries(variants))) {
    let mask = 0;
    const t0 = performance.now();
    const out = await model.detect(bytes, { ...o, onStage: (s, ms) => { if (s === 'maskHead') mask += ms; } });
    times[k].push(performance.now() - t0);
    masksMs[k].push(mask);
    kept[k] = out.length;
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const k of Object.keys(variants)) {
  console.log(`${k.padEnd(28)} instances ${String(kept[k]).padStart(3)}  detect ${med(times[k]).toFixed(0)} ms  mask head ${med(masksMs[k]).toFixed(0)} ms`);
}
model.dispose();
