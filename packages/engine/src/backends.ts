/**
 * `initBackend(name, opts)`: sets up a backend through its registry entry (registry/): loads the
 * tfjs backend, registers this package's kernels for it and makes it the global backend. Only the
 * entries' `init` switch the global backend, and only when called from here or by the caller.
 */
import { EngineArgumentError } from './errors';
import { backendEntry, EngineBackendName, registeredBackendNames } from './registry/registry';
import type { EnabledBackend, InitBackendOptions } from './registry/enabled_backend';

export type { EngineBackendName } from './registry/registry';
export type { EnabledBackend, InitBackendOptions, WasmBinaryName, WebGPUAdapterReport } from './registry/enabled_backend';

/**
 * Loads and selects a backend with this package's kernels: `await initBackend('wasm', {threads: 2})`.
 * Works in Node (cpu, wasm) and browsers (cpu, wasm, webgl, webgpu); needs no network in Node. Returns
 * what was actually enabled. A backend that tfjs already initialised is reused as it is (its
 * settings cannot change within a process), and the report says what it runs with.
 */
export async function initBackend(name: EngineBackendName, opts: InitBackendOptions = {}): Promise<EnabledBackend> {
  const entry = backendEntry(name);
  if (entry === undefined) {
    throw new EngineArgumentError(`initBackend: unknown backend ${String(name)} (registered: ${registeredBackendNames().join(', ')})`);
  }
  return entry.init(opts);
}
