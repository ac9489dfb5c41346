/**
 * Overwrites a cpu-backend tensor's values in place: tfjs-backend-cpu keeps each tensor's values
 * as one typed array in its data store (`backend.data.get(dataId).values`), which its kernels read
 * on every use, so writing into that array changes the tensor without a new allocation.
 * Reached through the cpu registry entry's `writeInPlace` (ops/overwrite_tensor.ts).
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/** False when `backend` does not keep `t`'s values as a typed array like `values` (same type and length). */
export function cpuWriteInPlace(backend: KernelBackend, t: TensorInfo, values: Float32Array | Int32Array): boolean {
  const data: unknown = Reflect.get(backend, 'data');
  if (typeof data !== 'object' || data === null) return false;
  const store = data as { has?: (id: object) => boolean; get?: (id: object) => { values?: unknown } | undefined };
  if (typeof store.has !== 'function' || typeof store.get !== 'function' || !store.has(t.dataId)) return false;
  const stored = store.get(t.dataId)?.values;
  const sameKind = values instanceof Float32Array ? stored instanceof Float32Array : stored instanceof Int32Array;
  if (!sameKind || (stored as Float32Array | Int32Array).length !== values.length) return false;
  (stored as Float32Array | Int32Array).set(values);
  return true;
}
