/**
 * The backend registry: the built-in entries (names, kernel plans, capabilities), registering a
 * new backend and initBackend dispatching to it, refusals with typed errors.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '../backends';
import { EngineArgumentError } from '../errors';
import type { BackendEntry } from './backend_entry';
import { STOCK_KERNEL_PLAN } from './backend_entry';
import type { InitBackendOptions } from './enabled_backend';
import { currentEnvironment, runsIn } from './environment';
import {
  backendEntry, kernelPlanFor, registerBackend, registeredBackendNames, registeredBackends,
} from './registry';

/** A backend that records how it was initialised (it sets nothing up). */
function fakeEntry(name: string, calls: InitBackendOptions[] = []): BackendEntry {
  return {
    name,
    capabilities: { threads: false, simd: false, floatTextures: false, gpu: true, environments: ['browser'] },
    kernelPlan: { winograd: false, winogradMaxWeights: 1024, denseColumnBlocks: 2 },
    registerKernels: async () => undefined,
    init: async (opts) => {
      calls.push(opts);
      return { backend: name, simd: false, threads: 1 };
    },
  };
}

describe('built-in entries', () => {
  it('are cpu, wasm, webgl and webgpu, in that order', () => {
    expect(registeredBackendNames()).toEqual(['cpu', 'wasm', 'webgl', 'webgpu']);
    expect(registeredBackends().map((e) => e.name)).toEqual(['cpu', 'wasm', 'webgl', 'webgpu']);
  });

  it('hold the kernel plans the model was measured with (wasm: Winograd F(2x2), F(4x4) on the FPN and RPN, and 1x1 convs / dense layers on the packed GEMM)', () => {
    expect(backendEntry('wasm')?.kernelPlan).toEqual({ winograd: true, winogradMaxWeights: 256 * 256, denseColumnBlocks: 8, packedGemm: true, winogradOutputTile: 2, winogradPyramidOutputTile: 4 });
    expect(backendEntry('cpu')?.kernelPlan).toEqual({ winograd: false, winogradMaxWeights: 256 * 256, denseColumnBlocks: 1, packedGemm: false });
    expect(backendEntry('webgl')?.kernelPlan).toEqual({ winograd: false, winogradMaxWeights: 256 * 256, denseColumnBlocks: 1, packedGemm: false });
    expect(backendEntry('webgpu')?.kernelPlan).toEqual({ winograd: false, winogradMaxWeights: 256 * 256, denseColumnBlocks: 1, packedGemm: false });
  });

  it('state their capabilities: webgl and webgpu are browser GPU backends, wasm threads and SIMD, cpu neither', () => {
    expect(backendEntry('webgl')?.capabilities).toEqual({ threads: false, simd: false, floatTextures: true, gpu: true, environments: ['browser'] });
    expect(backendEntry('webgpu')?.capabilities).toEqual({ threads: false, simd: false, floatTextures: false, gpu: true, environments: ['browser'] });
    expect(backendEntry('wasm')?.capabilities).toEqual({ threads: true, simd: true, floatTextures: false, gpu: false, environments: ['node', 'browser'] });
    expect(backendEntry('cpu')?.capabilities).toEqual({ threads: false, simd: false, floatTextures: false, gpu: false, environments: ['node', 'browser'] });
    expect(currentEnvironment()).toBe('node');
    expect(registeredBackends().filter((e) => runsIn(e)).map((e) => e.name)).toEqual(['cpu', 'wasm']);
  });

  it('write tensors in place where they are in host memory (cpu, wasm), not on a GPU (webgl, webgpu)', () => {
    expect(typeof backendEntry('cpu')?.writeInPlace).toBe('function');
    expect(typeof backendEntry('wasm')?.writeInPlace).toBe('function');
    expect(backendEntry('webgl')?.writeInPlace).toBeUndefined();
    expect(backendEntry('webgpu')?.writeInPlace).toBeUndefined();
  });

  it('kernelPlanFor: the entry\'s plan, tfjs\'s own ops for a backend that is not registered', () => {
    expect(kernelPlanFor('wasm').winograd).toBe(true);
    expect(kernelPlanFor('tensorflow')).toBe(STOCK_KERNEL_PLAN);
    expect(backendEntry('tensorflow')).toBeUndefined();
  });
});

describe('registerBackend', () => {
  it('adds an entry that initBackend dispatches to, options passed through, no tensors made', async () => {
    const before = tf.memory().numTensors;
    const calls: InitBackendOptions[] = [];
    const entry = fakeEntry('fake-gpu', calls);
    registerBackend(entry);
    registerBackend(entry); // the same entry again: nothing changes
    expect(registeredBackendNames()).toEqual(['cpu', 'wasm', 'webgl', 'webgpu', 'fake-gpu']);
    expect(backendEntry('fake-gpu')).toBe(entry);
    expect(kernelPlanFor('fake-gpu').denseColumnBlocks).toBe(2);
    expect(await initBackend('fake-gpu', { threads: 3 })).toEqual({ backend: 'fake-gpu', simd: false, threads: 1 });
    expect(calls).toEqual([{ threads: 3 }]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses another entry under a registered name, built-in ones included', () => {
    expect(() => registerBackend(fakeEntry('wasm'))).toThrow(EngineArgumentError);
    expect(() => registerBackend(fakeEntry('fake-gpu'))).toThrow(/'fake-gpu' is already registered/);
    expect(backendEntry('wasm')?.kernelPlan.winograd).toBe(true);
  });

  it('refuses malformed entries with EngineArgumentError naming the field', () => {
    const ok = fakeEntry('fake-x');
    expect(() => registerBackend({ ...ok, name: '' })).toThrow(/entry\.name/);
    expect(() => registerBackend({ ...ok, capabilities: { ...ok.capabilities, environments: [] } })).toThrow(/capabilities\.environments/);
    expect(() => registerBackend({ ...ok, capabilities: { ...ok.capabilities, environments: ['deno' as 'node'] } })).toThrow(/environments/);
    expect(() => registerBackend({ ...ok, kernelPlan: { ...ok.kernelPlan, denseColumnBlocks: 0 } })).toThrow(/kernelPlan/);
    expect(() => registerBackend({ ...ok, kernelPlan: { ...ok.kernelPlan, winogradMaxWeights: 1.5 } })).toThrow(EngineArgumentError);
    expect(() => registerBackend({ ...ok, kernelPlan: { ...ok.kernelPlan, winogradOutputTile: 3 as 2 } })).toThrow(/winogradOutputTile/);
    expect(() => registerBackend({ ...ok, kernelPlan: { ...ok.kernelPlan, winogradPyramidOutputTile: 6 as 4 } })).toThrow(/winogradPyramidOutputTile/);
    expect(backendEntry('fake-x')).toBeUndefined();
  });
});

describe('initBackend', () => {
  it('refuses an unknown backend, listing the registered ones', async () => {
    await expect(initBackend('webnn')).rejects.toThrow(EngineArgumentError);
    await expect(initBackend('webnn')).rejects.toThrow(/unknown backend webnn \(registered: cpu, wasm, webgl, webgpu/);
  });
});
