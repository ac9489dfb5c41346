/**
 * The fast float32 decode gives what tf.io.decodeWeights gives, across shard boundaries and for quantized
 * weights, and hands on the host values it made the tensors from.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { decodeWeights } from './decode_weights';

beforeAll(async () => { await tf.setBackend('cpu'); });

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 31 + i) * 3);
}

/** Splits bytes into shards of the given sizes. */
function shards(bytes: Uint8Array, sizes: number[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  let o = 0;
  for (const s of sizes) { out.push(bytes.slice(o, o + s).buffer); o += s; }
  if (o < bytes.length) out.push(bytes.slice(o).buffer);
  return out;
}

describe('decodeWeights', () => {
  const a = values(6, 1);
  const b = values(5, 2);
  const c = values(7, 3);
  const specs: tf.io.WeightsManifestEntry[] = [
    { name: 'a', shape: [2, 3], dtype: 'float32' },
    { name: 'b', shape: [5], dtype: 'float32' },
    { name: 'c', shape: [7, 1], dtype: 'float32' },
  ];
  const all = new Uint8Array(4 * 18);
  new Float32Array(all.buffer).set([...a, ...b, ...c]);

  it.each([
    ['one buffer', [72]],
    ['tensor-aligned shards', [24, 20, 28]],
    ['shards cutting through tensors, on 4-byte boundaries', [16, 16, 16, 24]],
    ['shards cutting through floats (odd sizes)', [7, 30, 1, 34]],
  ])('%s', (_, sizes) => {
    const host = new Map<string, Float32Array>();
    const got = decodeWeights(shards(all, sizes), specs, host);
    const want = tf.io.decodeWeights(shards(all, [72]), specs);
    for (const s of specs) {
      expect(got[s.name].shape).toEqual(s.shape);
      expect(Array.from(got[s.name].dataSync())).toEqual(Array.from(want[s.name].dataSync()));
      expect(Array.from(host.get(s.name)!)).toEqual(Array.from(want[s.name].dataSync())); // the host values handed on
    }
    expect(Array.from(got.c.dataSync())).toEqual(Array.from(c));
    tf.dispose([...Object.values(got), ...Object.values(want)]);
  });

  it('uint8-quantized weights go through tf.io.decodeWeights', () => {
    const q: tf.io.WeightsManifestEntry[] = [{ name: 'q', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }];
    const host = new Map<string, Float32Array>();
    const got = decodeWeights(new Uint8Array([0, 1, 2, 255]).buffer, q, host);
    expect(Array.from(got.q.dataSync())).toEqual([-1, -0.5, 0, 126.5]);
    expect(host.size).toBe(0); // read back by the model instead
    got.q.dispose();
  });
});
