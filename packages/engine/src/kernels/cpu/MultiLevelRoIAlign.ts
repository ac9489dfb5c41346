/** MultiLevelRoIAlign on the cpu backend: reads the tensors' values in place, runs the reference impl. */
import { KernelBackend } from '@tensorflow/tfjs-core';
import { MultiLevelRoIAlign, ROI_LEVEL_NAMES } from '../../kernel_names';
import { resolveRoIAlignAttrs } from '../../roi_align_attrs';
import { leadingInputs, TypedKernel } from '../typed_kernel';
import { float32Values } from './float32_values';
import { FeatureLevel, multiLevelRoIAlignImpl } from './multi_level_roi_align_impl';

export const multiLevelRoIAlignCpu: TypedKernel<KernelBackend, typeof MultiLevelRoIAlign> = {
  kernelName: MultiLevelRoIAlign,
  backendName: 'cpu',
  isBackend: (b): b is KernelBackend => b instanceof KernelBackend,
  kernelFunc({ inputs, backend, attrs }) {
    const a = resolveRoIAlignAttrs(attrs);
    const { rois } = inputs;
    const feats = leadingInputs(inputs, ROI_LEVEL_NAMES);
    const channels = feats[0].shape[3];
    const levels: FeatureLevel[] = feats.map((f) => ({
      data: float32Values(backend, f, MultiLevelRoIAlign), height: f.shape[1], width: f.shape[2],
    }));
    const numRois = rois.shape[0];
    const out = multiLevelRoIAlignImpl(levels, channels, float32Values(backend, rois, MultiLevelRoIAlign), numRois, a);
    const shape = [numRois, a.outputSize, a.outputSize, channels];
    return { dataId: backend.write(out, shape, 'float32'), shape, dtype: 'float32' };
  },
};
