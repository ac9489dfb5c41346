/** Registers @mrcnn/engine's cpu kernels (call once; never done on import). */
import { registerTypedKernel } from '../typed_kernel';
import { multiLevelRoIAlignCpu } from './MultiLevelRoIAlign';

export function registerCpuKernels(): void {
  registerTypedKernel(multiLevelRoIAlignCpu);
}
