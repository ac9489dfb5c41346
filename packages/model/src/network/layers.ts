/**
 * Weight lookup and the few layer shapes the network uses, on the tfjs weight map of
 * docs/CONVENTIONS.md §3 (HWIO convs with bias, FC [in, out], BN already folded) and the kernel
 * plan's prepared layers (prepared_layers.ts: a conv or dense layer listed there runs the planned way).
 * Everything here is synchronous tfjs ops, to be called inside the caller's tf.tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isPackedWinogradFilters, packedGemm, winogradConv2d } from '@mrcnn/engine';
import { ShapeMismatchError, shapeString } from '../errors';
import type { NetworkWeights } from './prepared_layers';

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
  /**
   * Added after the bias, before the activation (a bottleneck's identity, the FPN's top-down
   * path): fused into the GEMM where the kernel plan packed the conv, tf.add otherwise.
   */
  readonly residual?: tf.Tensor4D;
}

/**
 * conv2d + bias (+ residual) (+ activation) with the `${name}.weight` [kh,kw,in,out] and `${name}.bias`
 * [out] tensors; by Winograd from the prepared filters when the kernel plan prepared `name` (3x3,
 * stride 1, pad 1, linear/relu), as a packed GEMM when it packed `name` (1x1, no padding).
 */
export function conv(x: tf.Tensor4D, w: NetworkWeights, name: string, spec: ConvSpec = {}): tf.Tensor4D {
  const activation = spec.activation ?? (spec.relu ? 'relu' : 'linear');
  const weights = w.tensors;
  const { residual } = spec;
  const u = w.prepared.winograd.get(name);
  if (u && (spec.stride ?? 1) === 1 && spec.pad === 1 && activation !== 'sigmoid' && !residual) {
    const [cin, cout] = isPackedWinogradFilters(u) ? [u.k, u.n] : u[0].shape;
    if (cin !== x.shape[3]) throw new ShapeMismatchError(`${name} (Winograd filters)`, `${x.shape[3]} input channels`, `${cin}`);
    const bias = weight(weights, `${name}.bias`, [cout]) as tf.Tensor1D;
    return winogradConv2d(x, u, { bias, activation });
  }
  const p = w.prepared.packed.get(name);
  if (p && (spec.pad ?? 'valid') === 'valid' && activation !== 'sigmoid') {
    if (p.k !== x.shape[3]) throw new ShapeMismatchError(`${name} (packed 1x1 filter)`, `${x.shape[3]} input channels`, `${p.k}`);
    const bias = weight(weights, `${name}.bias`, [p.n]) as tf.Tensor1D;
    return packedGemm(x, p, { bias, activation, residual, stride: spec.stride ?? 1 });
  }
  const filter = weight(weights, `${name}.weight`);
  if (filter.rank !== 4) throw new ShapeMismatchError(`${name}.weight`, 'rank 4 [kh,kw,in,out]', shapeString(filter.shape));
  if (filter.shape[2] !== x.shape[3]) throw new ShapeMismatchError(`${name}.weight`, `${x.shape[3]} input channels`, shapeString(filter.shape));
  const b = weight(weights, `${name}.bias`, [filter.shape[3] ?? 0]);
  const stride = spec.stride ?? 1;
  const direct = (act: typeof activation): tf.Tensor4D => tf.fused.conv2d({
    x,
    filter: filter as tf.Tensor4D,
    strides: [stride, stride],
    pad: spec.pad ?? 'valid',
    bias: b,
    activation: act,
  });
  if (!residual) return direct(activation);
  const sum = tf.add<tf.Tensor4D>(direct('linear'), residual);
  if (activation === 'linear') return sum;
  return activation === 'relu' ? tf.relu(sum) : tf.sigmoid(sum);
}

/**
 * x [N, in] · `${name}.weight` [in, out] + bias (+ relu); on the packed weight when the kernel plan
 * packed `name`, as the prepared column blocks (each its own matMul, concatenated) when it split it.
 */
export function dense(x: tf.Tensor2D, w: NetworkWeights, name: string, relu: boolean): tf.Tensor2D {
  const activation = relu ? 'relu' : 'linear';
  const fc = (m: tf.Tensor, b: tf.Tensor, mName: string, bName: string): tf.Tensor2D => {
    if (m.rank !== 2 || m.shape[0] !== x.shape[1]) throw new ShapeMismatchError(mName, `[${x.shape[1]}, out]`, shapeString(m.shape));
    if (b.rank !== 1 || b.shape[0] !== m.shape[1]) throw new ShapeMismatchError(bName, `[${m.shape[1]}]`, shapeString(b.shape));
    return tf.fused.matMul({ a: x, b: m as tf.Tensor2D, bias: b, activation }) as tf.Tensor2D;
  };
  const p = w.prepared.packed.get(name);
  if (p) {
    if (p.k !== x.shape[1]) throw new ShapeMismatchError(`${name} (packed weight)`, `[${x.shape[1]}, out]`, `[${p.k}, ${p.n}]`);
    return packedGemm(x, p, { bias: weight(w.tensors, `${name}.bias`, [p.n]) as tf.Tensor1D, activation });
  }
  const blocks = w.prepared.denseBlocks.get(name);
  if (blocks === undefined) {
    return fc(weight(w.tensors, `${name}.weight`), weight(w.tensors, `${name}.bias`), `${name}.weight`, `${name}.bias`);
  }
  return tf.concat(blocks.map((b, j) => fc(b.weight, b.bias, `${name} column block ${j} weight`, `${name} column block ${j} bias`)), 1);
}
