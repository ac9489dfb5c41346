/**
 * MultiLevelRoIAlign on the webgl backend: one GPGPU program reading every level's texture
 * directly (no download to the CPU).
 */
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { MultiLevelRoIAlign, ROI_LEVEL_NAMES } from '../../kernel_names';
import { resolveRoIAlignAttrs } from '../../roi_align_attrs';
import { leadingInputs, TypedKernel } from '../typed_kernel';
import { MultiLevelRoIAlignProgram } from './multi_level_roi_align_gpu';

export function isWebGLBackend(b: object): b is MathBackendWebGL {
  return 'runWebGLProgram' in b && 'gpgpu' in b;
}

export const multiLevelRoIAlignWebGL: TypedKernel<MathBackendWebGL, typeof MultiLevelRoIAlign> = {
  kernelName: MultiLevelRoIAlign,
  backendName: 'webgl',
  isBackend: isWebGLBackend,
  kernelFunc({ inputs, backend, attrs }) {
    const a = resolveRoIAlignAttrs(attrs);
    const { rois } = inputs;
    const feats = leadingInputs(inputs, ROI_LEVEL_NAMES);
    const numRois = rois.shape[0];
    if (numRois === 0) {
      return backend.makeTensorInfo([0, a.outputSize, a.outputSize, feats[0].shape[3]], 'float32', new Float32Array(0));
    }
    const program = new MultiLevelRoIAlignProgram(feats.map((t) => t.shape), numRois, a);
    return backend.runWebGLProgram(program, [rois, ...feats], 'float32');
  },
};
