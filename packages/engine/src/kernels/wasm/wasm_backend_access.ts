/**
 * What the wasm kernel needs from tfjs-backend-wasm's BackendWasm, checked structurally so that
 * importing this file does not import (and register) the wasm backend.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';

export function isWasmBackend(b: object): b is BackendWasm {
  return 'dataIdMap' in b && 'makeOutput' in b && 'wasm' in b;
}

/**
 * The backend's heap: Emscripten exports it as `Module.asm.memory` (tfjs-backend-wasm 4.22, see
 * wasm-out/tfjs-backend-wasm.js: `wasmMemory = Module["asm"]["memory"]`).
 */
export function wasmBackendMemory(backend: BackendWasm): WebAssembly.Memory {
  const asm: unknown = Reflect.get(backend.wasm, 'asm');
  const memory: unknown = typeof asm === 'object' && asm !== null ? Reflect.get(asm, 'memory') : undefined;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new Error('tfjs-backend-wasm: cannot find the module memory (expected backend.wasm.asm.memory)');
  }
  return memory;
}

/** Byte offset of a tensor's data in the backend's memory. */
export function memoryOffset(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}
