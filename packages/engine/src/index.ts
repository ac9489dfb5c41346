/**
 * @mrcnn/engine: tfjs backend set-up and custom kernels for instance-segmentation-security-0049.
 * Nothing here registers kernels with tfjs or switches backends on import: call `initBackend` (or
 * the `register*Kernels` functions) explicitly. The backend registry (`registeredBackends()`) holds
 * the built-in cpu, wasm, webgl and webgpu entries from the start; `registerBackend` adds others.
 */
export { EngineArgumentError, EngineBackendError, ThreadedWasmSetupError, WasmWorkerSourceError } from './errors';
export { MultiLevelRoIAlign, RoIAreaMode, MAX_ROI_LEVELS } from './kernel_names';
export type {
  EngineKernelInputs, EngineKernelName, EngineKernelOutputs, KernelInputMap, MultiLevelRoIAlignAttrs,
  MultiLevelRoIAlignInputs, WinogradInputTransformInputs, WinogradOutputTransformInputs,
} from './kernel_names';
export { DEFAULT_ROI_ALIGN_0049, levelAreaThresholds, roiLevelIndex, roiMappingArea } from './roi_align_attrs';
export type { ResolvedRoIAlignAttrs } from './roi_align_attrs';
export { multiLevelRoIAlign, validateRoIAlignAttrs } from './ops/multi_level_roi_align';
export { multiLevelRoIAlignImpl } from './kernels/cpu/multi_level_roi_align_impl';
export type { FeatureLevel } from './kernels/cpu/multi_level_roi_align_impl';
export { registerCpuKernels } from './kernels/cpu/register_all_kernels';
export { registerWasmKernels } from './kernels/wasm/register_all_kernels';
export { EngineWasmModule } from './kernels/wasm/kernels_module';
export type { KernelEntries } from './kernels/wasm/kernels_module';
export { registerWebGLKernels } from './kernels/webgl/register_all_kernels';
export { registerWebGPUKernels } from './kernels/webgpu/register_all_kernels';
export { initBackend } from './backends';
export type { EngineBackendName, EnabledBackend, InitBackendOptions, WasmBinaryName, WebGPUAdapterReport } from './backends';
export {
  backendEntry, kernelPlanFor, registerBackend, registeredBackendNames, registeredBackends,
} from './registry/registry';
export type { BuiltinBackendName } from './registry/builtin_backends';
export { STOCK_KERNEL_PLAN } from './registry/backend_entry';
export type { BackendCapabilities, BackendEntry, BackendEnvironment, BackendKernelPlan } from './registry/backend_entry';
export { currentEnvironment, runsIn } from './registry/environment';
export {
  WinogradInputTransform, WinogradOutputTransform, WINOGRAD_POSITIONS, PackedGemm, PACKED_GEMM_PANEL,
  WinogradStackedInput, WinogradStackedOutput, winogradPositions,
} from './kernel_names';
export type { WinogradOutputTile, WinogradOutputTransformAttrs } from './kernel_names';
export { overwriteTensor } from './ops/overwrite_tensor';
export {
  isPackedWinogradFilters, winogradConv2d, winogradFilter, winogradFilterValues, winogradPackedFilter, winogradPackedSupported,
  winogradSupported,
} from './ops/winograd_conv2d';
export type { WinogradConvOptions, WinogradFilters } from './ops/winograd_conv2d';
export { winograd4FilterValues, winograd4InputTransformImpl, winograd4OutputTransformImpl, winograd4Tiles } from './kernels/cpu/winograd4_impl';
export { winogradStackedInputImpl, winogradStackedOutputImpl, winogradStackedTiles } from './kernels/cpu/winograd_stacked_impl';
export { winogradInputTransformImpl, winogradOutputTransformImpl, winogradTiles } from './kernels/cpu/winograd_impl';
export { packedGemm, packedGemmSupported, packedGemmWeights, packedGemmWeightsBatch } from './ops/packed_gemm';
export type { PackedGemmOptions, PackedGemmWeights } from './ops/packed_gemm';
export { packGemmWeights, packedGemmImpl } from './kernels/cpu/packed_gemm_impl';
export { packedGemmGeometry, packedGemmLength } from './packed_gemm_attrs';
export type { PackedGemmGeometry } from './packed_gemm_attrs';
