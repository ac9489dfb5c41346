/**
 * multiLevelRoIAlign: RoIAlign over an FPN pyramid with per-RoI level mapping, one kernel call.
 * Inputs are borrowed; the returned tensor belongs to the caller.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineArgumentError } from '../errors';
import {
  MAX_ROI_LEVELS, MultiLevelRoIAlign, MultiLevelRoIAlignAttrs, MultiLevelRoIAlignInputs, ROI_LEVEL_NAMES, RoIAreaMode,
} from '../kernel_names';
import { kernelAttrMap, ResolvedRoIAlignAttrs } from '../roi_align_attrs';
import { runEngineKernel } from './run_kernel';

const OP = 'multiLevelRoIAlign';

function fail(message: string): never {
  throw new EngineArgumentError(`${OP}: ${message}`);
}

function isInt(v: number): boolean {
  return Number.isInteger(v);
}

/** Validates attrs against the number of levels; returns a normalised copy. */
export function validateRoIAlignAttrs(attrs: MultiLevelRoIAlignAttrs, numLevels: number): ResolvedRoIAlignAttrs {
  const { outputSize, samplingRatio, spatialScales, canonicalScale, canonicalLevel, firstLevel, eps } = attrs;
  if (!isInt(outputSize) || outputSize < 1) fail(`outputSize must be a positive integer, got ${outputSize}`);
  if (!isInt(samplingRatio) || samplingRatio < 0) fail(`samplingRatio must be an integer >= 0, got ${samplingRatio}`);
  if (!Array.isArray(spatialScales) || spatialScales.length !== numLevels) {
    fail(`spatialScales must have one entry per feature level (${numLevels}), got ${JSON.stringify(spatialScales)}`);
  }
  if (!spatialScales.every((s) => Number.isFinite(s) && s > 0)) fail(`spatialScales must be positive, got ${JSON.stringify(spatialScales)}`);
  if (typeof attrs.aligned !== 'boolean') fail(`aligned must be a boolean, got ${String(attrs.aligned)}`);
  if (!(Number.isFinite(canonicalScale) && canonicalScale > 0)) fail(`canonicalScale must be positive, got ${canonicalScale}`);
  if (!isInt(canonicalLevel)) fail(`canonicalLevel must be an integer, got ${canonicalLevel}`);
  if (!isInt(firstLevel)) fail(`firstLevel must be an integer, got ${firstLevel}`);
  if (!(Number.isFinite(eps) && eps >= 0)) fail(`eps must be a finite number >= 0, got ${eps}`);
  const areaMode = attrs.areaMode === RoIAreaMode.LegacyPlusOne ? RoIAreaMode.LegacyPlusOne
    : attrs.areaMode === RoIAreaMode.Plain ? RoIAreaMode.Plain
      : fail(`areaMode must be '${RoIAreaMode.LegacyPlusOne}' or '${RoIAreaMode.Plain}', got ${String(attrs.areaMode)}`);
  return {
    outputSize, samplingRatio, spatialScales: [...spatialScales], aligned: attrs.aligned,
    canonicalScale, canonicalLevel, firstLevel, areaMode, eps,
  };
}

function validateFeatures(features: readonly tf.Tensor4D[]): number {
  if (!Array.isArray(features) || features.length === 0) fail('features must be a non-empty array of tensors');
  if (features.length > MAX_ROI_LEVELS) fail(`at most ${MAX_ROI_LEVELS} feature levels, got ${features.length}`);
  let channels = -1;
  features.forEach((f, i) => {
    if (!(f instanceof tf.Tensor)) fail(`features[${i}] must be a tf.Tensor`);
    if (f.rank !== 4) fail(`features[${i}] must be rank 4 (NHWC), got shape [${f.shape}]`);
    if (f.dtype !== 'float32') fail(`features[${i}] must be float32, got ${f.dtype}`);
    const [b, h, w, c] = f.shape;
    if (b !== 1) fail(`features[${i}] must have batch 1, got shape [${f.shape}]`);
    if (h < 1 || w < 1 || c < 1) fail(`features[${i}] must be non-empty, got shape [${f.shape}]`);
    if (channels >= 0 && c !== channels) fail(`all levels need the same channels: features[0] has ${channels}, features[${i}] has ${c}`);
    channels = c;
  });
  return channels;
}

function validateRois(rois: tf.Tensor2D): void {
  if (!(rois instanceof tf.Tensor)) fail('rois must be a tf.Tensor');
  if (rois.rank !== 2 || rois.shape[1] !== 4) fail(`rois must have shape [R, 4] (x1, y1, x2, y2), got [${rois.shape}]`);
  if (rois.dtype !== 'float32') fail(`rois must be float32, got ${rois.dtype}`);
}

/**
 * features: P2..P5 (or fewer levels, finest first), NHWC, batch 1, equal channels, float32.
 * rois: [R, 4] x1, y1, x2, y2 in input-image pixels. Returns [R, outputSize, outputSize, C] float32
 * in RoI order. See DEFAULT_ROI_ALIGN_0049 and the package README for the semantics.
 */
export function multiLevelRoIAlign(features: readonly tf.Tensor4D[], rois: tf.Tensor2D,
  attrs: MultiLevelRoIAlignAttrs): tf.Tensor4D {
  validateFeatures(features);
  validateRois(rois);
  const resolved = validateRoIAlignAttrs(attrs, features.length);
  const inputs: MultiLevelRoIAlignInputs<tf.Tensor> = { rois, level0: features[0] };
  features.forEach((f, i) => { inputs[ROI_LEVEL_NAMES[i]] = f; });
  return runEngineKernel(MultiLevelRoIAlign, inputs, kernelAttrMap(resolved));
}
