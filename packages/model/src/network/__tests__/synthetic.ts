/** Deterministic synthetic weight maps (for wiring and leak tests; parity uses the oracle's weights). */
import * as tf from '@tensorflow/tfjs-core';
import { expectedWeightShapes, type ModelConfig } from '@mrcnn/schema';

/** xorshift32 uniform in [-1, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/** He-scaled uniform weights, small biases; fan-in from the tfjs layout. */
export function syntheticWeights(cfg: ModelConfig, seed = 49): tf.NamedTensorMap {
  const r = rng(seed);
  const out: tf.NamedTensorMap = {};
  for (const [name, shape] of expectedWeightShapes(cfg)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const isBias = name.endsWith('.bias');
    const fanIn = isBias ? 1 : shape.length === 4 ? shape[0] * shape[1] * (name.endsWith('conv5_mask.weight') ? shape[3] : shape[2]) : shape[0];
    const scale = isBias ? 0.05 : Math.sqrt(3 / fanIn);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = r() * scale;
    out[name] = tf.tensor(data, [...shape]);
  }
  return out;
}
