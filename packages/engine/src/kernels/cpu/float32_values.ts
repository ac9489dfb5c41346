/** A cpu-backend tensor's float32 values, read in place (the cpu kernels' one way in). */
import { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { EngineArgumentError } from '../../errors';

export function float32Values(backend: KernelBackend, t: TensorInfo, kernel: string): Float32Array {
  const v = backend.readSync(t.dataId);
  if (!(v instanceof Float32Array)) throw new EngineArgumentError(`${kernel}: expected a float32 input, got ${t.dtype} [${t.shape}]`);
  return v;
}
