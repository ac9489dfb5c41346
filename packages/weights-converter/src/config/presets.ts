/**
 * The architecture configs the converter writes into `userDefinedMetadata.mrcnn` (the shape of
 * `ModelConfig` in @mrcnn/model, which depends on this package and so cannot be imported here).
 * test/converter/config_presets.test.ts checks that these equal the model's
 * DEFAULT_0049_CONFIG / DEFAULT_TORCHVISION_CONFIG.
 */
const CLAMP_LOG_WH = Math.log(1000 / 16);

export interface PresetConfig {
  name: string;
  numClasses: number;
  input: { height: number; width: number; padMultiple: number; mean: number[]; std: number[]; channelOrder: 'BGR' | 'RGB'; resizePolicy: 'fit' | 'window' };
  backbone: { strideOn: '1x1' | '3x3'; blocks: number[]; widthDiv: number };
  fpn: { channels: number };
  anchors: Record<string, unknown> & { kind: 'table' | 'sizesRatios'; strides: number[] };
  rpn: Record<string, unknown>;
  roi: Record<string, unknown> & { boxOutputSize: number };
  boxHead: { fcDim: number };
  detection: Record<string, unknown>;
  mask: { channels: number; convs: number };
}

function rpn(minSize: number, boxPlusOne: boolean): Record<string, unknown> {
  return {
    preNmsTopNPerLevel: 1000, postNmsTopNPerLevel: 1000, postNmsTopN: 1000, nmsThreshold: 0.7, minSize, boxPlusOne,
    clampLogWh: CLAMP_LOG_WH, deltaWeights: [1, 1, 1, 1],
  };
}

function roi(areaMode: 'plusOne' | 'plain'): PresetConfig['roi'] {
  return {
    boxOutputSize: 7, maskOutputSize: 14, samplingRatio: 2, aligned: false, canonicalScale: 224, canonicalLevel: 4,
    areaMode, strides: [4, 8, 16, 32],
  };
}

function detection(boxPlusOne: boolean, minSize: number, ordering: 'classMajor' | 'score'): Record<string, unknown> {
  return {
    scoreThreshold: 0.05, nmsThreshold: 0.5, maxDetections: 100, postNmsPerClass: 2000, deltaWeights: [10, 10, 5, 5],
    clampLogWh: CLAMP_LOG_WH, boxPlusOne, minSize, ordering,
  };
}

export function preset0049(): PresetConfig {
  return {
    name: 'instance-segmentation-security-0049',
    numClasses: 81,
    input: { height: 320, width: 480, padMultiple: 32, mean: [102.9801, 115.9465, 122.7717], std: [1, 1, 1], channelOrder: 'BGR', resizePolicy: 'fit' },
    backbone: { strideOn: '1x1', blocks: [3, 4, 6, 3], widthDiv: 1 },
    fpn: { channels: 256 },
    anchors: {
      kind: 'table',
      strides: [4, 8, 16, 32, 64],
      widths: [[19.6, 13.2, 10], [35.6, 26, 19.6], [74, 51.6, 35.6], [144.4, 102.8, 74], [291.6, 205.2, 144.4]],
      heights: [[10, 13.2, 19.6], [19.6, 26, 35.6], [38.8, 51.6, 58.8], [70.8, 102.8, 147.6], [147.6, 205.2, 288.4]],
      offset: 0.5,
    },
    rpn: rpn(0, true),
    roi: roi('plusOne'),
    boxHead: { fcDim: 1024 },
    detection: detection(true, 0, 'classMajor'),
    mask: { channels: 128, convs: 4 },
  };
}

export function presetTorchvision(): PresetConfig {
  return {
    name: 'torchvision-maskrcnn_resnet50_fpn',
    numClasses: 91,
    input: { height: 320, width: 480, padMultiple: 32, mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], channelOrder: 'RGB', resizePolicy: 'fit' },
    backbone: { strideOn: '3x3', blocks: [3, 4, 6, 3], widthDiv: 1 },
    fpn: { channels: 256 },
    anchors: { kind: 'sizesRatios', strides: [4, 8, 16, 32, 64], sizes: [[32], [64], [128], [256], [512]], ratios: [0.5, 1, 2], offset: 0 },
    rpn: rpn(1e-3, false),
    roi: roi('plain'),
    boxHead: { fcDim: 1024 },
    detection: detection(false, 1e-2, 'score'),
    mask: { channels: 256, convs: 4 },
  };
}
