/** PackedGemm on the cpu backend: the TypeScript reference (packed_gemm_impl.ts) in place. */
import { KernelBackend } from '@tensorflow/tfjs-core';
import { PackedGemm } from '../../kernel_names';
import { packedGemmGeometry, resolvePackedGemmAttrs } from '../../packed_gemm_attrs';
import { TypedKernel } from '../typed_kernel';
import { float32Values } from './float32_values';
import { packedGemmImpl } from './packed_gemm_impl';

const isCpu = (b: object): b is KernelBackend => b instanceof KernelBackend;

export const packedGemmCpu: TypedKernel<KernelBackend, typeof PackedGemm> = {
  kernelName: PackedGemm,
  backendName: 'cpu',
  isBackend: isCpu,
  kernelFunc({ inputs, backend, attrs }) {
    const at = resolvePackedGemmAttrs(attrs);
    const { a, packed, bias, residual } = inputs;
    const g = packedGemmGeometry(a.shape, packed.shape, at, bias?.shape, residual?.shape);
    const values = (t: typeof a) => float32Values(backend, t, PackedGemm);
    const out = packedGemmImpl(values(a), values(packed), g, at.activation === 'relu',
      bias ? values(bias) : undefined, residual ? values(residual) : undefined);
    return { dataId: backend.write(out, g.outShape, 'float32'), shape: g.outShape, dtype: 'float32' };
  },
};
