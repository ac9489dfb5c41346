/**
 * @mrcnn/engine/internal: pieces that are not the package's API but that the model's tests and
 * the benchmarks use. No stability promise. The public API is ./index (`@mrcnn/engine`).
 */
// tfjs-backend-wasm's heap, reached structurally (memory probes and the bench's memory figures)
export { isWasmBackend, wasmBackendMemory } from './kernels/wasm/wasm_backend_access';
// tfjs-wasm's threaded SIMD factory source as vendored (the browser bundler test compares a user's build against it)
export { THREADED_SIMD_SOURCE } from './backend_setup/tfjs_wasm_threaded_source';
