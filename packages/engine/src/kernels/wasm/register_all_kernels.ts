/** Registers @mrcnn/engine's wasm kernels (call once; never done on import). */
import { registerTypedKernel } from '../typed_kernel';
import { multiLevelRoIAlignWasm } from './MultiLevelRoIAlign';
import { RoIAlignWasmModule } from './roi_align_module';

export function registerWasmKernels(roiAlign: RoIAlignWasmModule): void {
  registerTypedKernel(multiLevelRoIAlignWasm(roiAlign));
}
