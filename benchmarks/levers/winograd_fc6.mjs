#!/usr/bin/env node
// Levers of session 3 on tfjs-backend-wasm (threaded SIMD, 2 threads by default), full size, random
// weights, one process, medians of wall time (wasm runs synchronously: no read-back needed):
//  - every 3x3 stride-1 conv shape of the network: tf.fused.conv2d vs @mrcnn/engine's winogradConv2d
//    (F(2x2,3x3)) at several transient budgets;
//  - fc6 (1000 x 12544 → 1024): one fused matMul vs column blocks (2..16) concatenated.
// Needs `npm run build`.   node benchmarks/levers/winograd_fc6.mjs [threads] [--json out.json]
import { createRequire } from 'node:module';
import * as fs from 'node:fs';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs-core');
const e = require('@mrcnn/engine');

const threads = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 2);
const jsonAt = process.argv.indexOf('--json');
await e.initBackend('wasm', { threads });
const RUNS = 7;

function median(f) {
  for (let i = 0; i < 2; i++) tf.dispose(f());
  const ts = [];
  for (let i = 0; i < RUNS; i++) { const t0 = performance.now(); tf.dispose(f()); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b);
  return Math.round(ts[RUNS >> 1] * 10) / 10;
}

const maxDiff = (a, b) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const results = { threads, date: new Date().toISOString(), conv: [], fc6: [] };
const MiB = 2 ** 20;
for (const [name, shape, cout] of [
  ['res2 3x3', [1, 80, 120, 64], 64], ['res3 3x3', [1, 40, 60, 128], 128], ['res4 3x3', [1, 20, 30, 256], 256],
  ['res5 3x3', [1, 10, 15, 512], 512], ['FPN/RPN P2', [1, 80, 120, 256], 256], ['FPN/RPN P3', [1, 40, 60, 256], 256],
  ['mask conv1', [100, 14, 14, 256], 128], ['mask conv2-4', [100, 14, 14, 128], 128],
]) {
  const x = tf.randomUniform(shape, -1, 1, 'float32', 1);
  const w = tf.randomUniform([3, 3, shape[3], cout], -0.05, 0.05, 'float32', 2);
  const bias = tf.randomUniform([cout], -0.1, 0.1, 'float32', 3);
  const u = e.winogradFilter(w);
  const direct = () => tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias, activation: 'relu' });
  const row = { name, shape, cout, gflop: (2 * 9 * shape.slice(0, 4).reduce((a, b) => a * b, 1) * cout) / 1e9, directMs: median(direct) };
  for (const mb of [48, 80, 128]) {
    const wino = () => e.winogradConv2d(x, u, { bias, activation: 'relu', maxTransientBytes: mb * MiB });
    row[`wino${mb}Ms`] = median(wino);
  }
  const d = direct();
  const y = e.winogradConv2d(x, u, { bias, activation: 'relu' });
  row.maxAbsDiff = maxDiff(d, y);
  tf.dispose([x, w, bias, ...u, d, y]);
  results.conv.push(row);
  console.log(`${name.padEnd(14)} ${row.gflop.toFixed(2)} GFLOP  direct ${row.directMs} ms  winograd 48/80/128 MiB ${row.wino48Ms} / ${row.wino80Ms} / ${row.wino128Ms} ms  (80: ${(row.wino80Ms / row.directMs).toFixed(2)}x)  max |diff| ${row.maxAbsDiff.toExponential(1)}`);
}
{
  const x = tf.randomUniform([1000, 12544], 0, 1, 'float32', 4);
  const w = tf.randomUniform([12544, 1024], -0.01, 0.01, 'float32', 5);
  const b = tf.randomUniform([1024], -0.1, 0.1, 'float32', 6);
  const one = () => tf.fused.matMul({ a: x, b: w, bias: b, activation: 'relu' });
  const ref = one();
  for (const k of [1, 2, 4, 8, 16]) {
    const ws = Array.from({ length: k }, (_, j) => tf.slice(w, [0, j * 1024 / k], [12544, 1024 / k]));
    const bs = Array.from({ length: k }, (_, j) => tf.slice(b, [j * 1024 / k], [1024 / k]));
    const f = k === 1 ? one : () => tf.tidy(() => tf.concat(ws.map((wj, j) => tf.fused.matMul({ a: x, b: wj, bias: bs[j], activation: 'relu' })), 1));
    const ms = median(f);
    const out = f();
    const row = { blocks: k, ms, gflops: Math.round(25.69 / (ms / 1000) * 10) / 10, maxAbsDiff: maxDiff(out, ref) };
    tf.dispose([out, ...ws, ...bs]);
    results.fc6.push(row);
    console.log(`fc6 in ${String(k).padStart(2)} column block(s): ${ms} ms (${row.gflops} GFLOP/s)  max |diff| vs one matMul ${row.maxAbsDiff}`);
  }
}
if (jsonAt > 0) fs.writeFileSync(process.argv[jsonAt + 1], JSON.stringify(results, null, 1));
