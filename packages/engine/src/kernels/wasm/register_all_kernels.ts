/** Registers @mrcnn/engine's wasm kernels (call once; never done on import). */
import { registerTypedKernel } from '../typed_kernel';
import { EngineWasmModule } from './kernels_module';
import { multiLevelRoIAlignWasm } from './MultiLevelRoIAlign';
import { packedGemmWasm } from './PackedGemm';
import {
  winogradInputTransformWasm, winogradOutputTransformWasm, winogradStackedInputWasm, winogradStackedOutputWasm,
} from './WinogradTransforms';

export function registerWasmKernels(kernels: EngineWasmModule): void {
  registerTypedKernel(multiLevelRoIAlignWasm(kernels));
  registerTypedKernel(winogradInputTransformWasm(kernels));
  registerTypedKernel(winogradOutputTransformWasm(kernels));
  registerTypedKernel(packedGemmWasm(kernels));
  registerTypedKernel(winogradStackedInputWasm(kernels));
  registerTypedKernel(winogradStackedOutputWasm(kernels));
}
