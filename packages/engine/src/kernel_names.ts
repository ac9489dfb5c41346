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
