/**
 * Entry of the self-contained browser module `packages/model/dist/browser/mrcnn.mjs` (built by
 * scripts/build-esm.mjs): the model API, the engine and tfjs-core in one ES module, so that a plain
 * `<script type="module">` needs no bundler and creates tensors with the very tfjs the model runs on.
 * Every backend the engine registers comes with it (cpu, wasm, webgl, webgpu: the registry entries
 * import them, so esbuild bundles them in); `engine.initBackend(name)` picks one.
 * tfjs-backend-wasm's binaries are looked up next to this module (a page may call
 * `wasm.setWasmPaths` again, or pass `wasmPaths` to `engine.initBackend`, to move them).
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

setWasmPaths(new URL('./', import.meta.url).href);

export * from '@mrcnn/model';
export * as engine from '@mrcnn/engine';
export * as tf from '@tensorflow/tfjs-core';
export * as wasm from '@tensorflow/tfjs-backend-wasm';
