/** initBackend('wasm', {simd: false}) in Node: tfjs's plain binary runs, RoIAlign still on its heap. */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backends';
import { runGolden } from './__tests__/golden_run';
import { loadRoIAlignGoldens } from './__tests__/roi_align_goldens';

it('runs the non-SIMD tfjs binary and reports it', async () => {
  const info = await initBackend('wasm', { simd: false });
  expect(info).toEqual({ backend: 'wasm', simd: false, threads: 1, wasmBinary: 'tfjs-backend-wasm.wasm', sharedMemory: false });
  expect(tf.getBackend()).toBe('wasm');
  const golden = loadRoIAlignGoldens().find((g) => g.name === 'box0049');
  if (golden === undefined) throw new Error('golden box0049 missing');
  const r = await runGolden(golden);
  expect(r.leaked).toBe(0);
  expect(r.maxAbs).toBeLessThanOrEqual(1e-4);
});
