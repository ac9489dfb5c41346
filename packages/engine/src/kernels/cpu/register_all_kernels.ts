/** Registers @mrcnn/engine's cpu kernels (call once; never done on import). */
import { registerTypedKernel } from '../typed_kernel';
import { multiLevelRoIAlignCpu } from './MultiLevelRoIAlign';
import { winogradInputTransformCpu, winogradOutputTransformCpu } from './WinogradTransforms';

export function registerCpuKernels(): void {
  registerTypedKernel(multiLevelRoIAlignCpu);
  registerTypedKernel(winogradInputTransformCpu);
  registerTypedKernel(winogradOutputTransformCpu);
}
