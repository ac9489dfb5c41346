/**
 * Explicit backend set-up: loads a tfjs backend, registers this package's kernels for it and makes
 * it the global backend. This is the only place in the package that switches the global backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerCpuKernels } from './kernels/cpu/register_all_kernels';
import { registerWasmKernels } from './kernels/wasm/register_all_kernels';
import { RoIAlignWasmModule } from './kernels/wasm/roi_align_module';
import { isWasmBackend, wasmBackendMemory } from './kernels/wasm/wasm_backend_access';
import { registerWebGLKernels } from './kernels/webgl/register_all_kernels';

export type EngineBackendName = 'cpu' | 'wasm' | 'webgl';

export interface InitBackendOptions {
  /**
   * wasm: where tfjs-backend-wasm's .wasm binaries are, passed to `setWasmPaths` (a folder path or
   * URL prefix ending in '/', or a file map). Default in Node: the installed package's dist folder;
   * in a browser it is required unless the page already called setWasmPaths.
   */
  wasmPaths?: string | { 'tfjs-backend-wasm.wasm'?: string; 'tfjs-backend-wasm-simd.wasm'?: string; 'tfjs-backend-wasm-threaded-simd.wasm'?: string };
  /** wasm: false forces the non-SIMD binary. Default: use SIMD where the runtime has it. */
  simd?: boolean;
  /** wasm: thread count for the threaded build (browsers with cross-origin isolation only). */
  threads?: number;
}

export interface EnabledBackend {
  backend: EngineBackendName;
  /** wasm: whether the SIMD binary runs. false for cpu and webgl. */
  simd: boolean;
  /** Threads the backend computes on (wasm: tfjs's pool size; 1 for cpu, webgl). */
  threads: number;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions.node === 'string';
}

/** The tfjs-backend-wasm dist folder (holding the .wasm binaries) in Node, as a path prefix. */
function nodeWasmDistPrefix(): string {
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');
  const sep = main.includes('\\') ? '\\' : '/';
  return main.slice(0, main.lastIndexOf(sep) + 1);
}

async function switchTo(name: EngineBackendName): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`initBackend: tfjs could not initialise the '${name}' backend`);
  await tf.ready();
}

async function initCpu(): Promise<EnabledBackend> {
  await import('@tensorflow/tfjs-backend-cpu');
  registerCpuKernels();
  await switchTo('cpu');
  return { backend: 'cpu', simd: false, threads: 1 };
}

async function initWasm(opts: InitBackendOptions): Promise<EnabledBackend> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const paths = opts.wasmPaths ?? (isNode() ? nodeWasmDistPrefix() : undefined);
  if (paths !== undefined) wasm.setWasmPaths(paths);
  if (opts.simd === false) tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
  if (opts.threads !== undefined) wasm.setThreadsCount(opts.threads);
  const roiAlign = await RoIAlignWasmModule.compile();
  registerWasmKernels(roiAlign);
  await switchTo('wasm');
  const backend = tf.backend();
  if (!isWasmBackend(backend)) throw new Error('initBackend: the wasm backend is not a tfjs-backend-wasm BackendWasm');
  await roiAlign.prepare(wasmBackendMemory(backend));
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return { backend: 'wasm', simd, threads: wasm.getThreadsCount() };
}

async function initWebGL(): Promise<EnabledBackend> {
  await import('@tensorflow/tfjs-backend-webgl');
  registerWebGLKernels();
  await switchTo('webgl');
  return { backend: 'webgl', simd: false, threads: 1 };
}

/**
 * Loads and selects a backend with this package's kernels: `await initBackend('wasm')`.
 * Works in Node (cpu, wasm) and browsers (cpu, wasm, webgl); needs no network in Node.
 */
export async function initBackend(name: EngineBackendName, opts: InitBackendOptions = {}): Promise<EnabledBackend> {
  switch (name) {
    case 'cpu': return initCpu();
    case 'wasm': return initWasm(opts);
    case 'webgl': return initWebGL();
    default: throw new Error(`initBackend: unknown backend ${String(name)}`);
  }
}
