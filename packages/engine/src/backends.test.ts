/**
 * initBackend in Node: what it reports, that it reads tfjs's wasm binaries from the installed
 * package with the network cut off (fetch throws), and that RoIAlign runs on what it enabled.
 * The threaded build and simd: false live in their own files (tfjs initialises a backend once per
 * module registry, and jest gives each test file its own).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backends';
import { EngineArgumentError, EngineBackendError } from './errors';
import { runGolden } from './__tests__/golden_run';
import { loadRoIAlignGoldens } from './__tests__/roi_align_goldens';

const golden = loadRoIAlignGoldens().find((g) => g.name === 'real_box0049');
const realFetch = globalThis.fetch;

beforeAll(() => {
  globalThis.fetch = () => Promise.reject(new Error('network access in a test'));
});
afterAll(() => { globalThis.fetch = realFetch; });

describe('initBackend (Node)', () => {
  it('rejects bad options with EngineArgumentError before touching tfjs', async () => {
    await expect(initBackend('wasm', { threads: 0 })).rejects.toThrow(EngineArgumentError);
    await expect(initBackend('wasm', { threads: 9 })).rejects.toThrow(/\[1, 8\]/);
    await expect(initBackend('wasm', { threads: 2, simd: false })).rejects.toThrow(/threaded SIMD/);
    await expect(initBackend('gpu')).rejects.toThrow(/unknown backend gpu \(registered: cpu, wasm, webgl, webgpu\)/);
  });

  it('cpu: reports one thread, no SIMD, and runs RoIAlign', async () => {
    expect(await initBackend('cpu')).toEqual({ backend: 'cpu', simd: false, threads: 1 });
    expect(tf.getBackend()).toBe('cpu');
    if (golden === undefined) throw new Error('golden real_box0049 missing');
    const r = await runGolden(golden);
    expect(r.leaked).toBe(0);
    expect(r.maxAbs).toBeLessThanOrEqual(1e-4);
  });

  it('wasm: the SIMD binary from local files, single-threaded, private heap; RoIAlign on it', async () => {
    const info = await initBackend('wasm');
    expect(info).toEqual({
      backend: 'wasm', simd: true, threads: 1, wasmBinary: 'tfjs-backend-wasm-simd.wasm', sharedMemory: false,
    });
    expect(tf.getBackend()).toBe('wasm');
    if (golden === undefined) throw new Error('golden real_box0049 missing');
    const r = await runGolden(golden);
    expect(r.leaked).toBe(0);
    expect(r.maxAbs).toBeLessThanOrEqual(1e-4);
  });

  it('wasm again: reuses the initialised backend and reports the same', async () => {
    const info = await initBackend('wasm', { threads: 1 });
    expect(info.threads).toBe(1);
    expect(info.wasmBinary).toBe('tfjs-backend-wasm-simd.wasm');
  });

  it('webgl in Node: a typed error naming the backend (Node has no WebGL)', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await expect(initBackend('webgl')).rejects.toThrow(EngineBackendError);
      await expect(initBackend('webgl')).rejects.toThrow(/'webgl'/);
    } finally {
      warn.mockRestore();
    }
  });

  it('webgpu in Node: a typed error saying WebGPU is missing, before tfjs-backend-webgpu is loaded', async () => {
    const before = tf.getBackend();
    await expect(initBackend('webgpu')).rejects.toThrow(EngineBackendError);
    await expect(initBackend('webgpu')).rejects.toThrow(/WebGPU is not available here \(no navigator\.gpu/);
    expect(tf.getBackend()).toBe(before);
  });
});
