/**
 * MultiLevelRoIAlign on the wasm backend: csrc/roi_align.c runs on the backend's own memory,
 * reading the feature maps and RoIs where tfjs keeps them and writing into the output tensor.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { MultiLevelRoIAlign, ROI_LEVEL_NAMES, RoIAreaMode } from '../../kernel_names';
import { levelAreaThresholds, resolveRoIAlignAttrs } from '../../roi_align_attrs';
import { leadingInputs, TypedKernel } from '../typed_kernel';
import { EngineWasmModule } from './kernels_module';
import { isWasmBackend, memoryOffset, wasmBackendMemory } from './wasm_backend_access';

/** Bytes per level record, as `Level` in csrc/roi_align.c. */
const LEVEL_BYTES = 32;

export function multiLevelRoIAlignWasm(module: EngineWasmModule): TypedKernel<BackendWasm, typeof MultiLevelRoIAlign> {
  return {
    kernelName: MultiLevelRoIAlign,
    backendName: 'wasm',
    isBackend: isWasmBackend,
    kernelFunc({ inputs, backend, attrs }) {
      const a = resolveRoIAlignAttrs(attrs);
      const { rois } = inputs;
      const feats = leadingInputs(inputs, ROI_LEVEL_NAMES);
      const channels = feats[0].shape[3];
      const numRois = rois.shape[0];
      const out = backend.makeOutput([numRois, a.outputSize, a.outputSize, channels], 'float32');
      if (numRois === 0) return out;
      const memory = wasmBackendMemory(backend);
      const run = module.entryFor(memory).multiLevelRoIAlign;
      const thresholds = [0, ...levelAreaThresholds(a, feats.length)];
      const desc = backend.wasm._malloc(LEVEL_BYTES * feats.length);
      try {
        const view = new DataView(memory.buffer); // afresh: _malloc may have grown the memory
        feats.forEach((f, i) => {
          const p = desc + LEVEL_BYTES * i;
          view.setInt32(p, memoryOffset(backend, f), true);
          view.setInt32(p + 4, f.shape[1], true);
          view.setInt32(p + 8, f.shape[2], true);
          view.setInt32(p + 12, 0, true);
          view.setFloat64(p + 16, a.spatialScales[i], true);
          view.setFloat64(p + 24, thresholds[i], true);
        });
        run(memoryOffset(backend, rois), numRois, memoryOffset(backend, out), channels, a.outputSize,
          a.samplingRatio, a.aligned ? 1 : 0, a.areaMode === RoIAreaMode.LegacyPlusOne ? 1 : 0, desc, feats.length);
      } finally {
        backend.wasm._free(desc);
      }
      return out;
    },
  };
}
