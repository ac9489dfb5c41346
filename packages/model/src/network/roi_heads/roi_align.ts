/** The RoI feature extractor of both heads: @mrcnn/engine's multiLevelRoIAlign over P2..P5. */
import * as tf from '@tensorflow/tfjs-core';
import { multiLevelRoIAlign, RoIAreaMode } from '@mrcnn/engine';
import type { MultiLevelRoIAlignAttrs } from '@mrcnn/engine';
import type { RoiConfig } from '@mrcnn/schema';

/** Pyramid level number of the finest RoI level (P2: stride 4 = 2^2). */
function firstLevel(cfg: RoiConfig): number {
  return Math.round(Math.log2(cfg.strides[0]));
}

export function roiAlignAttrs(cfg: RoiConfig, outputSize: number): MultiLevelRoIAlignAttrs {
  return {
    outputSize,
    samplingRatio: cfg.samplingRatio,
    spatialScales: cfg.strides.map((s) => 1 / s),
    aligned: cfg.aligned,
    canonicalScale: cfg.canonicalScale,
    canonicalLevel: cfg.canonicalLevel,
    firstLevel: firstLevel(cfg),
    areaMode: cfg.areaMode === 'plusOne' ? RoIAreaMode.LegacyPlusOne : RoIAreaMode.Plain,
    eps: 1e-6,
  };
}

/** features: the RoI levels (P2..P5, NHWC); rois [R, 4]. Returns [R, s, s, C]. */
export function roiFeatures(features: readonly tf.Tensor4D[], rois: tf.Tensor2D, cfg: RoiConfig,
  outputSize: number): tf.Tensor4D {
  return multiLevelRoIAlign(features.slice(0, cfg.strides.length), rois, roiAlignAttrs(cfg, outputSize));
}
