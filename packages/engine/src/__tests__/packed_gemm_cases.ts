/**
 * Cases for the PackedGemm kernel's tests (packed_gemm.test.ts: cpu and wasm 1 thread;
 * packed_gemm.threaded.test.ts: wasm 2 threads, the helper threads): dense layers, 1x1 convs at
 * stride 1 and 2 with a residual, a batch of GEMMs; sizes off the micro-kernel's 4x8 tile and off
 * the K block. The reference is a float64 loop over the same float32 inputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { packedGemm, packedGemmWeights, packedGemmWeightsBatch } from '../ops/packed_gemm';
import { values } from './values';

export interface GemmCase {
  name: string;
  /** x [..., K] */
  xShape: number[];
  k: number;
  n: number;
  stride: number;
  bias: boolean;
  residual: boolean;
  relu: boolean;
  /** G > 1: a batch of G GEMMs, x [G, M, K] */
  batch: number;
}

export const GEMM_CASES: GemmCase[] = [
  { name: 'dense [37, 300] x [300, 70] + bias, relu', xShape: [37, 300], k: 300, n: 70, stride: 1, bias: true, residual: false, relu: true, batch: 1 },
  { name: 'dense [5, 1030] x [1030, 9], linear, no bias (K past one block)', xShape: [5, 1030], k: 1030, n: 9, stride: 1, bias: false, residual: false, relu: false, batch: 1 },
  { name: '1x1 conv [2, 9, 11, 24] → 40 + bias + residual, relu', xShape: [2, 9, 11, 24], k: 24, n: 40, stride: 1, bias: true, residual: true, relu: true, batch: 1 },
  { name: '1x1 conv [1, 9, 11, 16] → 12, stride 2, + bias', xShape: [1, 9, 11, 16], k: 16, n: 12, stride: 2, bias: true, residual: false, relu: false, batch: 1 },
  { name: 'batch of 3: [3, 17, 20] x [20, 13] + bias, relu', xShape: [3, 17, 20], k: 20, n: 13, stride: 1, bias: true, residual: false, relu: true, batch: 3 },
];

export interface GemmResult { got: Float32Array; want: Float64Array; shape: number[]; wantShape: number[]; leaked: number }

/** Runs one case on the current backend and computes the float64 reference. */
export function runGemmCase(c: GemmCase, seed = 1): GemmResult {
  const x = values(c.xShape.reduce((a, b) => a * b, 1), seed);
  const ws = Array.from({ length: c.batch }, (_, g) => values(c.k * c.n, seed + 10 + g));
  const b = c.bias ? values(c.n, seed + 20) : undefined;
  // geometry: rows of x used, and the output shape
  let outShape: number[];
  let rows: number[]; // per output row: the x row it reads
  if (c.xShape.length === 4) {
    const [nb, h, w] = c.xShape;
    const ho = Math.ceil(h / c.stride); const wo = Math.ceil(w / c.stride);
    outShape = [nb, ho, wo, c.n];
    rows = [];
    for (let i = 0; i < nb; i++) for (let y = 0; y < ho; y++) for (let xx = 0; xx < wo; xx++) rows.push((i * h + y * c.stride) * w + xx * c.stride);
  } else {
    outShape = [...c.xShape.slice(0, -1), c.n];
    rows = Array.from({ length: c.xShape.slice(0, -1).reduce((a, v) => a * v, 1) }, (_, i) => i);
  }
  const perBatch = rows.length / c.batch;
  const residual = c.residual ? values(rows.length * c.n, seed + 30) : undefined;
  const want = new Float64Array(rows.length * c.n);
  rows.forEach((r, o) => {
    const g = Math.floor(o / perBatch);
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      for (let q = 0; q < c.k; q++) s += x[r * c.k + q] * ws[g][q * c.n + j];
      if (b) s += b[j];
      if (residual) s += residual[o * c.n + j];
      want[o * c.n + j] = c.relu ? Math.max(0, s) : s;
    }
  });
  const before = tf.memory().numTensors;
  const w = c.batch > 1 ? packedGemmWeightsBatch(ws, c.k, c.n) : packedGemmWeights(ws[0], c.k, c.n);
  const got = tf.tidy(() => {
    const opts = {
      bias: b ? tf.tensor1d(b) : undefined,
      residual: residual ? tf.tensor(residual, outShape) : undefined,
      activation: c.relu ? 'relu' as const : 'linear' as const,
      stride: c.stride,
    };
    const out = packedGemm(tf.tensor(x, c.xShape), w, opts);
    return { shape: out.shape, data: out.dataSync() as Float32Array };
  });
  w.packed.dispose();
  return { got: got.data, want, shape: got.shape, wantShape: outShape, leaked: tf.memory().numTensors - before };
}

/** max |got - want| / (1 + |want|) */
export function maxRelErr(got: Float32Array, want: Float64Array): number {
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return e;
}
