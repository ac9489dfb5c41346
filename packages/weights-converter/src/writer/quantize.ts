/**
 * Storage encodings of one float32 tensor in a tfjs weights manifest:
 * - none: float32 bytes;
 * - fp16: IEEE binary16 (manifest `quantization: {dtype: 'float16'}`), round to nearest even;
 * - uint8: affine per tensor, q = round((x - min) / scale), x ≈ min + q·scale with
 *   scale = (max - min) / 255 (1 when max = min), as tf.io.decodeWeights reads it.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { NamedTensor } from '../types';
import { float32ToHalfArray } from '../util/half';

export type Quantization = 'fp16' | 'uint8';

export interface EncodedTensor {
  spec: tf.io.WeightsManifestEntry;
  bytes: Uint8Array;
}

function rangeOf(data: Float32Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < min) min = data[i];
    if (data[i] > max) max = data[i];
  }
  return data.length === 0 ? [0, 0] : [min, max];
}

/** Affine uint8 parameters of a tensor: [scale, min] in float32 (as JSON will carry them). */
export function uint8Params(data: Float32Array): { scale: number; min: number } {
  const [min, max] = rangeOf(data);
  const scale = max > min ? Math.fround((max - min) / 255) : 1;
  return { scale, min: Math.fround(min) };
}

export function encodeTensor(t: NamedTensor, quantize: Quantization | undefined): EncodedTensor {
  const spec: tf.io.WeightsManifestEntry = { name: t.name, shape: [...t.shape], dtype: t.dtype };
  if (t.dtype !== 'float32' || quantize === undefined) {
    const copy = t.data.slice();
    return { spec, bytes: new Uint8Array(copy.buffer) };
  }
  const data = t.data as Float32Array;
  if (quantize === 'fp16') {
    spec.quantization = { dtype: 'float16' };
    return { spec, bytes: new Uint8Array(float32ToHalfArray(data).buffer) };
  }
  const { scale, min } = uint8Params(data);
  const q = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) q[i] = Math.max(0, Math.min(255, Math.round((data[i] - min) / scale)));
  spec.quantization = { dtype: 'uint8', scale, min };
  return { spec, bytes: q };
}
