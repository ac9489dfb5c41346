/**
 * 3x3 stride-1 pad-1 convolution by Winograd F(2x2, 3x3) (Lavin & Gray 2015): the input transform
 * kernel, one tfjs matMul per tile position (16), the output transform kernel with bias and relu.
 * 2.25x fewer multiplies than the direct convolution; on tfjs-wasm the 16 GEMMs run on XNNPACK's
 * thread pool (benchmarks/levers/wino_probe.mjs, benchmarks/README.md). Transforms use only ±1 and
 * the filter transform ±1/2 and ±1/4, so float32 results stay within a few ulps of direct convolution.
 * Kernels: cpu and wasm (`winogradSupported()`); webgl keeps tfjs's own conv2d.
 * Inputs are borrowed; returned tensors belong to the caller.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineArgumentError } from '../errors';
import {
  WINOGRAD_POSITIONS, WinogradInputTransform, WinogradOutputTransform, WinogradOutputTransformAttrs,
  winogradOutputTransformInputs,
} from '../kernel_names';
import { runEngineKernel } from './run_kernel';

function fail(op: string, message: string): never {
  throw new EngineArgumentError(`${op}: ${message}`);
}

/** True when the backend (default: the current one) has the transform kernels. */
export function winogradSupported(backendName: string = tf.getBackend()): boolean {
  return tf.getKernel(WinogradInputTransform, backendName) !== undefined
    && tf.getKernel(WinogradOutputTransform, backendName) !== undefined;
}

/**
 * The 16 transformed filters U_k [Cin, Cout] (k = 4i + j) of a 3x3 filter [3, 3, Cin, Cout] (HWIO).
 * Done once per weight, e.g. at model load, on the host (float64 sums of float32 taps, rounded
 * once), so the backend's memory sees only the 16 results (no temporaries on a wasm heap that
 * never shrinks).
 */
export function winogradFilter(filter: tf.Tensor4D): tf.Tensor2D[] {
  if (!(filter instanceof tf.Tensor) || filter.rank !== 4 || filter.shape[0] !== 3 || filter.shape[1] !== 3) {
    fail('winogradFilter', `filter must be [3, 3, in, out], got ${filter instanceof tf.Tensor ? `[${filter.shape}]` : typeof filter}`);
  }
  if (filter.dtype !== 'float32') fail('winogradFilter', `filter must be float32, got ${filter.dtype}`);
  const [, , cin, cout] = filter.shape;
  return winogradFilterValues(filter.dataSync() as Float32Array, cin, cout).map((u) => tf.tensor2d(u, [cin, cout]));
}

/**
 * winogradFilter on values: g [3, 3, cin, cout] → 16 arrays [cin, cout]. Separable, as G g Gt:
 * rows first (t = G g, 4x3), then columns (U = t Gt), in float64, rounded once to float32.
 */
export function winogradFilterValues(g: Float32Array, cin: number, cout: number): Float32Array[] {
  const n = cin * cout;
  const out = Array.from({ length: WINOGRAD_POSITIONS }, () => new Float32Array(n));
  const t = new Float64Array(12);
  for (let e = 0; e < n; e++) {
    for (let b = 0; b < 3; b++) { // t = G g: G's rows are [1 0 0], [.5 .5 .5], [.5 -.5 .5], [0 0 1]
      const g0 = g[b * n + e];
      const g1 = g[(3 + b) * n + e];
      const g2 = g[(6 + b) * n + e];
      t[b] = g0;
      t[3 + b] = 0.5 * (g0 + g1 + g2);
      t[6 + b] = 0.5 * (g0 - g1 + g2);
      t[9 + b] = g2;
    }
    for (let i = 0; i < 4; i++) { // U = t Gt
      const t0 = t[3 * i];
      const t1 = t[3 * i + 1];
      const t2 = t[3 * i + 2];
      out[4 * i][e] = t0;
      out[4 * i + 1][e] = 0.5 * (t0 + t1 + t2);
      out[4 * i + 2][e] = 0.5 * (t0 - t1 + t2);
      out[4 * i + 3][e] = t2;
    }
  }
  return out;
}

export interface WinogradConvOptions {
  bias?: tf.Tensor1D;
  activation?: 'linear' | 'relu';
  /**
   * Upper bound on the transient matrices (transformed inputs + the 16 products). The transformed
   * inputs are made in 1, 2, 4, 8 or 16 groups of tile positions (each group's GEMMs run before
   * the next is made) so that one group plus the products fit; a batch whose products alone do not
   * fit runs in chunks of whole images. Default 64 MiB: 100 mask-head RoIs of 14x14, 256 → 128
   * channels take 4 groups (20 + 40 MB) and no chunks, which cost more (slices, concat, 4x the GEMM
   * set-ups: benchmarks/levers/README.md).
   */
  maxTransientBytes?: number;
}

const DEFAULT_MAX_TRANSIENT_BYTES = 80 * 2 ** 20;

function runChunk(x: tf.Tensor4D, u: readonly tf.Tensor2D[], opts: WinogradConvOptions, groups: number): tf.Tensor4D {
  return tf.tidy(() => {
    const products: tf.Tensor2D[] = [];
    const per = WINOGRAD_POSITIONS / groups;
    for (let g = 0; g < groups; g++) {
      const v = runEngineKernel(WinogradInputTransform, { x }, { firstPosition: g * per, numPositions: per });
      v.forEach((vk, i) => {
        products.push(tf.matMul(vk, u[g * per + i]));
        vk.dispose(); // the peak stays at one group of inputs + the products
      });
    }
    const attrs: WinogradOutputTransformAttrs = { height: x.shape[1], width: x.shape[2], activation: opts.activation ?? 'linear' };
    return runEngineKernel(WinogradOutputTransform, winogradOutputTransformInputs<tf.Tensor>(products, opts.bias), { ...attrs });
  });
}

/** conv2d(x, filter, 1, 'same') + bias (+ relu) with u = winogradFilter(filter); x [N, H, W, Cin] float32. */
export function winogradConv2d(x: tf.Tensor4D, u: readonly tf.Tensor2D[], opts: WinogradConvOptions = {}): tf.Tensor4D {
  const op = 'winogradConv2d';
  if (!(x instanceof tf.Tensor) || x.rank !== 4 || x.dtype !== 'float32') fail(op, 'x must be a float32 [N, H, W, C] tensor');
  if (u.length !== WINOGRAD_POSITIONS) fail(op, `u must hold ${WINOGRAD_POSITIONS} matrices (winogradFilter), got ${u.length}`);
  const [n, h, w, cin] = x.shape;
  const [uin, cout] = u[0].shape;
  if (u.some((m) => m.rank !== 2 || m.shape[0] !== uin || m.shape[1] !== cout)) fail(op, `u must be ${WINOGRAD_POSITIONS} matrices of one shape [in, out]`);
  if (uin !== cin) fail(op, `u takes ${uin} input channels, x has ${cin} channels`);
  if (opts.bias && (opts.bias.rank !== 1 || opts.bias.shape[0] !== cout)) fail(op, `bias must be [${cout}]`);
  if (!winogradSupported()) fail(op, `no Winograd kernels on backend '${tf.getBackend()}' (cpu and wasm have them)`);
  const budget = opts.maxTransientBytes ?? DEFAULT_MAX_TRANSIENT_BYTES;
  const tileBytes = Math.ceil(h / 2) * Math.ceil(w / 2) * 4; // one position's matrix row per image and channel
  const bytes = (images: number, groups: number): number => images * tileBytes * WINOGRAD_POSITIONS * (cin / groups + cout);
  let chunk = n;
  while (chunk > 1 && bytes(chunk, WINOGRAD_POSITIONS) > budget) chunk = Math.ceil(chunk / 2);
  let groups = 1;
  while (groups < WINOGRAD_POSITIONS && bytes(chunk, groups) > budget) groups *= 2;
  if (chunk === n) return runChunk(x, u, opts, groups);
  return tf.tidy(() => {
    const parts: tf.Tensor4D[] = [];
    for (let b = 0; b < n; b += chunk) {
      const xs = tf.slice(x, [b, 0, 0, 0], [Math.min(chunk, n - b), h, w, cin]);
      parts.push(runChunk(xs, u, opts, groups));
      xs.dispose();
    }
    return tf.concat(parts, 0);
  });
}
