/**
 * Weight lookup and the few layer shapes the network uses, on the tfjs weight map of
 * docs/CONVENTIONS.md §3 (HWIO convs with bias, FC [in, out], BN already folded).
 * Everything here is synchronous tfjs ops, to be called inside the caller's tf.tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { WINOGRAD_POSITIONS, winogradConv2d } from '@mrcnn/engine';
import { ShapeMismatchError, shapeString } from '../errors';

/** Name of the k-th Winograd-transformed filter of a conv (derived at load: kernel_plan.ts). */
export const winogradName = (conv: string, k: number): string => `${conv}.winograd${k}`;
/** Name of the j-th column block of a dense layer's parameter (derived at load: kernel_plan.ts). */
export const blockName = (param: string, j: number): string => `${param}.block${j}`;

/** Returns `weights[name]`, checking its shape when `shape` is given. */
export function weight(weights: tf.NamedTensorMap, name: string, shape?: readonly number[]): tf.Tensor {
  const t = weights[name];
  if (t === undefined) throw new ShapeMismatchError(name, shape ? `a weight of shape ${shapeString(shape)}` : 'a weight', 'none (missing)');
  if (shape && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
    throw new ShapeMismatchError(name, shapeString(shape), shapeString(t.shape));
  }
  return t;
}

/**
 * Runs `f` in its own tf.tidy, then disposes `input` (unless `keep`): a chain of layers holds only
 * the tensors still needed instead of every intermediate until the caller's tidy ends. On wasm the
 * heap never shrinks, so this sets the peak memory (the backbone alone held ~470 MiB of
 * intermediates before: benchmarks/levers/memory_probe.ts).
 */
export function step<T extends tf.Tensor>(input: tf.Tensor, f: () => T, keep = false): T {
  const out = tf.tidy(f);
  if (!keep && out !== input) input.dispose();
  return out;
}

export type Pad = 'valid' | 'same' | number;

export interface ConvSpec {
  readonly stride?: number;
  /** Symmetric zero padding as PyTorch's `padding=p`, or 'valid'. */
  readonly pad?: Pad;
  readonly relu?: boolean;
  /** Fused activation; overrides `relu` when given (sigmoid fused saves a pass: benchmarks/levers). */
  readonly activation?: 'linear' | 'relu' | 'sigmoid';
}

/** The 16 Winograd filters of `name` when the kernel plan derived them. */
function winogradFilters(weights: tf.NamedTensorMap, name: string): tf.Tensor2D[] | undefined {
  if (weights[winogradName(name, 0)] === undefined) return undefined;
  return Array.from({ length: WINOGRAD_POSITIONS }, (_, k) => weight(weights, winogradName(name, k)) as tf.Tensor2D);
}

/**
 * conv2d + bias (+ relu) with the `${name}.weight` [kh,kw,in,out] and `${name}.bias` [out] tensors;
 * by Winograd when the kernel plan derived `${name}.winograd{k}` (3x3, stride 1, pad 1, linear/relu).
 */
export function conv(x: tf.Tensor4D, weights: tf.NamedTensorMap, name: string, spec: ConvSpec = {}): tf.Tensor4D {
  const activation = spec.activation ?? (spec.relu ? 'relu' : 'linear');
  const u = winogradFilters(weights, name);
  if (u && (spec.stride ?? 1) === 1 && spec.pad === 1 && activation !== 'sigmoid') {
    if (u[0].shape[0] !== x.shape[3]) throw new ShapeMismatchError(winogradName(name, 0), `${x.shape[3]} input channels`, shapeString(u[0].shape));
    const bias = weight(weights, `${name}.bias`, [u[0].shape[1]]) as tf.Tensor1D;
    return winogradConv2d(x, u, { bias, activation });
  }
  const w = weight(weights, `${name}.weight`);
  if (w.rank !== 4) throw new ShapeMismatchError(`${name}.weight`, 'rank 4 [kh,kw,in,out]', shapeString(w.shape));
  if (w.shape[2] !== x.shape[3]) throw new ShapeMismatchError(`${name}.weight`, `${x.shape[3]} input channels`, shapeString(w.shape));
  const b = weight(weights, `${name}.bias`, [w.shape[3] ?? 0]);
  const stride = spec.stride ?? 1;
  return tf.fused.conv2d({
    x,
    filter: w as tf.Tensor4D,
    strides: [stride, stride],
    pad: spec.pad ?? 'valid',
    bias: b,
    activation,
  });
}

/**
 * x [N, in] · `${name}.weight` [in, out] + bias (+ relu); as column blocks concatenated when the
 * kernel plan derived `${name}.weight.block{j}` / `${name}.bias.block{j}`.
 */
export function dense(x: tf.Tensor2D, weights: tf.NamedTensorMap, name: string, relu: boolean): tf.Tensor2D {
  const activation = relu ? 'relu' : 'linear';
  const fc = (wName: string, bName: string): tf.Tensor2D => {
    const w = weight(weights, wName);
    if (w.rank !== 2 || w.shape[0] !== x.shape[1]) throw new ShapeMismatchError(wName, `[${x.shape[1]}, out]`, shapeString(w.shape));
    const b = weight(weights, bName, [w.shape[1] ?? 0]);
    return tf.fused.matMul({ a: x, b: w as tf.Tensor2D, bias: b, activation }) as tf.Tensor2D;
  };
  if (weights[blockName(`${name}.weight`, 0)] === undefined) return fc(`${name}.weight`, `${name}.bias`);
  const parts: tf.Tensor2D[] = [];
  for (let j = 0; weights[blockName(`${name}.weight`, j)] !== undefined; j++) {
    parts.push(fc(blockName(`${name}.weight`, j), blockName(`${name}.bias`, j)));
  }
  return tf.concat(parts, 1);
}
