/**
 * The minifier-proof worker source of tfjs-backend-wasm's threaded build (browser_threaded_wasm.ts):
 * the vendored text is the installed package's file, the expression tfjs's worker Blob gets
 * defines the factory in a scope of its own, and a minified factory is recognised (pinned when the
 * versions match, refused at once with WasmWorkerSourceError otherwise). The whole path in a
 * minified Vite production build runs in headless Chromium: test/browser/vite_user_app.test.ts.
 */
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { MrcnnError } from '@mrcnn/schema';
import { EngineBackendError, WasmWorkerSourceError } from '../errors';
import { isUnminifiedFactory, pinWorkerSource, workerFactoryExpression } from './browser_threaded_wasm';
import { THREADED_SIMD_SOURCE, THREADED_SIMD_SOURCE_VERSION } from './tfjs_wasm_threaded_source';

const wasmDir = path.dirname(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')));
const installed = {
  version: (JSON.parse(fs.readFileSync(path.join(wasmDir, 'package.json'), 'utf8')) as { version: string }).version,
  source: fs.readFileSync(path.join(wasmDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js'), 'utf8'),
};

/** The factory as a minifying bundler leaves it: the file minified (esbuild) inside a bundle's scope. */
function minifiedFactory(): (...args: unknown[]) => unknown {
  const { code } = esbuild.transformSync(`(function () {\n${installed.source}\nglobalThis.factory = WasmBackendModuleThreadedSimd;\n})();`, { minify: true });
  const context: { factory?: (...args: unknown[]) => unknown } = {};
  vm.runInNewContext(code, context);
  if (typeof context.factory !== 'function') throw new Error('the minified factory did not evaluate to a function');
  return context.factory;
}

describe('the threaded wasm worker source', () => {
  it('is the installed tfjs-backend-wasm\'s factory file, verbatim (npm run build rewrites it after an upgrade)', () => {
    expect(THREADED_SIMD_SOURCE_VERSION).toBe(installed.version);
    expect(THREADED_SIMD_SOURCE === installed.source).toBe(true);
  });

  it('gives tfjs\'s worker Blob an expression that defines the factory where nothing else is defined (a worker)', () => {
    const context: Record<string, unknown> = {};
    vm.runInNewContext(`var WasmBackendModuleThreadedSimd = ${workerFactoryExpression()};`, context);
    expect(typeof context.WasmBackendModuleThreadedSimd).toBe('function');
    expect(Object.keys(context)).toEqual(['WasmBackendModuleThreadedSimd']);
  });

  it('tells a minified factory from an unminified one', () => {
    expect(isUnminifiedFactory(installed.source)).toBe(true);
    const minified = Function.prototype.toString.call(minifiedFactory());
    expect(isUnminifiedFactory(minified)).toBe(false);
    expect(minified).not.toContain('_scriptDir');
  });

  it('pins the vendored source on the factory object tfjs uses when the versions match', () => {
    const factory = minifiedFactory();
    pinWorkerSource(factory, THREADED_SIMD_SOURCE_VERSION);
    expect(factory.toString()).toBe(workerFactoryExpression());
    expect(String(factory)).toContain('typeof _scriptDir');
  });

  it('with another tfjs-backend-wasm: leaves an unminified factory alone, refuses a minified one at once naming the fixes', () => {
    // eslint-disable-next-line no-new-func
    const plain = new Function('module', 'return typeof _scriptDir !== "undefined" ? module : undefined;');
    pinWorkerSource(plain, '4.99.0');
    expect(Object.prototype.hasOwnProperty.call(plain, 'toString')).toBe(false);
    const minified = minifiedFactory();
    let thrown: unknown;
    try {
      pinWorkerSource(minified, '4.99.0');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(WasmWorkerSourceError);
    expect(thrown).toBeInstanceOf(EngineBackendError);
    expect(thrown).toBeInstanceOf(MrcnnError);
    expect((thrown as Error).message).toMatch(/^initBackend\('wasm'\): this page is cross-origin isolated, so tfjs-backend-wasm 4\.99\.0 would run its threaded build/);
    expect((thrown as Error).message).toContain(`Install @tensorflow/tfjs-backend-wasm@${THREADED_SIMD_SOURCE_VERSION}`);
    expect((thrown as Error).message).toContain('Vite: build.minify false');
    expect(Object.prototype.hasOwnProperty.call(minified, 'toString')).toBe(false);
  });

  it('refuses a module without a factory function', () => {
    expect(() => pinWorkerSource({}, THREADED_SIMD_SOURCE_VERSION)).toThrow(WasmWorkerSourceError);
  });
});
