/**
 * Overwrites a wasm-backend tensor's values in place: tfjs-backend-wasm keeps each tensor's bytes
 * in its heap at `dataIdMap.get(dataId).memoryOffset`, where its kernels (and this package's C
 * kernels) read them, so copying new values there changes the tensor without an allocation. The
 * heap can grow between calls: its buffer is taken afresh on every call.
 * Reached through the wasm registry entry's `writeInPlace` (ops/overwrite_tensor.ts).
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { isWasmBackend, wasmBackendMemory } from './wasm_backend_access';

/** False when `backend` is not tfjs-backend-wasm or does not hold `t`'s data. */
export function wasmWriteInPlace(backend: KernelBackend, t: TensorInfo, values: Float32Array | Int32Array): boolean {
  if (!isWasmBackend(backend) || !backend.dataIdMap.has(t.dataId)) return false;
  const { memoryOffset } = backend.dataIdMap.get(t.dataId);
  const heap = wasmBackendMemory(backend).buffer;
  const target = values instanceof Float32Array
    ? new Float32Array(heap, memoryOffset, values.length)
    : new Int32Array(heap, memoryOffset, values.length);
  target.set(values);
  return true;
}
