/** Op wrapper: argument validation and hand-checkable values on the cpu backend. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { EngineArgumentError } from '../errors';
import { MultiLevelRoIAlignAttrs, RoIAreaMode } from '../kernel_names';
import { registerCpuKernels } from '../kernels/cpu/register_all_kernels';
import { DEFAULT_ROI_ALIGN_0049, levelAreaThresholds, roiLevelIndex, roiMappingArea, resolveRoIAlignAttrs, kernelAttrMap } from '../roi_align_attrs';
import { multiLevelRoIAlign, validateRoIAlignAttrs } from './multi_level_roi_align';

const ONE_LEVEL: MultiLevelRoIAlignAttrs = { ...DEFAULT_ROI_ALIGN_0049, spatialScales: [1] };

beforeAll(async () => {
  registerCpuKernels();
  await tf.setBackend('cpu');
});

describe('multiLevelRoIAlign argument checks', () => {
  const f = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
  const rois = tf.tensor2d([[0, 0, 2, 2]]);
  afterAll(() => { f.dispose(); rois.dispose(); });

  it('rejects bad ranks, shapes, dtypes and attrs with EngineArgumentError', () => {
    const bad3 = tf.zeros([4, 4, 2]);
    const badRois = tf.zeros([1, 5]) as tf.Tensor2D;
    const intRois = tf.zeros([1, 4], 'int32') as tf.Tensor2D;
    const otherC = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    try {
      expect(() => multiLevelRoIAlign([bad3 as tf.Tensor4D], rois, ONE_LEVEL)).toThrow(/rank 4/);
      expect(() => multiLevelRoIAlign([f], badRois, ONE_LEVEL)).toThrow(/\[R, 4\]/);
      expect(() => multiLevelRoIAlign([f], intRois, ONE_LEVEL)).toThrow(/float32/);
      expect(() => multiLevelRoIAlign([f, otherC], rois, { ...ONE_LEVEL, spatialScales: [1, 0.5] })).toThrow(/same channels/);
      expect(() => multiLevelRoIAlign([f], rois, DEFAULT_ROI_ALIGN_0049)).toThrow(/one entry per feature level/);
      expect(() => multiLevelRoIAlign([], rois, ONE_LEVEL)).toThrow(EngineArgumentError);
      expect(() => multiLevelRoIAlign([f], rois, { ...ONE_LEVEL, outputSize: 0 })).toThrow(/outputSize/);
      expect(() => multiLevelRoIAlign([f], rois, { ...ONE_LEVEL, samplingRatio: -1 })).toThrow(/samplingRatio/);
      expect(() => multiLevelRoIAlign([f], rois, { ...ONE_LEVEL, areaMode: 'x' as RoIAreaMode })).toThrow(/areaMode/);
    } finally {
      tf.dispose([bad3, badRois, intRois, otherC]);
    }
  });
});

describe('multiLevelRoIAlign values (cpu)', () => {
  it('averages a linear ramp exactly and leaves no tensors behind', () => {
    // f(y, x, c) = 10 y + x + 100 c is reproduced exactly by bilinear sampling inside the map.
    const h = 8; const w = 8; const c = 2;
    const data = new Float32Array(h * w * c);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) data[(y * w + x) * c + k] = 10 * y + x + 100 * k;
    const f = tf.tensor4d(data, [1, h, w, c]);
    const rois = tf.tensor2d([[1, 2, 5, 6]]);
    const before = tf.memory().numTensors;
    const out = multiLevelRoIAlign([f], rois, { ...ONE_LEVEL, outputSize: 2 });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(out.shape).toEqual([1, 2, 2, 2]);
    // bins of 2 px, sample centres at +0.5 and +1.5 -> bin centre = start + 1 (+2 for the 2nd bin).
    const expected: number[] = [];
    for (const py of [3, 5]) for (const px of [2, 4]) for (let k = 0; k < c; k++) expected.push(10 * py + px + 100 * k);
    const got = Array.from(out.dataSync());
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    tf.dispose([f, rois, out]);
  });

  it('returns [0, size, size, C] for R = 0', () => {
    const f = tf.ones([1, 4, 4, 3]) as tf.Tensor4D;
    const rois = tf.zeros([0, 4]) as tf.Tensor2D;
    const out = multiLevelRoIAlign([f], rois, ONE_LEVEL);
    expect(out.shape).toEqual([0, 7, 7, 3]);
    tf.dispose([f, rois, out]);
  });
});

describe('level mapping', () => {
  const a = validateRoIAlignAttrs(DEFAULT_ROI_ALIGN_0049, 4);
  it('maps 0049 areas (w+1)(h+1) to P2..P5', () => {
    expect(roiLevelIndex(roiMappingArea(0, 0, 223, 223, a.areaMode), a, 4)).toBe(2); // s = 224 -> P4
    expect(roiLevelIndex(roiMappingArea(0, 0, 222, 222, a.areaMode), a, 4)).toBe(1);
    expect(roiLevelIndex(roiMappingArea(0, 0, 111, 111, a.areaMode), a, 4)).toBe(1); // s = 112 -> P3
    expect(roiLevelIndex(roiMappingArea(0, 0, 10, 10, a.areaMode), a, 4)).toBe(0);
    expect(roiLevelIndex(roiMappingArea(5, 5, 2, 2, a.areaMode), a, 4)).toBe(0); // degenerate -> finest
    expect(roiLevelIndex(roiMappingArea(0, 0, 2000, 2000, a.areaMode), a, 4)).toBe(3);
  });
  it('agrees with the area thresholds used by wasm and webgl', () => {
    const t = levelAreaThresholds(a, 4);
    for (let s = 1; s < 1200; s += 0.37) {
      const area = s * s;
      const byThreshold = t.filter((v) => area >= v).length;
      expect(byThreshold).toBe(roiLevelIndex(area, a, 4));
    }
  });
  it('round-trips attrs through the kernel attr map', () => {
    expect(resolveRoIAlignAttrs(kernelAttrMap(a))).toEqual(a);
  });
});
