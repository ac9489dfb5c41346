#!/usr/bin/env node
// The accuracy cost of Winograd F(4x4, 3x3) against F(2x2, 3x3) and tfjs's direct conv2d, all
// measured against a float64 direct convolution of the same float32 inputs: one conv of each shape
// the kernel plan runs by Winograd, with the full-size model's REAL weights (the bench's model.json)
// and half-normal inputs (post-relu activations) scaled like the layer's input, on tfjs-wasm.
// Reports max abs error, max abs error / max |y|, and RMS error / RMS y.
// Needs `npm run build` and the model.json (`npm run bench` makes it).
//   node benchmarks/levers/winograd_accuracy.mjs [--model model.json] [--json out.json]
import * as fs from 'node:fs';
import { tf, engine as e, model as m, opt } from './lever_cli.mjs';

const MODEL = opt('model', '.cache/bench/k1/tfjs_model/model.json');
const JSON_OUT = opt('json', undefined);

/** The convs: one per shape the plan runs by Winograd (input [N, H, W] of the 320x480 image). */
const CONVS = [
  ['backbone.body.layer1.0.conv2', [1, 80, 120]],
  ['backbone.body.layer2.1.conv2', [1, 40, 60]],
  ['backbone.body.layer3.1.conv2', [1, 20, 30]],
  ['backbone.fpn.layer_blocks.0', [1, 80, 120]],
  ['backbone.fpn.layer_blocks.1', [1, 40, 60]],
  ['rpn.head.conv', [1, 80, 120]],
  ['roi_heads.mask_head.mask_fcn1', [100, 14, 14]],
  ['roi_heads.mask_head.mask_fcn2', [100, 14, 14]],
];

/** Deterministic half-normal values (relu of N(0, 1)). */
function halfNormal(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  const u = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s + 0.5) / 2 ** 32; };
  for (let i = 0; i < n; i++) out[i] = Math.max(0, Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
  return out;
}

/** 3x3, stride 1, zero pad 1, NHWC x HWIO, in float64, + bias. */
function direct64(x, [n, h, w, ci], f, co, bias) {
  const out = new Float64Array(n * h * w * co);
  const acc = new Float64Array(co);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) {
    for (let o = 0; o < co; o++) acc[o] = bias[o];
    for (let ky = 0; ky < 3; ky++) {
      const iy = y + ky - 1;
      if (iy < 0 || iy >= h) continue;
      for (let kx = 0; kx < 3; kx++) {
        const ix = xx + kx - 1;
        if (ix < 0 || ix >= w) continue;
        const xo = ((b * h + iy) * w + ix) * ci;
        const fo = (ky * 3 + kx) * ci * co;
        for (let c = 0; c < ci; c++) {
          const v = x[xo + c];
          if (v === 0) continue;
          const fr = fo + c * co;
          for (let o = 0; o < co; o++) acc[o] += v * f[fr + o];
        }
      }
    }
    out.set(acc, ((b * h + y) * w + xx) * co);
  }
  return out;
}

function errors(y, ref) {
  let maxAbs = 0; let maxRef = 0; let se = 0; let sr = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = y[i] - ref[i];
    maxAbs = Math.max(maxAbs, Math.abs(d)); maxRef = Math.max(maxRef, Math.abs(ref[i]));
    se += d * d; sr += ref[i] * ref[i];
  }
  return { maxAbs, maxRel: maxAbs / maxRef, rmsRel: Math.sqrt(se / sr), maxRef };
}

async function main() {
  await e.initBackend('wasm', { threads: 2 });
  const { weights } = await m.loadWeights(MODEL);
  const rows = [];
  console.log('| conv | input | max \\|y\\| | direct conv2d: max abs / max rel / rms rel | F(2x2) | F(4x4) |');
  console.log('|---|---|---:|---|---|---|');
  CONVS.forEach(([name, [n, h, w]], i) => {
    const filter = weights[`${name}.weight`];
    const [, , cin, cout] = filter.shape;
    const g = filter.dataSync();
    const bias = weights[`${name}.bias`];
    const xs = halfNormal(n * h * w * cin, 17 + i);
    const x = tf.tensor4d(xs, [n, h, w, cin]);
    const ref = direct64(xs, [n, h, w, cin], g, cout, bias.dataSync());
    const run = (f) => { const t = f(); const v = t.dataSync(); t.dispose(); return v; };
    const p2 = e.winogradPackedFilter(g, cin, cout, 2);
    const p4 = e.winogradPackedFilter(g, cin, cout, 4);
    const r = {
      conv: name, input: [n, h, w, cin], cout,
      direct: errors(run(() => tf.add(tf.conv2d(x, filter, 1, 1), bias)), ref),
      f2: errors(run(() => e.winogradConv2d(x, p2, { bias })), ref),
      f4: errors(run(() => e.winogradConv2d(x, p4, { bias })), ref),
    };
    tf.dispose([x, p2.packed, p4.packed]);
    rows.push(r);
    const fmt = (q) => `${q.maxAbs.toExponential(1)} / ${q.maxRel.toExponential(1)} / ${q.rmsRel.toExponential(1)}`;
    console.log(`| ${name} | [${r.input}] → ${cout} | ${r.direct.maxRef.toFixed(1)} | ${fmt(r.direct)} | ${fmt(r.f2)} | ${fmt(r.f4)} |`);
  });
  tf.dispose(Object.values(weights));
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify({ date: new Date().toISOString(), model: MODEL, rows }, null, 1));
}

main().catch((err) => { console.error(err); process.exit(1); });
