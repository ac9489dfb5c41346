/**
 * The PackedGemm kernel on tfjs's threaded wasm build with 2 threads: the caller plus one helper
 * thread of the engine's own (kernels/wasm/gemm_threads.ts, a worker_thread on the shared heap)
 * split the items; every case against the float64 loop, as packed_gemm.test.ts does on 1 thread,
 * and a large GEMM (many items for the helper to claim) equal to the cpu reference kernel's result
 * bit for bit; the packed Winograd convolutions, whose input and output transforms the same threads
 * split by tiles, equal to the cpu backend's (the TypeScript reference kernels) bit for bit.
 * The helper is unref'd: this file's process exits without closing anything.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backends';
import { packGemmWeights, packedGemmImpl } from '../kernels/cpu/packed_gemm_impl';
import { packedGemmGeometry } from '../packed_gemm_attrs';
import { GEMM_CASES, maxRelErr, runGemmCase } from '../__tests__/packed_gemm_cases';
import { values } from '../__tests__/values';
import { packedGemm, packedGemmWeights } from './packed_gemm';
import { winogradConv2d, winogradPackedFilter } from './winograd_conv2d';

beforeAll(async () => {
  const info = await initBackend('wasm', { threads: 2 });
  expect(info).toMatchObject({ backend: 'wasm', threads: 2, sharedMemory: true });
});

it.each(GEMM_CASES.map((c) => [c.name, c] as const))('2 threads: %s', (_name, c) => {
  const r = runGemmCase(c);
  expect(r.leaked).toBe(0);
  expect(r.shape).toEqual(r.wantShape);
  expect(maxRelErr(r.got, r.want)).toBeLessThan(1e-5);
});

it('2 threads: a [512, 640] x [640, 256] GEMM + bias, relu equals the 1-thread reference kernel bit for bit', () => {
  const [m, k, n] = [512, 640, 256];
  const x = values(m * k, 3); const w = values(k * n, 4); const b = values(n, 5);
  const before = tf.memory().numTensors;
  const pw = packedGemmWeights(w, k, n);
  const got = tf.tidy(() => packedGemm(tf.tensor2d(x, [m, k]), pw, { bias: tf.tensor1d(b), activation: 'relu' }).dataSync() as Float32Array);
  pw.packed.dispose();
  expect(tf.memory().numTensors).toBe(before);
  const ref = referenceKernel(x, packGemmWeights(w, k, n), b, m, k, n);
  let diff = 0;
  for (let i = 0; i < ref.length; i++) diff = Math.max(diff, Math.abs(got[i] - ref[i]));
  expect(diff).toBe(0);
});

it.each([[2, 2], [4, 4]])('2 threads: packed F(%ix%i) with its transforms split by tiles equals the cpu backend bit for bit', async (tile) => {
  const [n, h, w, ci, co] = [3, 29, 37, 20, 24]; // 3 x 15 x 19 / 3 x 8 x 10 tiles: many items per thread
  const xs = values(n * h * w * ci, 7); const fs = values(9 * ci * co, 8); const bs = values(co, 9);
  const conv = (): Float32Array => {
    const before = tf.memory().numTensors;
    const u = winogradPackedFilter(fs, ci, co, tile as 2 | 4);
    const y = tf.tidy(() => winogradConv2d(tf.tensor4d(xs, [n, h, w, ci]), u, { bias: tf.tensor1d(bs), activation: 'relu' }).dataSync() as Float32Array);
    u.packed.dispose();
    expect(tf.memory().numTensors).toBe(before);
    return y;
  };
  const got = conv();
  await initBackend('cpu');
  try {
    const want = conv();
    expect(got.length).toBe(want.length);
    let diff = 0;
    for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(got[i] - want[i]));
    expect(diff).toBe(0);
  } finally {
    await tf.setBackend('wasm');
  }
});

/** The TypeScript reference kernel (the cpu backend's PackedGemm) on the same inputs. */
function referenceKernel(x: Float32Array, packed: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const g = packedGemmGeometry([m, k], [packed.length], { n, stride: 1, activation: 'relu' }, [n]);
  return packedGemmImpl(x, packed, g, true, b);
}
