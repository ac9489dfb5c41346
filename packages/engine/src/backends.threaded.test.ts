/**
 * initBackend('wasm', {threads: 2}) in Node: tfjs's threaded SIMD build on worker_threads with a
 * pool of 2 (on this 2-core machine tfjs alone would cap it at 1). Checks what it reports, that
 * RoIAlign runs on the shared heap against torchvision, and that a 3x3 conv computed by the
 * 2-thread pool equals the cpu backend's.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { closeStats } from '../../../test/helpers/compare';
import { initBackend } from './backends';
import { runGolden } from './__tests__/golden_run';
import { loadRoIAlignGoldens } from './__tests__/roi_align_goldens';

/** A deterministic tensor with values in [-1, 1). */
function ramp(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (((i * 7919 + seed * 104729) % 2000) / 1000) - 1;
  return out;
}

function conv(x: Float32Array, w: Float32Array): Float32Array {
  return tf.tidy(() => tf.conv2d(tf.tensor4d(x, [1, 12, 16, 32]), tf.tensor4d(w, [3, 3, 32, 64]), 1, 'same').dataSync() as Float32Array);
}

it('runs a 2-thread pool on a shared heap; RoIAlign and conv2d agree with the references', async () => {
  const info = await initBackend('wasm', { threads: 2 });
  expect(info).toEqual({
    backend: 'wasm', simd: true, threads: 2, wasmBinary: 'tfjs-backend-wasm-threaded-simd.wasm', sharedMemory: true,
  });
  const before = tf.memory().numTensors;
  for (const name of ['box0049', 'real_mask_aligned_adaptive', 'r1000_c2']) {
    const golden = loadRoIAlignGoldens().find((g) => g.name === name);
    if (golden === undefined) throw new Error(`golden ${name} missing`);
    const r = await runGolden(golden);
    expect(r.leaked).toBe(0);
    expect(r.maxAbs).toBeLessThanOrEqual(1e-4);
  }
  const x = ramp([1, 12, 16, 32], 1);
  const w = ramp([3, 3, 32, 64], 2);
  const onWasm = conv(x, w);
  await tf.setBackend('cpu');
  const onCpu = conv(x, w);
  await tf.setBackend('wasm');
  expect(closeStats(onWasm, onCpu).maxAbs).toBeLessThanOrEqual(1e-4);
  expect(tf.memory().numTensors).toBe(before);
});
