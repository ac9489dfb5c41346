/**
 * The wasm backend (tfjs-backend-wasm): SIMD, an XNNPACK thread pool (in Node on worker_threads,
 * backend_setup/node_threaded_wasm.ts; in cross-origin-isolated pages tfjs's threaded build, whose
 * worker source is made minifier-proof by backend_setup/browser_threaded_wasm.ts), and this
 * package's C kernels computing in tfjs-wasm's own memory (kernels/wasm). The kernel module is
 * compiled once per process, on first use.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MAX_WASM_THREADS } from '@mrcnn/schema';
import { withBrowserLogicalCores } from '../backend_setup/browser_logical_cores';
import { EngineArgumentError, EngineBackendError } from '../errors';
import { EngineWasmModule, isSharedMemory } from '../kernels/wasm/kernels_module';
import { registerWasmKernels } from '../kernels/wasm/register_all_kernels';
import { isWasmBackend, wasmBackendMemory } from '../kernels/wasm/wasm_backend_access';
import { wasmWriteInPlace } from '../kernels/wasm/write_in_place';
import type { BackendEntry } from './backend_entry';
import { importBackendPackage } from './backend_package';
import type { InitBackendOptions, WasmBinaryName } from './enabled_backend';
import { isNode } from './environment';
import { isInitialised, switchTo } from './switch_backend';

let compiled: Promise<EngineWasmModule> | undefined;

/** The compiled C kernels, shared by every wasm backend instance (retried after a failure). */
function compiledKernels(): Promise<EngineWasmModule> {
  compiled ??= EngineWasmModule.compile().catch((e: unknown) => {
    compiled = undefined;
    throw e;
  });
  return compiled;
}

async function registerKernels(): Promise<void> {
  registerWasmKernels(await compiledKernels());
}

/** The tfjs-backend-wasm dist folder (holding the .wasm binaries) in a CommonJS Node build. */
function nodeWasmDistPrefix(): string | undefined {
  if (typeof require !== 'function' || typeof require.resolve !== 'function') return undefined;
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');
  const sep = main.includes('\\') ? '\\' : '/';
  return main.slice(0, main.lastIndexOf(sep) + 1);
}

function checkThreads(threads: number | undefined, simd: boolean | undefined): void {
  if (threads === undefined) return;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new EngineArgumentError(`initBackend: options.threads must be an integer in [1, ${MAX_WASM_THREADS}], got ${threads}`);
  }
  if (threads > 1 && simd === false) {
    throw new EngineArgumentError('initBackend: options.threads > 1 needs the threaded SIMD build; drop simd: false');
  }
}

type TfjsWasm = typeof import('@tensorflow/tfjs-backend-wasm');

const loadTfjsWasm = (): Promise<TfjsWasm> => importBackendPackage('wasm', '@tensorflow/tfjs-backend-wasm', () => import('@tensorflow/tfjs-backend-wasm'));

/** In Node with threads > 1: replaces tfjs's 'wasm' factory by the threaded SIMD module. */
async function registerNodeThreadedWasm(wasm: TfjsWasm, threads: number, paths: InitBackendOptions['wasmPaths']): Promise<void> {
  const setup = await import('../backend_setup/node_threaded_wasm');
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

/** Whether tfjs will start its threaded SIMD build (a cross-origin-isolated page with wasm threads and SIMD). */
async function runsThreadedBuild(): Promise<boolean> {
  const [threadsOk, simdOk] = await Promise.all([tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'), tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')]);
  return threadsOk === true && simdOk === true;
}

export const wasmBackend: BackendEntry<'wasm'> = {
  name: 'wasm',
  capabilities: { threads: true, simd: true, floatTextures: false, gpu: false, environments: ['node', 'browser'] },
  // the levers are what they were measured on (benchmarks/README.md, "Levers"; benchmarks/levers/README.md)
  kernelPlan: Object.freeze({ winograd: true, winogradMaxWeights: 256 * 256, denseColumnBlocks: 8, packedGemm: true, winogradOutputTile: 2, winogradPyramidOutputTile: 4 }),
  registerKernels,
  writeInPlace: wasmWriteInPlace,
  async init(opts) {
    checkThreads(opts.threads, opts.simd);
    const wasm = await loadTfjsWasm();
    const threads = opts.threads ?? 1;
    if (!isInitialised('wasm')) {
      const paths = opts.wasmPaths ?? (isNode() ? nodeWasmDistPrefix() : undefined);
      if (isNode() && threads > 1) {
        await registerNodeThreadedWasm(wasm, threads, paths);
      } else {
        if (paths !== undefined) wasm.setWasmPaths(paths);
        if (opts.simd === false) tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
        if (opts.threads !== undefined) wasm.setThreadsCount(opts.threads);
        if (!isNode() && await runsThreadedBuild()) {
          const { pinThreadedWorkerSource } = await import('../backend_setup/browser_threaded_wasm');
          await pinThreadedWorkerSource(wasm.version_wasm);
        }
      }
    }
    const kernels = await compiledKernels();
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
  },
};
