/**
 * Weight data → tensors. Plain float32 weights (the converter's default) become tensors straight
 * from views on the shard buffers, one copy (into the backend) instead of tfjs's three
 * (concatenate, slice, typed array): half the load time of a full-size model; `values`, when given,
 * receives those host arrays (the model packs the weights its kernel plan replaces from them instead
 * of reading each tensor back). Anything else (fp16 or uint8 quantization) goes through
 * tf.io.decodeWeights (and leaves `values` empty).
 */
import * as tf from '@tensorflow/tfjs-core';

type Spec = tf.io.WeightsManifestEntry;

function isPlainFloat32(s: Spec): boolean {
  return s.dtype === 'float32' && s.quantization === undefined;
}

/** The float32 values of bytes [start, start + byteLength) of the concatenated buffers. */
function float32Range(buffers: readonly ArrayBuffer[], starts: readonly number[], start: number, byteLength: number): Float32Array {
  let i = 0;
  while (i + 1 < buffers.length && starts[i + 1] <= start) i++;
  const local = start - starts[i];
  if (local + byteLength <= buffers[i].byteLength && local % 4 === 0) return new Float32Array(buffers[i], local, byteLength / 4);
  const out = new Uint8Array(byteLength); // spans shards (or unaligned): gather the pieces
  let done = 0;
  for (let b = i; done < byteLength; b++) {
    const from = b === i ? local : 0;
    const n = Math.min(byteLength - done, buffers[b].byteLength - from);
    out.set(new Uint8Array(buffers[b], from, n), done);
    done += n;
  }
  return new Float32Array(out.buffer);
}

export function decodeWeights(data: tf.io.WeightData, specs: readonly Spec[], values?: Map<string, Float32Array>): tf.NamedTensorMap {
  const buffers = Array.isArray(data) ? data : [data];
  if (!specs.every(isPlainFloat32)) return tf.io.decodeWeights(data, [...specs]);
  const starts: number[] = [];
  let total = 0;
  for (const b of buffers) { starts.push(total); total += b.byteLength; }
  const out: tf.NamedTensorMap = {};
  let offset = 0;
  try {
    for (const s of specs) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      const v = float32Range(buffers, starts, offset, 4 * n);
      out[s.name] = tf.tensor(v, s.shape, 'float32');
      values?.set(s.name, v);
      offset += 4 * n;
    }
  } catch (e) {
    tf.dispose(Object.values(out));
    throw e;
  }
  return out;
}
