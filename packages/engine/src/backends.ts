/**
 * Explicit backend set-up: loads a tfjs backend, registers this package's kernels for it and makes
 * it the global backend. This is the only place in the package that switches the global backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { withBrowserLogicalCores } from './backend_setup/browser_logical_cores';
import { EngineArgumentError, EngineBackendError } from './errors';
import { registerCpuKernels } from './kernels/cpu/register_all_kernels';
import { registerWasmKernels } from './kernels/wasm/register_all_kernels';
import { EngineWasmModule, isSharedMemory } from './kernels/wasm/kernels_module';
import { isWasmBackend, wasmBackendMemory } from './kernels/wasm/wasm_backend_access';
import { registerWebGLKernels } from './kernels/webgl/register_all_kernels';

export type EngineBackendName = 'cpu' | 'wasm' | 'webgl';

/** tfjs-backend-wasm's three builds. */
export type WasmBinaryName = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

export interface InitBackendOptions {
  /**
   * wasm: where tfjs-backend-wasm's .wasm binaries are, passed to `setWasmPaths` (a folder path or
   * URL prefix ending in '/', or a map of all three file names). Default in Node: the installed
   * package's dist folder (local files, no network); in a browser: whatever the page set with
   * setWasmPaths, else tfjs's default (next to the script), i.e. same-origin files.
   */
  wasmPaths?: string | Record<WasmBinaryName, string>;
  /** wasm: false forces the non-SIMD binary. Default: use SIMD where the runtime has it. */
  simd?: boolean;
  /**
   * wasm: XNNPACK thread count (1..8). Browser: honoured when the page is cross-origin isolated
   * (tfjs then runs its threaded SIMD build). Node: above 1, this package runs tfjs's threaded
   * SIMD build on worker_threads (see backend_setup/node_threaded_wasm.ts); default 1 in Node.
   */
  threads?: number;
}

export interface EnabledBackend {
  backend: EngineBackendName;
  /** wasm: whether a SIMD binary runs. false for cpu and webgl. */
  simd: boolean;
  /** Threads the backend computes on (wasm: XNNPACK's pool size; 1 for cpu and webgl). */
  threads: number;
  /** wasm: the tfjs binary that runs. */
  wasmBinary?: WasmBinaryName;
  /** wasm: whether the heap is a SharedArrayBuffer (threaded build; RoIAlign then runs on it too). */
  sharedMemory?: boolean;
  /** webgl: the WebGL version tfjs uses (1 or 2). */
  webglVersion?: number;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions.node === 'string';
}

/** The tfjs-backend-wasm dist folder (holding the .wasm binaries) in a CommonJS Node build. */
function nodeWasmDistPrefix(): string | undefined {
  if (typeof require !== 'function' || typeof require.resolve !== 'function') return undefined;
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');
  const sep = main.includes('\\') ? '\\' : '/';
  return main.slice(0, main.lastIndexOf(sep) + 1);
}

/** Whether tfjs has already created the backend (without creating it, unlike tf.findBackend). */
function isInitialised(name: EngineBackendName): boolean {
  return Object.prototype.hasOwnProperty.call(tf.engine().registry, name);
}

async function switchTo(name: EngineBackendName): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    // e.g. tfjs-backend-webgl registers no 'webgl' backend outside a browser
    throw new EngineBackendError(`initBackend: tfjs could not initialise the '${name}' backend: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!ok || tf.getBackend() !== name) throw new EngineBackendError(`initBackend: tfjs could not initialise the '${name}' backend (see tfjs's warning above)`);
  await tf.ready();
}

async function initCpu(): Promise<EnabledBackend> {
  await import('@tensorflow/tfjs-backend-cpu');
  registerCpuKernels();
  await switchTo('cpu');
  return { backend: 'cpu', simd: false, threads: 1 };
}

function checkThreads(threads: number | undefined, simd: boolean | undefined): void {
  if (threads === undefined) return;
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
    throw new EngineArgumentError(`initBackend: options.threads must be an integer in [1, 8], got ${threads}`);
  }
  if (threads > 1 && simd === false) {
    throw new EngineArgumentError('initBackend: options.threads > 1 needs the threaded SIMD build; drop simd: false');
  }
}

/** In Node with threads > 1: replaces tfjs's 'wasm' factory by the threaded SIMD module. */
async function registerNodeThreadedWasm(threads: number, paths: InitBackendOptions['wasmPaths']): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const setup = await import('./backend_setup/node_threaded_wasm');
  const binaryDir = typeof paths === 'string' ? paths : undefined;
  const located = await setup.installedThreadedPaths(binaryDir);
  const binary = typeof paths === 'object' ? paths['tfjs-backend-wasm-threaded-simd.wasm'] : located.binary;
  const module = await setup.createThreadedWasmModule(threads, { ...located, binary });
  wasm.setThreadsCount(threads);
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => {
    const backend = new wasm.BackendWasm(module); // creates the XNNPACK pool: workers start here
    setup.unrefWorkers(module);
    return backend;
  }, 2);
}

async function initWasm(opts: InitBackendOptions): Promise<EnabledBackend> {
  checkThreads(opts.threads, opts.simd);
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const threads = opts.threads ?? 1;
  if (!isInitialised('wasm')) {
    const paths = opts.wasmPaths ?? (isNode() ? nodeWasmDistPrefix() : undefined);
    if (isNode() && threads > 1) {
      await registerNodeThreadedWasm(threads, paths);
    } else {
      if (paths !== undefined) wasm.setWasmPaths(paths);
      if (opts.simd === false) tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
      if (opts.threads !== undefined) wasm.setThreadsCount(opts.threads);
    }
  }
  const kernels = await EngineWasmModule.compile();
  registerWasmKernels(kernels);
  await withBrowserLogicalCores(2 * threads, () => switchTo('wasm'));
  const backend = tf.backend();
  if (!isWasmBackend(backend)) throw new EngineBackendError('initBackend: the wasm backend is not a tfjs-backend-wasm BackendWasm');
  const memory = wasmBackendMemory(backend);
  await kernels.prepare(memory);
  const sharedMemory = isSharedMemory(memory);
  const simd = sharedMemory || (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const wasmBinary: WasmBinaryName = sharedMemory ? 'tfjs-backend-wasm-threaded-simd.wasm'
    : simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  return { backend: 'wasm', simd, threads: wasm.getThreadsCount(), wasmBinary, sharedMemory };
}

async function initWebGL(): Promise<EnabledBackend> {
  await import('@tensorflow/tfjs-backend-webgl');
  registerWebGLKernels();
  await switchTo('webgl');
  return { backend: 'webgl', simd: false, threads: 1, webglVersion: tf.env().getNumber('WEBGL_VERSION') };
}

/**
 * Loads and selects a backend with this package's kernels: `await initBackend('wasm', {threads: 2})`.
 * Works in Node (cpu, wasm) and browsers (cpu, wasm, webgl); needs no network in Node. Returns
 * what was actually enabled. A backend that tfjs already initialised is reused as it is (its
 * settings cannot change within a process), and the report says what it runs with.
 */
export async function initBackend(name: EngineBackendName, opts: InitBackendOptions = {}): Promise<EnabledBackend> {
  switch (name) {
    case 'cpu': return initCpu();
    case 'wasm': return initWasm(opts);
    case 'webgl': return initWebGL();
    default: throw new EngineArgumentError(`initBackend: unknown backend ${String(name)}`);
  }
}
