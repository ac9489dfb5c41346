#!/usr/bin/env node
// Round-2 GEMM levers ([Q]) on tfjs-backend-wasm, full-size shapes, random weights, ONE process:
// @mrcnn/engine's packed GEMM (csrc/gemm.c, its own helper threads) against what runs today
// (tfjs matMul / conv2d = XNNPACK on tfjs's pool). Each case's variants run round-robin (order
// rotated every round) so a shared machine's load falls on all alike; every output is read back
// and compared with the first variant (max abs diff). Figures: medians of wall time and process CPU
// time (all threads) and medians of the per-round ratios to the first variant.
// Needs `npm run build` (reads packages/engine/dist).
//   node benchmarks/levers/gemm.mjs [--threads 2] [--rounds 5] [--cases fc6,fc7,...] [--json out.json]
import * as fs from 'node:fs';
import * as os from 'node:os';
import { tf, engine as e, opt, median } from './lever_cli.mjs';

const THREADS = Number(opt('threads', '2'));
const ROUNDS = Number(opt('rounds', '5'));
const CASES = opt('cases', 'fc6,fc7,res2conv3,res3down,res4conv1,lateral2,deconv').split(',');
const JSON_OUT = opt('json', undefined);

const rnd = (shape, scale, seed = 7) => tf.randomUniform(shape, -scale, scale, 'float32', seed);
const packed = (w, k, n) => e.packedGemmWeights(w.dataSync(), k, n);

/** A dense layer [rows, k] x [k, n] + bias, relu: current (XNNPACK, fc6's column blocks) vs packed GEMM. */
function denseCase(name, rows, k, n, blocks) {
  return {
    name, gflop: (2 * rows * k * n) / 1e9, what: `[${rows}, ${k}] x [${k}, ${n}] + bias, relu`,
    inputs: () => {
      const x = tf.relu(rnd([rows, k], 1, 1));
      const w = rnd([k, n], 1 / Math.sqrt(k), 2);
      const b = rnd([n], 0.1, 3);
      const ws = Array.from({ length: blocks }, (_, j) => tf.slice(w, [0, (j * n) / blocks], [k, n / blocks]));
      const bs = Array.from({ length: blocks }, (_, j) => tf.slice(b, [(j * n) / blocks], [n / blocks]));
      return { x, w, b, ws, bs, p: packed(w, k, n) };
    },
    variants: [
      ...(blocks > 1 ? [{ name: `fused.matMul in ${blocks} column blocks + concat (current)`, run: ({ x, ws, bs }) => tf.concat(ws.map((wj, j) => tf.fused.matMul({ a: x, b: wj, bias: bs[j], activation: 'relu' })), 1) }] : []),
      { name: `fused.matMul${blocks > 1 ? ' (one)' : ' (current)'}`, run: ({ x, w, b }) => tf.fused.matMul({ a: x, b: w, bias: b, activation: 'relu' }) },
      { name: 'packed GEMM (engine)', run: ({ x, p, b }) => e.packedGemm(x, p, { bias: b, activation: 'relu' }) },
    ],
  };
}

/** A 1x1 conv [1, h, w, cin] → cout, stride s, + bias (+ residual), relu. */
function conv1x1Case(name, [n, h, w, cin], cout, stride, residual) {
  const ho = Math.ceil(h / stride); const wo = Math.ceil(w / stride);
  return {
    name, gflop: (2 * n * ho * wo * cin * cout) / 1e9,
    what: `1x1 conv [${n},${h},${w},${cin}] → ${cout}, stride ${stride}, + bias${residual ? ' + residual' : ''}, relu`,
    inputs: () => {
      const x = tf.relu(rnd([n, h, w, cin], 1, 1));
      const f = rnd([1, 1, cin, cout], 1 / Math.sqrt(cin), 2);
      const b = rnd([cout], 0.1, 3);
      const r = residual ? rnd([n, ho, wo, cout], 1, 4) : undefined;
      return { x, f, b, r, p: packed(f, cin, cout) };
    },
    variants: [
      { name: `fused.conv2d${residual ? ' + add + relu' : ' relu'} (current)`, run: ({ x, f, b, r }) => (r
        ? tf.relu(tf.add(tf.fused.conv2d({ x, filter: f, strides: stride, pad: 'valid', bias: b }), r))
        : tf.fused.conv2d({ x, filter: f, strides: stride, pad: 'valid', bias: b, activation: 'relu' })) },
      { name: `packed GEMM${residual ? ', residual + relu fused' : ''} (engine)`, run: ({ x, p, b, r }) => e.packedGemm(x, p, { bias: b, residual: r, activation: 'relu', stride }) },
    ],
  };
}

/** A 3x3 stride-1 conv + bias + relu: direct, Winograd F(2x2) on tfjs matMuls (current), F(2x2) / F(4x4) packed. */
function winoCase(name, shape, cout) {
  const [n, h, w, cin] = shape;
  return {
    name, gflop: (2 * 9 * n * h * w * cin * cout) / 1e9, what: `3x3 conv pad 1 [${shape}] → ${cout} + bias, relu`,
    inputs: () => {
      const x = tf.relu(rnd(shape, 1, 1));
      const f = rnd([3, 3, cin, cout], 1 / Math.sqrt(9 * cin), 2);
      const b = rnd([cout], 0.1, 3);
      const g = f.dataSync();
      return { x, f, b, u: e.winogradFilter(f), p2: e.winogradPackedFilter(g, cin, cout, 2), p4: e.winogradPackedFilter(g, cin, cout, 4) };
    },
    variants: [
      { name: 'Winograd F(2x2), 16 tfjs matMuls (current)', run: ({ x, u, b }) => e.winogradConv2d(x, u, { bias: b, activation: 'relu' }) },
      { name: 'fused.conv2d (direct)', run: ({ x, f, b }) => tf.fused.conv2d({ x, filter: f, strides: 1, pad: 1, bias: b, activation: 'relu' }) },
      { name: 'Winograd F(2x2), packed batched GEMM', run: ({ x, p2, b }) => e.winogradConv2d(x, p2, { bias: b, activation: 'relu' }) },
      { name: 'Winograd F(4x4), packed batched GEMM', run: ({ x, p4, b }) => e.winogradConv2d(x, p4, { bias: b, activation: 'relu' }) },
    ],
  };
}

const R = 1000;
const cases = {
  res2: winoCase('res2', [1, 80, 120, 64], 64),
  res3: winoCase('res3', [1, 40, 60, 128], 128),
  res4: winoCase('res4', [1, 20, 30, 256], 256),
  p2: winoCase('p2', [1, 80, 120, 256], 256),
  p3: winoCase('p3', [1, 40, 60, 256], 256),
  mask1: winoCase('mask1', [100, 14, 14, 256], 128),
  mask2: winoCase('mask2', [100, 14, 14, 128], 128),
  fc6: denseCase('fc6', R, 12544, 1024, 8),
  fc7: denseCase('fc7', R, 1024, 1024, 1),
  res2conv3: conv1x1Case('res2conv3', [1, 80, 120, 64], 256, 1, true),
  res3down: conv1x1Case('res3down', [1, 80, 120, 256], 512, 2, false),
  res4conv1: conv1x1Case('res4conv1', [1, 20, 30, 1024], 256, 1, false),
  lateral2: conv1x1Case('lateral2', [1, 80, 120, 256], 256, 1, false),
  deconv: denseCase('deconv', 100 * 196, 128, 512, 1),
};

function timeOnce(run, inputs) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = tf.tidy(() => run(inputs));
  const data = out.dataSync();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000, out, data };
}

async function main() {
  const be = await e.initBackend('wasm', { threads: THREADS });
  console.log(`backend ${JSON.stringify(be)}; Node ${process.version}; tfjs ${tf.version_core}; rounds ${ROUNDS}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
  const results = [];
  for (const key of CASES) {
    const cs = cases[key];
    if (!cs) throw new Error(`unknown case ${key} (one of ${Object.keys(cases).join(', ')})`);
    const inputs = cs.inputs();
    const v = cs.variants;
    const ref = timeOnce(v[0].run, inputs);
    const diffs = v.map((vv, i) => {
      if (i === 0) return 0;
      const r = timeOnce(vv.run, inputs);
      if (r.out.shape.join() !== ref.out.shape.join()) throw new Error(`${key}/${vv.name}: shape ${r.out.shape} vs ${ref.out.shape}`);
      let d = 0;
      for (let j = 0; j < r.data.length; j++) d = Math.max(d, Math.abs(r.data[j] - ref.data[j]));
      r.out.dispose();
      return d;
    });
    ref.out.dispose();
    const wall = v.map(() => []); const cpu = v.map(() => []); const rw = v.map(() => []); const rc = v.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      const got = [];
      for (const i of v.map((_, j) => (j + round) % v.length)) { const r = timeOnce(v[i].run, inputs); r.out.dispose(); got[i] = r; wall[i].push(r.wall); cpu[i].push(r.cpu); }
      for (let i = 0; i < v.length; i++) { rw[i].push(got[i].wall / got[0].wall); rc[i].push(got[i].cpu / got[0].cpu); }
    }
    tf.dispose(Object.values(inputs).flatMap((t) => (t && t.packed ? [t.packed] : t)).filter((t) => t instanceof tf.Tensor));
    const rows = v.map((vv, i) => ({
      variant: vv.name, wallMs: median(wall[i]), cpuMs: median(cpu[i]), ratioWall: median(rw[i]), ratioCpu: median(rc[i]),
      gflopsWall: cs.gflop / (median(wall[i]) / 1000), maxAbsDiff: diffs[i],
    }));
    results.push({ case: key, what: cs.what, gflop: cs.gflop, rows });
    console.log(`\n## ${key}: ${cs.what} (${cs.gflop.toFixed(2)} GFLOP), ${THREADS} thread(s)\n`);
    console.log('| variant | wall ms | CPU ms | wall / first | CPU / first | GFLOP/s (wall) | max abs diff |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      console.log(`| ${r.variant} | ${r.wallMs.toFixed(1)} | ${r.cpuMs.toFixed(0)} | ${r.ratioWall.toFixed(2)} | ${r.ratioCpu.toFixed(2)} | ${r.gflopsWall.toFixed(1)} | ${r.maxAbsDiff.toExponential(1)} |`);
    }
  }
  console.log(`\nload at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}; tensors left ${tf.memory().numTensors}`);
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify({ date: new Date().toISOString(), node: process.version, threads: THREADS, rounds: ROUNDS, load: os.loadavg(), results }, null, 1));
}

main().catch((err) => { console.error(err); process.exit(1); });
