/**
 * The typed kernel bridge and the kernel contract: a kernel reached without a required input, on
 * the wrong kind of backend, with bad attrs or a non-float32 input throws a typed error naming it.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { EngineArgumentError, EngineBackendError } from '../errors';
import {
  MAX_ROI_LEVELS, MultiLevelRoIAlign, ROI_LEVEL_NAMES, WINOGRAD_POSITIONS, WINOGRAD_PRODUCT_NAMES,
  WinogradInputTransform, winogradOutputTransformInputs,
} from '../kernel_names';
import { kernelAttrMap, DEFAULT_ROI_ALIGN_0049 } from '../roi_align_attrs';
import { validateRoIAlignAttrs } from '../ops/multi_level_roi_align';
import { registerCpuKernels } from './cpu/register_all_kernels';
import { toKernelConfig, TypedKernel } from './typed_kernel';

beforeAll(async () => {
  registerCpuKernels();
  await tf.setBackend('cpu');
});

describe('kernel contract', () => {
  it('names one input per level and per tile position', () => {
    expect(ROI_LEVEL_NAMES).toHaveLength(MAX_ROI_LEVELS);
    expect(WINOGRAD_PRODUCT_NAMES).toHaveLength(WINOGRAD_POSITIONS);
    const m = Array.from({ length: WINOGRAD_POSITIONS }, (_, k) => ({ dataId: {}, shape: [k], dtype: 'float32' as const }));
    const inputs = winogradOutputTransformInputs(m);
    expect(WINOGRAD_PRODUCT_NAMES.map((n) => inputs[n].shape[0])).toEqual(m.map((_, k) => k));
    expect(inputs.bias).toBeUndefined();
    expect(() => winogradOutputTransformInputs(m.slice(1))).toThrow(EngineArgumentError);
  });
});

describe('typed kernel bridge', () => {
  it('a missing required input: EngineArgumentError naming it', () => {
    const f = tf.zeros([1, 4, 4, 2]);
    const attrs = kernelAttrMap(validateRoIAlignAttrs({ ...DEFAULT_ROI_ALIGN_0049, spatialScales: [1] }, 1));
    try {
      expect(() => tf.engine().runKernel(MultiLevelRoIAlign, { level0: f }, attrs)).toThrow(EngineArgumentError);
      expect(() => tf.engine().runKernel(MultiLevelRoIAlign, { level0: f }, attrs)).toThrow(/MrcnnMultiLevelRoIAlign: missing input\(s\) rois/);
    } finally {
      f.dispose();
    }
  });

  it('bad attrs and non-float32 inputs: EngineArgumentError naming the kernel', () => {
    const x = tf.zeros([1, 4, 4, 2]);
    const xi = tf.zeros([1, 4, 4, 2], 'int32');
    const before = tf.memory().numTensors;
    try {
      expect(() => tf.engine().runKernel(WinogradInputTransform, { x }, { firstPosition: 15, numPositions: 2 })).toThrow(EngineArgumentError);
      expect(() => tf.engine().runKernel(WinogradInputTransform, { x }, { firstPosition: 15, numPositions: 2 })).toThrow(/MrcnnWinogradInputTransform.*bad attrs/);
      expect(() => tf.engine().runKernel(WinogradInputTransform, { x: xi })).toThrow(/MrcnnWinogradInputTransform: expected a float32 input, got int32/);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tf.dispose([x, xi]);
    }
  });

  it('a backend of the wrong kind: EngineBackendError', () => {
    const kernel: TypedKernel<{ kind: 'never' }, typeof WinogradInputTransform> = {
      kernelName: WinogradInputTransform,
      backendName: 'cpu',
      isBackend: (b): b is { kind: 'never' } => 'kind' in b,
      kernelFunc: () => { throw new Error('unreachable'); },
    };
    const x = { dataId: {}, shape: [1, 2, 2, 1], dtype: 'float32' as const };
    expect(() => toKernelConfig(kernel).kernelFunc({ inputs: { x }, backend: {}, attrs: {} })).toThrow(EngineBackendError);
  });
});
