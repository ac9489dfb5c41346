/**
 * tfjs-backend-wasm's threaded SIMD build under Node with worker_threads (tfjs only runs it in
 * cross-origin-isolated browsers: its WASM_HAS_MULTITHREAD_SUPPORT flag is false under Node,
 * tfjs issue 3830). What it takes, all done here and nowhere else:
 * 1. the Emscripten factory `wasm-out/tfjs-backend-wasm-threaded-simd.js`, given a worker script
 *    written to a temporary file from the package's `wasmWorkerContents` (its "\n" escapes restored
 *    as tfjs does for its Blob) and, as main script, the factory file itself (each worker
 *    `importScripts` it with Node's fs);
 * 2. a logical core count of 2 x threads while the module's static constructors run: the C++
 *    backend caps the XNNPACK pool at emscripten_num_logical_cores() / 2, which is
 *    `require("os").cpus().length` under Node (so 1 thread on a 2-core machine), whatever
 *    setThreadsCount asks for;
 * 3. the module registered as the 'wasm' backend (`new BackendWasm(module)`), replacing tfjs's
 *    own factory entry; the worker threads are unref'ed so they never keep Node alive.
 * Only imported (lazily) by initBackend in Node; nothing here runs on import. Errors:
 * ThreadedWasmSetupError (../errors, re-exported here).
 */
import type { BackendWasmThreadedSimdModule, WasmFactoryConfig } from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd';
import { ThreadedWasmSetupError } from '../errors';
import { exportOf } from './module_export';

export { ThreadedWasmSetupError };

type CWrap = (name: string, returnType: string | null, argTypes: string[]) => (...args: number[]) => number;

/** The parts of the Emscripten module this file touches beyond tfjs's own typing. */
interface EmscriptenThreadedModule {
  cwrap: CWrap;
  PThread: { runningWorkers: Array<{ unref?: () => void }>; unusedWorkers: Array<{ unref?: () => void }> };
}

type ThreadedFactory = (config: WasmFactoryConfig) => Promise<unknown>;

const FACTORY = 'tfjs-backend-wasm-threaded-simd.js';
const WORKER = 'tfjs-backend-wasm-threaded-simd.worker.js';
const BINARY = 'tfjs-backend-wasm-threaded-simd.wasm';

function isFactory(f: unknown): f is ThreadedFactory {
  return typeof f === 'function';
}

function isThreadedModule(m: unknown): m is EmscriptenThreadedModule & BackendWasmThreadedSimdModule {
  if (typeof m !== 'object' || m === null) return false;
  const pthread: unknown = Reflect.get(m, 'PThread');
  return typeof Reflect.get(m, 'cwrap') === 'function' && typeof pthread === 'object' && pthread !== null
    && Array.isArray(Reflect.get(pthread, 'runningWorkers'));
}

/** Adds the `tfjs` namespace exactly as tfjs-backend-wasm's own init() does. */
function addTfjsApi(m: EmscriptenThreadedModule & BackendWasmThreadedSimdModule): void {
  const f = m.cwrap;
  m.tfjs = {
    init: f('init', null, []),
    initWithThreadsCount: f('init_with_threads_count', null, ['number']),
    getThreadsCount: f('get_threads_count', 'number', []),
    registerTensor: f('register_tensor', null, ['number', 'number', 'number']),
    disposeData: f('dispose_data', null, ['number']),
    dispose: f('dispose', null, []),
  };
}

export interface ThreadedWasmPaths {
  /** Folder holding the Emscripten glue and worker source (tfjs-backend-wasm/wasm-out). */
  wasmOutDir: string;
  /** Full path of tfjs-backend-wasm-threaded-simd.wasm. */
  binary: string;
}

/** Where the installed tfjs-backend-wasm keeps the threaded build (no network: local files only). */
export async function installedThreadedPaths(binaryDir: string | undefined): Promise<ThreadedWasmPaths> {
  const path = await import('path');
  const { createRequire } = await import('module');
  const req = createRequire(path.join(process.cwd(), 'noop.js'));
  let main: string;
  try {
    // CommonJS builds have require.resolve; ES module builds (a bundler's require shim has no
    // resolve) resolve from the working directory.
    main = typeof require === 'function' && typeof require.resolve === 'function'
      ? require.resolve('@tensorflow/tfjs-backend-wasm') : req.resolve('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    throw new ThreadedWasmSetupError(`cannot resolve @tensorflow/tfjs-backend-wasm (${String(e)})`);
  }
  const pkgDir = path.dirname(path.dirname(main));
  return { wasmOutDir: path.join(pkgDir, 'wasm-out'), binary: path.join(binaryDir ?? path.join(pkgDir, 'dist'), BINARY) };
}

/** Runs `body` while os.cpus() reports `count` entries (restored afterwards, even on failure). */
async function withLogicalCores<T>(count: number, body: () => Promise<T>): Promise<T> {
  // Patch the module object itself (what the Emscripten glue's require("os") returns), not a
  // namespace copy that import() may wrap around it (ES modules, bundlers' interop helpers).
  const ns = await import('os');
  const wrapped: unknown = Reflect.get(ns, 'default');
  const target: object = typeof wrapped === 'object' && wrapped !== null && typeof Reflect.get(wrapped, 'cpus') === 'function'
    ? wrapped : ns;
  const real: unknown = Reflect.get(target, 'cpus');
  const one = ns.cpus()[0];
  Reflect.set(target, 'cpus', () => Array.from({ length: count }, () => one));
  try {
    return await body();
  } finally {
    Reflect.set(target, 'cpus', real);
  }
}

/**
 * Instantiates the threaded SIMD build with a pool of `threads` XNNPACK threads (the module itself
 * pre-spawns 8 workers, tfjs's PTHREAD_POOL_SIZE; at most 8 threads).
 */
export async function createThreadedWasmModule(threads: number, paths: ThreadedWasmPaths): Promise<BackendWasmThreadedSimdModule> {
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
    throw new ThreadedWasmSetupError(`threads must be an integer in [1, 8], got ${threads}`);
  }
  const [fs, os, path] = await Promise.all([import('fs'), import('os'), import('path')]);
  const factoryFile = path.join(paths.wasmOutDir, FACTORY);
  for (const f of [factoryFile, path.join(paths.wasmOutDir, WORKER), paths.binary]) {
    if (!fs.existsSync(f)) throw new ThreadedWasmSetupError(`missing ${f}`);
  }
  const workerSource = exportOf(await import(path.join(paths.wasmOutDir, WORKER)), 'wasmWorkerContents');
  const factory = exportOf(await import(factoryFile), 'default');
  if (typeof workerSource !== 'string') throw new ThreadedWasmSetupError(`${WORKER} has no wasmWorkerContents`);
  if (!isFactory(factory)) throw new ThreadedWasmSetupError(`${FACTORY} does not export the module factory`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-tfjs-wasm-'));
  const workerFile = path.join(dir, WORKER);
  fs.writeFileSync(workerFile, workerSource.replace(/\n/g, '\\n'));
  const config: WasmFactoryConfig = {
    mainScriptUrlOrBlob: factoryFile,
    locateFile: (file: string, prefix: string) => {
      if (file.endsWith('.worker.js')) return workerFile;
      if (file.endsWith('.wasm')) return paths.binary;
      return prefix + file;
    },
  };
  const module: unknown = await withLogicalCores(2 * threads, () => factory(config));
  // The workers have read the worker file; it is not needed any more.
  fs.rmSync(dir, { recursive: true, force: true });
  if (!isThreadedModule(module)) throw new ThreadedWasmSetupError(`${FACTORY} returned no Emscripten pthread module`);
  addTfjsApi(module);
  return module;
}

/** Lets Node exit while the pool's workers wait for work (they hold a ref while running a pthread). */
export function unrefWorkers(module: BackendWasmThreadedSimdModule): void {
  if (!isThreadedModule(module)) return;
  for (const w of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) w.unref?.();
}
