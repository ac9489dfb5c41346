/**
 * The default configurations, 0049 and torchvision's maskrcnn_resnet50_fpn v1 and v2 (the values follow
 * /work/shared/spec/0049-architecture.md, "Conventions pinned"), and the width-divided overrides
 * of the test fixtures. The named presets (one table, one edit per new variant): variants.ts.
 */
import { ConfigError } from '../errors';
import { DeepPartial, ModelConfig } from './types';

const CLAMP_LOG_WH = Math.log(1000 / 16);

export const DEFAULT_0049_CONFIG: ModelConfig = {
  name: 'instance-segmentation-security-0049',
  numClasses: 81,
  input: {
    transform: 'card',
    minSize: 320,
    maxSize: 480,
    padMultiple: 32,
    mean: [102.9801, 115.9465, 122.7717],
    std: [1, 1, 1],
    channelOrder: 'BGR',
    resizePolicy: 'fit',
  },
  backbone: { strideOn: '1x1', blocks: [3, 4, 6, 3], widthDiv: 1 },
  fpn: { channels: 256 },
  anchors: {
    kind: 'table',
    strides: [4, 8, 16, 32, 64],
    widths: [[19.6, 13.2, 10], [35.6, 26, 19.6], [74, 51.6, 35.6], [144.4, 102.8, 74], [291.6, 205.2, 144.4]],
    heights: [[10, 13.2, 19.6], [19.6, 26, 35.6], [38.8, 51.6, 58.8], [70.8, 102.8, 147.6], [147.6, 205.2, 288.4]],
    offset: 0.5,
  },
  rpn: {
    convs: 1,
    preNmsTopNPerLevel: 1000,
    postNmsTopNPerLevel: 1000,
    postNmsTopN: 1000,
    nmsThreshold: 0.7,
    minSize: 0,
    boxPlusOne: true,
    clampLogWh: CLAMP_LOG_WH,
    deltaWeights: [1, 1, 1, 1],
  },
  roi: {
    boxOutputSize: 7,
    maskOutputSize: 14,
    samplingRatio: 2,
    aligned: false,
    canonicalScale: 224,
    canonicalLevel: 4,
    areaMode: 'plusOne',
    strides: [4, 8, 16, 32],
  },
  boxHead: { convs: 0, convChannels: 256, fcs: 2, fcDim: 1024 },
  detection: {
    scoreThreshold: 0.05,
    defaultScoreThreshold: 0.5,
    nmsThreshold: 0.5,
    maxDetections: 100,
    postNmsPerClass: 2000,
    deltaWeights: [10, 10, 5, 5],
    clampLogWh: CLAMP_LOG_WH,
    boxPlusOne: true,
    minSize: 0,
    ordering: 'classMajor',
  },
  mask: { channels: 128, convs: 4 },
};

/**
 * torchvision 0.14 `maskrcnn_resnet50_fpn` (COCO, 91 classes), run as torchvision runs it: its
 * GeneralizedRCNNTransform with min_size 800, max_size 1333, image_mean/std, size_divisible 32.
 */
export const DEFAULT_TORCHVISION_CONFIG: ModelConfig = {
  name: 'torchvision-maskrcnn_resnet50_fpn',
  numClasses: 91,
  input: {
    transform: 'torchvision',
    minSize: 800,
    maxSize: 1333,
    padMultiple: 32,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
    channelOrder: 'RGB',
    resizePolicy: 'fit',
  },
  backbone: { strideOn: '3x3', blocks: [3, 4, 6, 3], widthDiv: 1 },
  fpn: { channels: 256 },
  anchors: {
    kind: 'sizesRatios',
    strides: [4, 8, 16, 32, 64],
    sizes: [[32], [64], [128], [256], [512]],
    ratios: [0.5, 1, 2],
    offset: 0,
  },
  // What differs from 0049 in the shared stages: box conventions (no +1), minimum sizes, RoI
  // level area, detection order.
  rpn: { ...DEFAULT_0049_CONFIG.rpn, minSize: 1e-3, boxPlusOne: false },
  roi: { ...DEFAULT_0049_CONFIG.roi, areaMode: 'plain' },
  boxHead: { convs: 0, convChannels: 256, fcs: 2, fcDim: 1024 },
  detection: { ...DEFAULT_0049_CONFIG.detection, boxPlusOne: false, minSize: 1e-2, ordering: 'score' },
  mask: { channels: 256, convs: 4 },
};

/**
 * torchvision 0.14 `maskrcnn_resnet50_fpn_v2` (Li et al., "Benchmarking detection transfer learning
 * with vision transformers"): v1 plus an RPN head of 2 convs, a box head of 4 convs (BN) + one FC
 * (FastRCNNConvFCHead), BN in the FPN and the mask head. BatchNorm is folded into the convs by the
 * converter, so the network sees convs with biases.
 */
export const DEFAULT_TORCHVISION_V2_CONFIG: ModelConfig = {
  ...DEFAULT_TORCHVISION_CONFIG,
  name: 'torchvision-maskrcnn_resnet50_fpn_v2',
  rpn: { ...DEFAULT_TORCHVISION_CONFIG.rpn, convs: 2 },
  boxHead: { convs: 4, convChannels: 256, fcs: 1, fcDim: 1024 },
};

/**
 * Overrides that divide every channel count by `k` (the oracle's width_div), for the small test
 * fixtures: `resolveConfig(widthDivOverrides(8))`.
 */
export function widthDivOverrides(k: number, base: ModelConfig = DEFAULT_0049_CONFIG): DeepPartial<ModelConfig> {
  const div = (path: string, c: number): number => {
    if (!Number.isInteger(k) || k < 1 || c % k !== 0) throw new ConfigError(path, `${c} is not divisible by width divisor ${k}`);
    return c / k;
  };
  return {
    backbone: { widthDiv: k },
    fpn: { channels: div('fpn.channels', base.fpn.channels) },
    boxHead: {
      fcDim: div('boxHead.fcDim', base.boxHead.fcDim),
      convChannels: div('boxHead.convChannels', base.boxHead.convChannels),
    },
    mask: { channels: div('mask.channels', base.mask.channels) },
  };
}
