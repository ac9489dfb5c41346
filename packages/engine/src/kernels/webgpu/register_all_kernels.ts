/** Registers @mrcnn/engine's webgpu kernels (call once; never done on import). */
import { registerTypedKernel } from '../typed_kernel';
import { multiLevelRoIAlignWebGPU } from './MultiLevelRoIAlign';

export function registerWebGPUKernels(): void {
  registerTypedKernel(multiLevelRoIAlignWebGPU);
}
