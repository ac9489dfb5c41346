/**
 * The contract of every custom kernel in @mrcnn/engine: kernel names, input and attribute types.
 * Backends import these; they never redeclare them.
 */
import type { NamedAttrMap } from '@tensorflow/tfjs-core';

export const MultiLevelRoIAlign = 'MrcnnMultiLevelRoIAlign';

/** How the RoI area used for level mapping is measured. */
export enum RoIAreaMode {
  /** Detectron / 0049: sqrt((x2 - x1 + 1) * (y2 - y1 + 1)). */
  LegacyPlusOne = 'legacyPlusOne',
  /** torchvision MultiScaleRoIAlign: sqrt((x2 - x1) * (y2 - y1)). */
  Plain = 'plain',
}

/** Largest number of pyramid levels one call accepts (P2..P6). */
export const MAX_ROI_LEVELS = 5;

/**
 * Input names of the kernel: `rois` plus one feature map per level, `level0` .. `level{L-1}`
 * (level0 = the finest map, features[0]).
 */
export const ROI_INPUT_NAME = 'rois';
export function levelInputName(level: number): string {
  return `level${level}`;
}

export interface MultiLevelRoIAlignAttrs {
  /** Output bins per side: 7 for the box head, 14 for the mask head. */
  outputSize: number;
  /** Sample points per bin side; 0 = adaptive ceil(roiSize / outputSize) as torchvision. */
  samplingRatio: number;
  /** One per level, features[0] first, e.g. [1/4, 1/8, 1/16, 1/32]. */
  spatialScales: readonly number[];
  /** Half-pixel offset (-0.5) as torchvision aligned=True; false = Caffe2 (RoI size clamped to >= 1). */
  aligned: boolean;
  /** Level mapping: level = floor(canonicalLevel + log2(sqrt(area) / canonicalScale + eps)). */
  canonicalScale: number;
  canonicalLevel: number;
  /** The pyramid level number of features[0] (2 for P2). */
  firstLevel: number;
  areaMode: RoIAreaMode | `${RoIAreaMode}`;
  eps: number;
}

/** The attrs as they travel through `runKernel` (a NamedAttrMap). */
export type MultiLevelRoIAlignKernelAttrs = MultiLevelRoIAlignAttrs & NamedAttrMap;

/**
 * Winograd F(2x2, 3x3) for 3x3 stride-1 pad-1 convolutions (NHWC, float32): the input transform
 * turns x [N, H, W, C] into WINOGRAD_POSITIONS matrices [T, C] (T = N·ceil(H/2)·ceil(W/2) tiles,
 * row-major over (n, tileY, tileX)); after one matMul per position with the transformed filter the
 * output transform gathers the 16 [T, Cout] products back into [N, H, W, Cout] (+ bias, relu).
 */
export const WinogradInputTransform = 'MrcnnWinogradInputTransform';
export const WinogradOutputTransform = 'MrcnnWinogradOutputTransform';

/** Tile positions of F(2x2, 3x3): a 4x4 input tile, one matrix each. */
export const WINOGRAD_POSITIONS = 16;

/**
 * Attributes of the input transform: the tile positions it outputs, `firstPosition` ..
 * `firstPosition + numPositions - 1` (default all 16; a caller short of memory takes them in groups).
 */
export interface WinogradInputTransformAttrs {
  firstPosition: number;
  numPositions: number;
}

/** Input names of the output transform: `m0` .. `m15`, then the optional `bias` [Cout]. */
export function winogradProductName(position: number): string {
  return `m${position}`;
}
export const WINOGRAD_BIAS_NAME = 'bias';

export interface WinogradOutputTransformAttrs {
  /** The output map's height and width (= the input's: stride 1, pad 1). */
  height: number;
  width: number;
  /** Applied after the bias. */
  activation: 'linear' | 'relu';
}
