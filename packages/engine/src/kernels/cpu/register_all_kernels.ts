/** Registers @mrcnn/engine's cpu kernels (call once; never done on import). */
import { registerTypedKernel } from '../typed_kernel';
import { multiLevelRoIAlignCpu } from './MultiLevelRoIAlign';
import { packedGemmCpu } from './PackedGemm';
import {
  winogradInputTransformCpu, winogradOutputTransformCpu, winogradStackedInputCpu, winogradStackedOutputCpu,
} from './WinogradTransforms';

export function registerCpuKernels(): void {
  registerTypedKernel(multiLevelRoIAlignCpu);
  registerTypedKernel(winogradInputTransformCpu);
  registerTypedKernel(winogradOutputTransformCpu);
  registerTypedKernel(packedGemmCpu);
  registerTypedKernel(winogradStackedInputCpu);
  registerTypedKernel(winogradStackedOutputCpu);
}
