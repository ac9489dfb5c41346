/**
 * What the wasm kernel needs from tfjs-backend-wasm's BackendWasm, checked structurally so that
 * importing this file does not import (and register) the wasm backend.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { EngineBackendError } from '../../errors';

export function isWasmBackend(b: object): b is BackendWasm {
  return 'dataIdMap' in b && 'makeOutput' in b && 'wasm' in b;
}

function memoryAt(owner: unknown, key: string): WebAssembly.Memory | undefined {
  if (typeof owner !== 'object' || owner === null) return undefined;
  const v: unknown = Reflect.get(owner, key);
  return v instanceof WebAssembly.Memory ? v : undefined;
}

/**
 * The backend's heap, a WebAssembly.Memory. tfjs-backend-wasm 4.22's Emscripten glue exposes it
 * differently per build (see wasm-out/*.js):
 * - threaded builds create the (shared) memory in JS, import it and set `Module.wasmMemory`;
 *   the instance does not export it, so `Module.asm.memory` is absent;
 * - non-threaded builds export it: `Module.asm.memory` (`wasmMemory = Module["asm"]["memory"]`);
 * - newer Emscripten names the exports `Module.wasmExports`.
 */
export function wasmBackendMemory(backend: BackendWasm): WebAssembly.Memory {
  const m: unknown = backend.wasm;
  const memory = memoryAt(m, 'wasmMemory')
    ?? memoryAt(typeof m === 'object' && m !== null ? Reflect.get(m, 'asm') : undefined, 'memory')
    ?? memoryAt(typeof m === 'object' && m !== null ? Reflect.get(m, 'wasmExports') : undefined, 'memory');
  if (memory === undefined) {
    throw new EngineBackendError('tfjs-backend-wasm: cannot find the module memory (looked for backend.wasm.wasmMemory, '
      + 'backend.wasm.asm.memory, backend.wasm.wasmExports.memory)');
  }
  return memory;
}

/** Byte offset of a tensor's data in the backend's memory. */
export function memoryOffset(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/** tfjs-wasm's thread count (the caller's thread included; 1 where unknown). */
export function wasmThreadsOf(backend: BackendWasm): number {
  const t = backend.wasm.tfjs.getThreadsCount();
  return Number.isInteger(t) && t > 0 ? t : 1;
}
