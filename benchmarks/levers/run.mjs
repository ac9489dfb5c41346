#!/usr/bin/env node
// RoI-head levers on tfjs-backend-wasm (SIMD, 1 thread), full size, random weights, ONE process.
// Each case runs its variants round-robin (order rotated every round) so a shared machine's load
// falls on all of them alike; every variant's output is read back and checked against the current
// implementation (first variant). Reports wall time and process CPU time, as medians and as ratios
// to the current implementation. Needs `npm run build` (reads packages/engine/dist).
//   node benchmarks/levers/run.mjs [--rounds 5] [--cases fc6,fc7,maskconv,deconv,logits,maskhead] [--json out.json]
import * as fs from 'node:fs';
import * as os from 'node:os';
import { tf, engine, opt, median } from './lever_cli.mjs';

const ROUNDS = Number(opt('rounds', '5'));
const CASES = opt('cases', 'fc6,fc7,maskconv,deconv,logits,maskhead').split(',');
const JSON_OUT = opt('json', undefined);

const R = 1000; // box-head RoIs
const N = 100; // mask-head rows
const rnd = (shape, scale) => tf.randomUniform(shape, -scale, scale, 'float32', 7);

/** Cases: { name, gflop, inputs(), variants: [{ name, run(inputs) → Tensor }] } (first = current). */
function boxFc(name, rows, s, cin, cout) {
  return {
    name, gflop: (2 * rows * s * s * cin * cout) / 1e9,
    what: `${rows} x ${s}x${s}x${cin} → ${cout}, bias + relu`,
    inputs: () => {
      const x = rnd([rows, s, s, cin], 1);
      const w = rnd([s * s * cin, cout], 1 / Math.sqrt(s * s * cin));
      const b = rnd([cout], 0.1);
      return { x, w, w4: tf.reshape(w, [s, s, cin, cout]), w1: tf.reshape(w, [1, 1, s * s * cin, cout]), b };
    },
    variants: [
      { name: 'fused.matMul [R,K]x[K,O] (current)', run: ({ x, w, b }) => tf.fused.matMul({ a: tf.reshape(x, [rows, s * s * cin]), b: w, bias: b, activation: 'relu' }) },
      { name: 'matMul + add + relu', run: ({ x, w, b }) => tf.relu(tf.add(tf.matMul(tf.reshape(x, [rows, s * s * cin]), w), b)) },
      ...(s > 1 ? [{ name: `fused.conv2d ${s}x${s} VALID on [R,${s},${s},C]`, run: ({ x, w4, b }) => tf.reshape(tf.fused.conv2d({ x, filter: w4, strides: 1, pad: 'valid', bias: b, activation: 'relu' }), [rows, cout]) }] : []),
      ...[2, 7, 14].filter((k) => (s * s * cin) % k === 0 && s > 1).map((k) => ({
        name: `matMul with K split in ${k} slices (slices included), bias + relu on the sum`,
        run: ({ x, w, b }) => {
          const kk = (s * s * cin) / k;
          const x2 = tf.reshape(x, [rows, s * s * cin]);
          const parts = [];
          for (let j = 0; j < k; j++) parts.push(tf.matMul(tf.slice(x2, [0, j * kk], [rows, kk]), tf.slice(w, [j * kk, 0], [kk, cout])));
          return tf.relu(tf.add(tf.addN(parts), b));
        },
      })),
      { name: 'fused.conv2d 1x1 on [1,R,1,K]', run: ({ x, w1, b }) => tf.reshape(tf.fused.conv2d({ x: tf.reshape(x, [1, rows, 1, s * s * cin]), filter: w1, strides: 1, pad: 'valid', bias: b, activation: 'relu' }), [rows, cout]) },
    ],
  };
}

const cases = {
  fc6: boxFc('fc6', R, 7, 256, 1024),
  fc7: boxFc('fc7', R, 1, 1024, 1024),
  maskconv: {
    name: 'maskconv', gflop: (2 * N * 196 * 128 * 9 * (256 + 3 * 128)) / 1e9,
    what: `4 x 3x3 conv pad 1 + relu on [${N},14,14,C] (256→128, then 128→128)`,
    inputs: () => {
      const x = rnd([N, 14, 14, 256], 1);
      const ws = [256, 128, 128, 128].map((c) => rnd([3, 3, c, 128], 1 / Math.sqrt(9 * c)));
      const bs = ws.map(() => rnd([128], 0.1));
      return { x, ws, bs };
    },
    variants: [
      { name: 'fused.conv2d bias+relu (current)', run: ({ x, ws, bs }) => ws.reduce((h, w, i) => tf.fused.conv2d({ x: h, filter: w, strides: 1, pad: 1, bias: bs[i], activation: 'relu' }), x) },
      { name: 'conv2d + add + relu', run: ({ x, ws, bs }) => ws.reduce((h, w, i) => tf.relu(tf.add(tf.conv2d(h, w, 1, 1), bs[i])), x) },
    ],
  },
  deconv: {
    name: 'deconv', gflop: (2 * N * 196 * 128 * 4 * 128) / 1e9,
    what: `ConvTranspose 2x2 stride 2 + bias + relu, [${N},14,14,128] → [${N},28,28,128]`,
    inputs: () => {
      const x = tf.relu(rnd([N, 14, 14, 128], 1));
      const f = rnd([2, 2, 128, 128], 1 / Math.sqrt(128)); // [kh, kw, out, in] as tfjs conv2dTranspose
      const b = rnd([128], 0.1);
      // 1x1 conv weight [1,1,in, (kh,kw,out)] so that depthToSpace(2) puts (kh,kw) on the grid.
      const f1 = tf.reshape(tf.transpose(f, [3, 0, 1, 2]), [1, 1, 128, 4 * 128]);
      const b4 = tf.tile(b, [4]);
      return { x, f, b, f1, b4, fm: tf.reshape(tf.transpose(f, [3, 0, 1, 2]), [128, 4 * 128]) };
    },
    variants: [
      { name: 'conv2dTranspose + add + relu (current)', run: ({ x, f, b }) => tf.relu(tf.add(tf.conv2dTranspose(x, f, [N, 28, 28, 128], [2, 2], 'valid'), b)) },
      { name: 'fused 1x1 conv → 4C (bias+relu) + depthToSpace', run: ({ x, f1, b4 }) => tf.depthToSpace(tf.fused.conv2d({ x, filter: f1, strides: 1, pad: 'valid', bias: b4, activation: 'relu' }), 2) },
      { name: 'fused.matMul → 4C + reshape/transpose', run: ({ x, fm, b4 }) => {
        const y = tf.fused.matMul({ a: tf.reshape(x, [N * 196, 128]), b: fm, bias: b4, activation: 'relu' });
        return tf.reshape(tf.transpose(tf.reshape(y, [N, 14, 14, 2, 2, 128]), [0, 1, 3, 2, 4, 5]), [N, 28, 28, 128]);
      } },
    ],
  },
  logits: {
    name: 'logits', gflop: (2 * N * 784 * 128 * 81) / 1e9,
    what: `1x1 conv 128 → 81 + bias, sigmoid, NHWC → NCHW on [${N},28,28,128]`,
    inputs: () => ({ x: tf.relu(rnd([N, 28, 28, 128], 1)), w: rnd([1, 1, 128, 81], 1 / Math.sqrt(128)), b: rnd([81], 0.1) }),
    variants: [
      { name: 'fused.conv2d + sigmoid + transpose (current)', run: ({ x, w, b }) => tf.transpose(tf.sigmoid(tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'valid', bias: b })), [0, 3, 1, 2]) },
      { name: 'fused.conv2d activation sigmoid + transpose', run: ({ x, w, b }) => tf.transpose(tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'valid', bias: b, activation: 'sigmoid' }), [0, 3, 1, 2]) },
      { name: 'fused.matMul [N*784,128]x[128,81] + sigmoid + transpose', run: ({ x, w, b }) => tf.transpose(tf.reshape(tf.sigmoid(tf.fused.matMul({ a: tf.reshape(x, [N * 784, 128]), b: tf.reshape(w, [128, 81]), bias: b })), [N, 28, 28, 81]), [0, 3, 1, 2]) },
    ],
  },
};

// The whole mask head's layers (RoI features in), before vs after the applied levers.
cases.maskhead = {
  name: 'maskhead', gflop: cases.maskconv.gflop + cases.deconv.gflop + cases.logits.gflop,
  what: `the mask head's layers on [${N},14,14,256]: 4 convs, deconv, 1x1 → 81, sigmoid, → NCHW`,
  inputs: () => {
    const a = cases.maskconv.inputs();
    const d = cases.deconv.inputs();
    const l = cases.logits.inputs();
    return { conv: a, dec: d, log: l };
  },
  variants: [0, 1].map((k) => ({
    name: k === 0 ? 'conv2dTranspose, separate sigmoid (before the levers)' : 'deconv as fused matMul, fused sigmoid (now in mask.ts)',
    run: ({ conv, dec, log }) => {
      const h = cases.maskconv.variants[0].run(conv);
      const d = cases.deconv.variants[k === 0 ? 0 : 2].run({ ...dec, x: h });
      return cases.logits.variants[k === 0 ? 0 : 1].run({ ...log, x: d });
    },
  })),
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
  const be = await engine.initBackend('wasm', { threads: 1 });
  console.log(`backend ${JSON.stringify(be)}; Node ${process.version}; tfjs ${tf.version_core}; rounds ${ROUNDS}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
  const results = [];
  for (const key of CASES) {
    const cs = cases[key];
    if (!cs) throw new Error(`unknown case ${key} (one of ${Object.keys(cases).join(', ')})`);
    const inputs = tf.tidy(() => cs.inputs());
    const v = cs.variants;
    // Exactness and warm-up: one run each, compared to the current implementation.
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
    const wall = v.map(() => []);
    const cpu = v.map(() => []);
    const ratioWall = v.map(() => []);
    const ratioCpu = v.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      const order = v.map((_, i) => (i + round) % v.length);
      const got = [];
      for (const i of order) { const r = timeOnce(v[i].run, inputs); r.out.dispose(); got[i] = r; wall[i].push(r.wall); cpu[i].push(r.cpu); }
      for (let i = 0; i < v.length; i++) { ratioWall[i].push(got[i].wall / got[0].wall); ratioCpu[i].push(got[i].cpu / got[0].cpu); }
    }
    tf.dispose(inputs);
    const rows = v.map((vv, i) => ({
      variant: vv.name, wallMs: median(wall[i]), cpuMs: median(cpu[i]),
      ratioWall: median(ratioWall[i]), ratioCpu: median(ratioCpu[i]),
      gflopsCpu: cs.gflop / (median(cpu[i]) / 1000), maxAbsDiff: diffs[i],
    }));
    results.push({ case: key, what: cs.what, gflop: cs.gflop, rows });
    console.log(`\n## ${key}: ${cs.what} (${cs.gflop.toFixed(2)} GFLOP)\n`);
    console.log('| variant | wall ms | CPU ms | wall / current | CPU / current | GFLOP/s (CPU) | max abs diff |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      console.log(`| ${r.variant} | ${r.wallMs.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.ratioWall.toFixed(2)} | ${r.ratioCpu.toFixed(2)} | ${r.gflopsCpu.toFixed(1)} | ${r.maxAbsDiff.toExponential(1)} |`);
    }
  }
  console.log(`\nload at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}; tensors left ${tf.memory().numTensors}`);
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify({ date: new Date().toISOString(), node: process.version, rounds: ROUNDS, load: os.loadavg(), results }, null, 1));
}

main().catch((e) => { console.error(e); process.exit(1); });
