/**
 * MultiLevelRoIAlign on the webgpu backend: one WGSL compute dispatch reading every level's
 * storage buffer directly (no download to the CPU); the output stays on the GPU.
 */
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { MultiLevelRoIAlign, ROI_LEVEL_NAMES } from '../../kernel_names';
import { resolveRoIAlignAttrs } from '../../roi_align_attrs';
import { leadingInputs, TypedKernel } from '../typed_kernel';
import { MultiLevelRoIAlignProgram } from './multi_level_roi_align_wgsl';

export function isWebGPUBackend(b: object): b is WebGPUBackend {
  return 'runWebGPUProgram' in b && 'device' in b;
}

export const multiLevelRoIAlignWebGPU: TypedKernel<WebGPUBackend, typeof MultiLevelRoIAlign> = {
  kernelName: MultiLevelRoIAlign,
  backendName: 'webgpu',
  isBackend: isWebGPUBackend,
  kernelFunc({ inputs, backend, attrs }) {
    const a = resolveRoIAlignAttrs(attrs);
    const { rois } = inputs;
    const feats = leadingInputs(inputs, ROI_LEVEL_NAMES);
    const numRois = rois.shape[0];
    const channels = feats[0].shape[3];
    if (numRois === 0) {
      return backend.makeTensorInfo([0, a.outputSize, a.outputSize, channels], 'float32', new Float32Array(0));
    }
    const program = new MultiLevelRoIAlignProgram(feats.length, numRois, channels, a);
    return backend.runWebGPUProgram(program, [rois, ...feats], 'float32');
  },
};
