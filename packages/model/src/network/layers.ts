/**
 * Weight lookup and the few layer shapes the network uses, on the tfjs weight map of
 * docs/CONVENTIONS.md §3 (HWIO convs with bias, FC [in, out], BN already folded).
 * Everything here is synchronous tfjs ops, to be called inside the caller's tf.tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError, shapeString } from '../errors';

/** Returns `weights[name]`, checking its shape when `shape` is given. */
export function weight(weights: tf.NamedTensorMap, name: string, shape?: readonly number[]): tf.Tensor {
  const t = weights[name];
  if (t === undefined) throw new ShapeMismatchError(name, shape ? `a weight of shape ${shapeString(shape)}` : 'a weight', 'none (missing)');
  if (shape && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
    throw new ShapeMismatchError(name, shapeString(shape), shapeString(t.shape));
  }
  return t;
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

/** conv2d + bias (+ relu) with the `${name}.weight` [kh,kw,in,out] and `${name}.bias` [out] tensors. */
export function conv(x: tf.Tensor4D, weights: tf.NamedTensorMap, name: string, spec: ConvSpec = {}): tf.Tensor4D {
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
    activation: spec.activation ?? (spec.relu ? 'relu' : 'linear'),
  });
}

/** x [N, in] · `${name}.weight` [in, out] + bias (+ relu). */
export function dense(x: tf.Tensor2D, weights: tf.NamedTensorMap, name: string, relu: boolean): tf.Tensor2D {
  const w = weight(weights, `${name}.weight`);
  if (w.rank !== 2 || w.shape[0] !== x.shape[1]) {
    throw new ShapeMismatchError(`${name}.weight`, `[${x.shape[1]}, out]`, shapeString(w.shape));
  }
  const b = weight(weights, `${name}.bias`, [w.shape[1] ?? 0]);
  return tf.fused.matMul({ a: x, b: w as tf.Tensor2D, bias: b, activation: relu ? 'relu' : 'linear' }) as tf.Tensor2D;
}
