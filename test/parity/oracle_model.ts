/**
 * The oracle's weights and golden tensors as tfjs values for the parity tests:
 * canonical PyTorch weights (a `mrcnn-tensors/1` dump) → @mrcnn/weights-converter's tfjs transform →
 * tf tensors on the current backend; golden NCHW tensors → NHWC tf tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { toTfjsWeightMap } from '@mrcnn/weights-converter';
import type { WeightMap } from '@mrcnn/weights-converter';
import { readTensorDump, DumpTensor, TensorDump } from '../helpers/tensor_dump';

/** The converter's tfjs weight map of a canonical weight dump, as plain arrays (backend independent). */
export function tfjsWeightArrays(weightsStem: string): WeightMap {
  const dump = readTensorDump(weightsStem);
  const canonical: WeightMap = new Map();
  for (const t of dump.tensors.values()) {
    if (t.dtype !== 'float32') throw new Error(`${weightsStem}: weight ${t.name} is ${t.dtype}, expected float32`);
    canonical.set(t.name, { name: t.name, shape: t.shape, dtype: 'float32', data: t.data as Float32Array });
  }
  return toTfjsWeightMap(canonical);
}

/** tf tensors (on the current backend) of a converted weight map; the caller disposes them. */
export function toTensorMap(weights: WeightMap): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  for (const t of weights.values()) out[t.name] = tf.tensor(t.data, t.shape, t.dtype);
  return out;
}

/** A golden tensor as a tf tensor with its stored shape and dtype (uint8 becomes int32). */
export function goldenTensor(d: TensorDump, name: string): tf.Tensor {
  const t: DumpTensor = d.get(name);
  return t.dtype === 'float32' ? tf.tensor(t.data, t.shape, 'float32') : tf.tensor(Int32Array.from(t.data), t.shape, 'int32');
}

/** A golden NCHW [1, C, H, W] map as an NHWC [1, H, W, C] tf tensor. */
export function goldenNhwc(d: TensorDump, name: string): tf.Tensor4D {
  const t = d.get(name);
  if (t.shape.length !== 4 || t.shape[0] !== 1) throw new Error(`golden ${name}: expected [1,C,H,W], got [${t.shape}]`);
  return tf.tidy(() => tf.transpose(tf.tensor4d(t.data as Float32Array, t.shape as [number, number, number, number]), [0, 2, 3, 1]));
}

/** Reads a tensor back (async) as a flat array of its values in NCHW order when `nchw` is set. */
export async function readNchw(t: tf.Tensor4D): Promise<Float32Array> {
  const p = tf.transpose(t, [0, 3, 1, 2]);
  try {
    return Float32Array.from(await p.data());
  } finally {
    p.dispose();
  }
}

export async function read(t: tf.Tensor): Promise<Float32Array> {
  return Float32Array.from(await t.data());
}

/** Golden names present in the dump among `names`. */
export function present(d: TensorDump, names: readonly string[]): string[] {
  return names.filter((n) => d.has(n));
}
