// Probe: is a Winograd F(2x2,3x3) GEMM (16 matMuls) faster than XNNPACK's direct 3x3 conv on wasm 2 threads?
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs-core');
const { initBackend } = require('../../packages/engine/dist/index.js');
const threads = Number(process.argv[2] || 2);
await initBackend('wasm', { threads });
const rnd = (shape, s) => tf.randomUniform(shape, -s, s, 'float32', 7);
function time(name, f, n = 5) {
  for (let i = 0; i < 2; i++) tf.tidy(() => { const r = f(); void r; });
  const ts = [];
  for (let i = 0; i < n; i++) { const t0 = performance.now(); tf.tidy(() => { const r = f(); void r; }); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b); console.log(name.padEnd(60), ts[n >> 1].toFixed(1), 'ms'); return ts[n >> 1];
}
function convCase(name, shape, cout) {
  const [N, H, W, C] = shape;
  const x = rnd(shape, 1), w = rnd([3, 3, C, cout], 0.05), b = rnd([cout], 0.1);
  const T = N * Math.ceil(H / 2) * Math.ceil(W / 2);
  const a = Array.from({ length: 16 }, () => rnd([T, C], 1)), u = Array.from({ length: 16 }, () => rnd([C, cout], 0.05));
  const gf = 2 * N * H * W * C * cout * 9 / 1e9;
  const td = time(`${name} direct conv (${gf.toFixed(2)} GFLOP)`, () => tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias: b, activation: 'relu' }));
  const tw = time(`${name} 16 matMuls [${T},${C}]x[${C},${cout}]`, () => a.map((ai, k) => tf.matMul(ai, u[k])));
  console.log(`  ratio gemm/direct ${(tw / td).toFixed(2)}`);
}
convCase('fpn P2', [1, 80, 120, 256], 256);
convCase('res4', [1, 20, 30, 256], 256);
convCase('res5', [1, 10, 15, 512], 512);
convCase('mask 128', [100, 14, 14, 128], 128);
convCase('mask 256', [100, 14, 14, 256], 128);
{
  const x = rnd([1000, 12544], 1), w = rnd([12544, 1024], 0.01), b = rnd([1024], 0.1);
  const ws = [4, 8, 16].map((k) => Array.from({ length: k }, (_, j) => tf.slice(w, [0, j * 1024 / k], [12544, 1024 / k])));
  const bs = [4, 8, 16].map((k) => Array.from({ length: k }, (_, j) => tf.slice(b, [j * 1024 / k], [1024 / k])));
  time('fc6 fused matMul', () => tf.fused.matMul({ a: x, b: w, bias: b, activation: 'relu' }), 3);
  [4, 8, 16].forEach((k, i) => time(`fc6 N-split ${k} + concat`, () => tf.concat(ws[i].map((wj, j) => tf.fused.matMul({ a: x, b: wj, bias: bs[i][j], activation: 'relu' })), 1), 3));
  /*.map((k) => Array.from({ length: k }, (_, j) => tf.slice(x, [j * 1000 / k, 0], [1000 / k, 12544])));
  [2, 4].forEach((k, i) => time(`fc6 */
}
