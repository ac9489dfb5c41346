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
  WINOGRAD_BIAS_NAME, WINOGRAD_POSITIONS, WinogradInputTransform, WinogradOutputTransform,
  WinogradOutputTransformAttrs, winogradProductName,
} from '../kernel_names';

/** G of F(2x2, 3x3): U = G g Gt for each (in, out) pair. */
const G = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];

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
 * Done once per weight, e.g. at model load.
 */
export function winogradFilter(filter: tf.Tensor4D): tf.Tensor2D[] {
  if (!(filter instanceof tf.Tensor) || filter.rank !== 4 || filter.shape[0] !== 3 || filter.shape[1] !== 3) {
    fail('winogradFilter', `filter must be [3, 3, in, out], got ${filter instanceof tf.Tensor ? `[${filter.shape}]` : typeof filter}`);
  }
  if (filter.dtype !== 'float32') fail('winogradFilter', `filter must be float32, got ${filter.dtype}`);
  const [, , cin, cout] = filter.shape;
  return tf.tidy(() => {
    const g = tf.unstack(tf.reshape(filter, [9, cin, cout])) as tf.Tensor2D[];
    const u: tf.Tensor2D[] = [];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        const terms: tf.Tensor2D[] = [];
        for (let a = 0; a < 3; a++) {
          for (let b = 0; b < 3; b++) {
            const coef = G[i][a] * G[j][b];
            if (coef !== 0) terms.push(coef === 1 ? g[3 * a + b] : tf.mul(g[3 * a + b], coef));
          }
        }
        u.push(terms.length === 1 ? tf.clone(terms[0]) : tf.addN(terms));
      }
    }
    return u;
  });
}

export interface WinogradConvOptions {
  bias?: tf.Tensor1D;
  activation?: 'linear' | 'relu';
  /**
   * Upper bound on the transient matrices (16 transformed inputs + 16 products) per chunk; a batch
   * bigger than that runs in chunks of whole images. Default 128 MiB: 100 mask-head RoIs of 14x14,
   * 256 → 128 channels (120 MB) run unchunked, since chunking (slices, concat, 4x the GEMM set-ups)
   * cost most of the gain there (benchmarks/README.md).
   */
  maxTransientBytes?: number;
}

const DEFAULT_MAX_TRANSIENT_BYTES = 128 * 2 ** 20;

function runChunk(x: tf.Tensor4D, u: readonly tf.Tensor2D[], opts: WinogradConvOptions): tf.Tensor4D {
  return tf.tidy(() => {
    const v = tf.engine().runKernel(WinogradInputTransform, { x }) as unknown as tf.Tensor2D[];
    const inputs: tf.NamedTensorMap = {};
    v.forEach((vk, k) => {
      inputs[winogradProductName(k)] = tf.matMul(vk, u[k]);
      vk.dispose(); // keeps the peak at one set of inputs + products
    });
    if (opts.bias) inputs[WINOGRAD_BIAS_NAME] = opts.bias;
    const attrs: WinogradOutputTransformAttrs = { height: x.shape[1], width: x.shape[2], activation: opts.activation ?? 'linear' };
    return tf.engine().runKernel(WinogradOutputTransform, inputs, { ...attrs }) as tf.Tensor4D;
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
  const perImage = WINOGRAD_POSITIONS * Math.ceil(h / 2) * Math.ceil(w / 2) * (cin + cout) * 4;
  const chunk = Math.max(1, Math.floor((opts.maxTransientBytes ?? DEFAULT_MAX_TRANSIENT_BYTES) / Math.max(1, perImage)));
  if (n <= chunk) return runChunk(x, u, opts);
  return tf.tidy(() => {
    const parts: tf.Tensor4D[] = [];
    for (let b = 0; b < n; b += chunk) {
      const xs = tf.slice(x, [b, 0, 0, 0], [Math.min(chunk, n - b), h, w, cin]);
      parts.push(runChunk(xs, u, opts));
      xs.dispose();
    }
    return tf.concat(parts, 0);
  });
}
