/**
 * tfjs-backend-wasm's threaded SIMD build in a browser bundle that a minifier went through.
 *
 * tfjs starts its worker threads with the factory's own source text: the main script it gives
 * them is a Blob of `'var WasmBackendModuleThreadedSimd = ' + factory.toString()`. After a
 * minifier renamed the identifiers of the bundle, that text refers to variables of the bundle's
 * scope (Emscripten's `_scriptDir`, renamed to `e`; Vite 8 also turns its `typeof _scriptDir !==
 * "undefined"` guard into `e !== void 0`), every worker throws "ReferenceError: e is not defined"
 * while loading, and the module waits for them forever: `initBackend('wasm')` never settles.
 *
 * So before tfjs creates the backend in a page that will run the threaded build, the factory
 * function object (the very object tfjs imported: one module instance per bundle) gets an own
 * `toString` returning the verbatim factory file of the same tfjs-backend-wasm version, vendored as
 * a string constant (tfjs_wasm_threaded_source.ts; strings survive minifiers). With another
 * tfjs-backend-wasm version installed, the copy cannot be used: if the factory's own text is still
 * unminified it is left alone, otherwise this throws WasmWorkerSourceError at once, saying what to
 * change, rather than hanging.
 * Only imported (lazily) by the wasm registry entry outside Node; nothing runs on import.
 */
import { WasmWorkerSourceError } from '../errors';
import { exportOf } from './module_export';
import { THREADED_SIMD_SOURCE, THREADED_SIMD_SOURCE_VERSION } from './tfjs_wasm_threaded_source';

/** What tfjs prefixes with `var WasmBackendModuleThreadedSimd = `: an expression evaluating to the factory. */
export function workerFactoryExpression(): string {
  return `(function () {\n${THREADED_SIMD_SOURCE}\nreturn WasmBackendModuleThreadedSimd;\n})()`;
}

/**
 * Whether a factory's text still names Emscripten's `_scriptDir` (identifiers not renamed by a
 * minifier). The pattern says `_script[D]ir` so that a bundle holding this code names the
 * variable only where it holds the factory's text (test/browser/vite_user_app.test.ts counts them).
 */
export function isUnminifiedFactory(text: string): boolean {
  return /\btypeof _script[D]ir\b/.test(text);
}

/**
 * Makes tfjs-backend-wasm's threaded factory hand its workers a self-contained source (see the
 * file comment); `installedVersion` is tfjs-backend-wasm's `version_wasm`.
 */
export async function pinThreadedWorkerSource(installedVersion: string): Promise<void> {
  const mod: unknown = await import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd');
  pinWorkerSource(exportOf(mod, 'default'), installedVersion);
}

/** The decision of `pinThreadedWorkerSource` for a given factory object (exported for tests). */
export function pinWorkerSource(factory: unknown, installedVersion: string): void {
  if (typeof factory !== 'function') {
    throw new WasmWorkerSourceError('initBackend(\'wasm\'): @tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd exports no factory function');
  }
  if (installedVersion === THREADED_SIMD_SOURCE_VERSION) {
    Object.defineProperty(factory, 'toString', { value: workerFactoryExpression, configurable: true, writable: true });
    return;
  }
  if (isUnminifiedFactory(Function.prototype.toString.call(factory))) return;
  throw new WasmWorkerSourceError(`initBackend('wasm'): this page is cross-origin isolated, so tfjs-backend-wasm ${installedVersion} would run its `
    + 'threaded build, whose worker threads start from the source text of its factory function; the bundler minified that text '
    + '(identifiers renamed), so the workers would fail ("e is not defined") and the backend would never start. @mrcnn/engine carries an '
    + `unminified copy for tfjs-backend-wasm ${THREADED_SIMD_SOURCE_VERSION} only. Install @tensorflow/tfjs-backend-wasm@${THREADED_SIMD_SOURCE_VERSION}, `
    + 'or build without renaming identifiers (Vite: build.minify false; esbuild: --minify-whitespace --minify-syntax; terser: mangle false), '
    + 'or serve the page without COOP/COEP headers (single-threaded wasm).');
}
