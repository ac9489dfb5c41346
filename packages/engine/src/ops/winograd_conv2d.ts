/**
 * 3x3 stride-1 pad-1 convolution by Winograd (Lavin & Gray 2015), two ways by the filters given:
 * - 16 tensors [Cin, Cout] (`winogradFilter`): F(2x2, 3x3) as the input transform kernel, one tfjs
 *   matMul per tile position (16), the output transform kernel with bias and relu; on tfjs-wasm the
 *   16 GEMMs run on XNNPACK's thread pool;
 * - packed filters (`winogradPackedFilter`, F(2x2) or F(4x4, 3x3)): the stacked input transform
 *   [P, T, Cin], ONE batched PackedGemm with the P filters packed at load, the stacked output
 *   transform. F(4x4) does 4x fewer multiplies than the direct convolution (F(2x2): 2.25x) with
 *   larger transform constants, hence larger float32 rounding (benchmarks/levers/README.md).
 * F(2x2)'s transforms use only ±1 and its filter transform ±1/2 and ±1/4, so its float32 results
 * stay within a few ulps of direct convolution. Kernels: cpu and wasm (`winogradSupported()`,
 * `winogradPackedSupported()`); webgl keeps tfjs's own conv2d.
 * Inputs are borrowed; returned tensors belong to the caller.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineArgumentError } from '../errors';
import {
  PackedGemm, WINOGRAD_POSITIONS, WinogradInputTransform, WinogradOutputTile, WinogradOutputTransform,
  WinogradOutputTransformAttrs, winogradOutputTransformInputs, winogradPositions, WinogradStackedInput, WinogradStackedOutput,
} from '../kernel_names';
import { winograd4FilterValues } from '../kernels/cpu/winograd4_impl';
import { packedGemm, PackedGemmWeights, packedGemmWeightsBatch } from './packed_gemm';
import { runEngineKernel } from './run_kernel';

/** A 3x3 conv's Winograd filters: 16 tensors [Cin, Cout] (F(2x2), tfjs matMuls) or packed for PackedGemm. */
export type WinogradFilters = readonly tf.Tensor2D[] | PackedGemmWeights;

/** Whether the filters are packed (winogradPackedFilter) rather than 16 tensors (winogradFilter). */
export function isPackedWinogradFilters(u: WinogradFilters): u is PackedGemmWeights {
  return 'packed' in u;
}

function fail(op: string, message: string): never {
  throw new EngineArgumentError(`${op}: ${message}`);
}

/** True when the backend (default: the current one) has the transform kernels. */
export function winogradSupported(backendName: string = tf.getBackend()): boolean {
  return tf.getKernel(WinogradInputTransform, backendName) !== undefined
    && tf.getKernel(WinogradOutputTransform, backendName) !== undefined;
}

/** True when the backend (default: the current one) has the stacked transforms and PackedGemm (packed filters). */
export function winogradPackedSupported(backendName: string = tf.getBackend()): boolean {
  return [WinogradStackedInput, WinogradStackedOutput, PackedGemm].every((k) => tf.getKernel(k, backendName) !== undefined);
}

/**
 * The transformed filters of a 3x3 filter g [3, 3, cin, cout] (HWIO host values) for F(r x r, 3x3),
 * packed for one batched PackedGemm: [(r+2)², P]. Transform in float64, rounded once.
 */
export function winogradPackedFilter(g: Float32Array, cin: number, cout: number, outputTile: WinogradOutputTile): PackedGemmWeights {
  if (g.length !== 9 * cin * cout) fail('winogradPackedFilter', `${g.length} values for a [3, 3, ${cin}, ${cout}] filter`);
  const u = outputTile === 2 ? winogradFilterValues(g, cin, cout) : winograd4FilterValues(g, cin, cout);
  return packedGemmWeightsBatch(u, cin, cout);
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
/**
 * The packed path's default: its products and stacked inputs cannot be split by position, and its
 * filters live once on the heap (XNNPACK keeps a second copy of every matMul weight), so 100
 * mask-head RoIs of 14x14, 256 → 128 channels (F(2x2): 78 + 39 MB) run unchunked.
 */
const DEFAULT_MAX_TRANSIENT_BYTES_PACKED = 128 * 2 ** 20;

/** In chunks of whole images when the transients of all of x would pass `budget` (slices + concat). */
function byImages(x: tf.Tensor4D, bytesPerImage: number, budget: number, run: (xs: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  const n = x.shape[0];
  let chunk = n;
  while (chunk > 1 && chunk * bytesPerImage > budget) chunk = Math.ceil(chunk / 2);
  if (chunk === n) return run(x);
  return tf.tidy(() => {
    const parts: tf.Tensor4D[] = [];
    for (let b = 0; b < n; b += chunk) {
      const xs = tf.slice(x, [b, 0, 0, 0], [Math.min(chunk, n - b), x.shape[1], x.shape[2], x.shape[3]]);
      parts.push(run(xs));
      xs.dispose();
    }
    return tf.concat(parts, 0);
  });
}

function runPacked(x: tf.Tensor4D, w: PackedGemmWeights, opts: WinogradConvOptions): tf.Tensor4D {
  const op = 'winogradConv2d';
  const positions = w.packed.shape[0];
  const outputTile: WinogradOutputTile | undefined = w.packed.rank !== 2 ? undefined
    : positions === winogradPositions(2) ? 2 : positions === winogradPositions(4) ? 4 : undefined;
  if (outputTile === undefined) fail(op, `packed filters must be [16 or 36, P] (winogradPackedFilter), got [${w.packed.shape}]`);
  const [, h, wd, cin] = x.shape;
  if (w.k !== cin) fail(op, `the filters take ${w.k} input channels, x has ${cin} channels`);
  if (opts.bias && (opts.bias.rank !== 1 || opts.bias.shape[0] !== w.n)) fail(op, `bias must be [${w.n}]`);
  if (!winogradPackedSupported()) fail(op, `no stacked Winograd / PackedGemm kernels on backend '${tf.getBackend()}' (cpu and wasm have them)`);
  const tiles = Math.ceil(h / outputTile) * Math.ceil(wd / outputTile);
  const attrs = { height: h, width: wd, activation: opts.activation ?? 'linear', outputTile };
  return byImages(x, tiles * 4 * positions * (cin + w.n), opts.maxTransientBytes ?? DEFAULT_MAX_TRANSIENT_BYTES_PACKED, (xs) => tf.tidy(() => {
    const v = runEngineKernel(WinogradStackedInput, { x: xs }, { outputTile });
    const m = packedGemm(v, w);
    v.dispose(); // the peak: the stacked inputs and products, once
    return runEngineKernel(WinogradStackedOutput, { m, bias: opts.bias }, { ...attrs });
  }));
}

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

/**
 * conv2d(x, filter, 1, 'same') + bias (+ relu) with u = winogradFilter(filter) (F(2x2) on tfjs
 * matMuls) or winogradPackedFilter(values, cin, cout, 2 | 4); x [N, H, W, Cin] float32.
 */
export function winogradConv2d(x: tf.Tensor4D, u: WinogradFilters, opts: WinogradConvOptions = {}): tf.Tensor4D {
  const op = 'winogradConv2d';
  if (!(x instanceof tf.Tensor) || x.rank !== 4 || x.dtype !== 'float32') fail(op, 'x must be a float32 [N, H, W, C] tensor');
  if (isPackedWinogradFilters(u)) return runPacked(x, u, opts);
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
  return byImages(x, bytes(1, groups), budget, (xs) => runChunk(xs, u, opts, groups));
}
