/** Registers @mrcnn/engine's webgl kernels (call once; never done on import). */
import { registerTypedKernel } from '../typed_kernel';
import { multiLevelRoIAlignWebGL } from './MultiLevelRoIAlign';

export function registerWebGLKernels(): void {
  registerTypedKernel(multiLevelRoIAlignWebGL);
}
