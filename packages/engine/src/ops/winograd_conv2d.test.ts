/**
 * Winograd F(2x2, 3x3) convolution on every registered backend that runs in Node (cpu, wasm): against
 * a float64 direct convolution written here, against tf.conv2d, chunked against unchunked, argument
 * errors and tensor leaks. The transform kernels themselves are in the kernel suite
 * (__tests__/kernel_suite.ts: against the TypeScript reference, bit for bit).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backends';
import { EngineArgumentError } from '../errors';
import { runsIn } from '../registry/environment';
import { registeredBackends } from '../registry/registry';
import { winogradConv2d, winogradFilter, winogradFilterValues, winogradPackedFilter, winogradPackedSupported, winogradSupported } from './winograd_conv2d';
import { values } from '../__tests__/values';

/** 3x3, stride 1, zero pad 1, NHWC x HWIO, in float64, + bias, relu. */
function directConv(x: Float32Array, [n, h, w, ci]: number[], f: Float32Array, co: number, bias: Float32Array, relu: boolean): Float64Array {
  const out = new Float64Array(n * h * w * co);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let o = 0; o < co; o++) {
    let s = bias[o];
    for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
      const iy = y + ky - 1;
      const ix = xx + kx - 1;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      for (let c = 0; c < ci; c++) s += x[((b * h + iy) * w + ix) * ci + c] * f[((ky * 3 + kx) * ci + c) * co + o];
    }
    out[((b * h + y) * w + xx) * co + o] = relu && s < 0 ? 0 : s;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** [N, H, W, Cin, Cout]: odd sizes, 1x1 maps, batches, channel counts that are not multiples of 4. */
const SHAPES = [[1, 8, 12, 8, 16], [2, 7, 5, 6, 4], [3, 1, 1, 4, 4], [1, 3, 2, 3, 5], [4, 14, 14, 16, 8]];

describe('winogradFilterValues', () => {
  it('hand case: a centre tap of 1 gives U = G[:,1] G[:,1]t with G[:,1] = [0, 1/2, -1/2, 0]', () => {
    const g = new Float32Array(9);
    g[4] = 1;
    const col = [0, 0.5, -0.5, 0];
    const u = winogradFilterValues(g, 1, 1).map((m) => m[0]);
    expect(u).toEqual(col.flatMap((a) => col.map((b) => a * b + 0))); // + 0: no negative zeros
  });

  it('a corner tap g[0][0] = 2 lands on U[0][0] = 2 alone among the border positions', () => {
    const g = new Float32Array(9);
    g[0] = 2;
    const u = winogradFilterValues(g, 1, 1).map((m) => m[0]);
    expect(u[0]).toBe(2);
    expect([u[3], u[12], u[15]]).toEqual([0, 0, 0]);
    expect(u[5]).toBeCloseTo(0.5, 12);
  });
});

/** Every backend that runs here has the transform kernels (the kernel suite checks plans against kernels). */
const NODE_BACKENDS = registeredBackends().filter((e) => runsIn(e, 'node')).map((e) => e.name);

describe.each(NODE_BACKENDS)('winogradConv2d on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
    expect(winogradSupported()).toBe(true);
  });

  it.each(SHAPES)('equals a float64 direct conv within 2e-6 relative (N=%i H=%i W=%i Cin=%i Cout=%i)', (n, h, w, ci, co) => {
    const xs = values(n * h * w * ci, 1 + n + h);
    const fs = values(9 * ci * co, 2 + w);
    const bs = values(co, 3);
    const before = tf.memory().numTensors;
    const x = tf.tensor4d(xs, [n, h, w, ci]);
    const filter = tf.tensor4d(fs, [3, 3, ci, co]);
    const bias = tf.tensor1d(bs);
    const u = winogradFilter(filter);
    const y = winogradConv2d(x, u, { bias, activation: 'relu' });
    const direct = tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', bias, activation: 'relu' });
    expect(y.shape).toEqual([n, h, w, co]);
    const exact = directConv(xs, [n, h, w, ci], fs, co, bs, true);
    const scale = Math.max(1, ...Array.from(exact, Math.abs));
    const errWino = maxAbsDiff(y.dataSync(), exact) / scale;
    const errDirect = maxAbsDiff(direct.dataSync(), exact) / scale;
    expect(errWino).toBeLessThan(2e-6);
    expect(errDirect).toBeLessThan(2e-6);
    expect(Array.from(y.dataSync()).some((v) => v > 0)).toBe(true);
    tf.dispose([x, filter, bias, ...u, y, direct]);
    expect(tf.memory().numTensors).toBe(before);
  });

  // measured (cpu and wasm alike): F(2x2) packed 2.2e-7 relative, F(4x4) 2.7e-6 (its transforms'
  // larger constants lose more in float32)
  it.each(SHAPES.flatMap((s) => [[2, ...s], [4, ...s]]))('packed F(%ix%i) on the PackedGemm kernel equals a float64 direct conv within 1e-5 relative (N=%i H=%i W=%i Cin=%i Cout=%i)',
    (tile, n, h, w, ci, co) => {
      expect(winogradPackedSupported()).toBe(true);
      const xs = values(n * h * w * ci, 1 + n + h);
      const fs = values(9 * ci * co, 2 + w);
      const bs = values(co, 3);
      const before = tf.memory().numTensors;
      const x = tf.tensor4d(xs, [n, h, w, ci]);
      const bias = tf.tensor1d(bs);
      const u = winogradPackedFilter(fs, ci, co, tile as 2 | 4);
      const y = winogradConv2d(x, u, { bias, activation: 'relu' });
      expect(y.shape).toEqual([n, h, w, co]);
      const exact = directConv(xs, [n, h, w, ci], fs, co, bs, true);
      const scale = Math.max(1, ...Array.from(exact, Math.abs));
      expect(maxAbsDiff(y.dataSync(), exact) / scale).toBeLessThan(tile === 2 ? 2e-6 : 1e-5);
      tf.dispose([x, bias, u.packed, y]);
      expect(tf.memory().numTensors).toBe(before);
    });

  it('hand case: a 2x2 map of ones, a filter of ones, no bias → every output sums its 4 neighbours', () => {
    const x = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
    const u = winogradFilter(tf.ones([3, 3, 1, 1]) as tf.Tensor4D);
    const y = winogradConv2d(x, u);
    expect(Array.from(y.dataSync())).toEqual([4, 4, 4, 4]);
    tf.dispose([x, ...u, y]);
  });

  it('chunking over the batch gives the same values bit for bit', () => {
    const x = tf.tensor4d(values(5 * 6 * 6 * 8, 9), [5, 6, 6, 8]);
    const u = winogradFilter(tf.tensor4d(values(9 * 8 * 4, 10), [3, 3, 8, 4]));
    const whole = winogradConv2d(x, u, { activation: 'relu' });
    const chunked = winogradConv2d(x, u, { activation: 'relu', maxTransientBytes: 1 });
    expect(Array.from(chunked.dataSync())).toEqual(Array.from(whole.dataSync()));
    tf.dispose([x, ...u, whole, chunked]);
  });

  it('rejects bad arguments with EngineArgumentError', () => {
    const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const u = winogradFilter(tf.zeros([3, 3, 3, 2]) as tf.Tensor4D);
    const five = tf.zeros([5, 5, 3, 2]) as tf.Tensor4D;
    try {
      expect(() => winogradConv2d(x, u.slice(0, 15))).toThrow(EngineArgumentError);
      expect(() => winogradConv2d(tf.zeros([1, 4, 4, 2]) as tf.Tensor4D, u)).toThrow(/u takes 3 input channels, x has 2 channels/);
      expect(() => winogradConv2d(x, u, { bias: tf.zeros([3]) as tf.Tensor1D })).toThrow(/bias must be \[2\]/);
      expect(() => winogradFilter(five)).toThrow(/\[3, 3, in, out\]/);
    } finally {
      tf.dispose([x, ...u, five]);
    }
  });
});
