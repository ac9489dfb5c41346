/**
 * Attribute resolution and the RoI -> pyramid level mapping shared by every backend.
 */
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { EngineArgumentError } from './errors';
import { MultiLevelRoIAlign, MultiLevelRoIAlignAttrs, RoIAreaMode } from './kernel_names';

/** Attrs after validation, as kernels read them. */
export interface ResolvedRoIAlignAttrs {
  readonly outputSize: number;
  readonly samplingRatio: number;
  readonly spatialScales: readonly number[];
  readonly aligned: boolean;
  readonly canonicalScale: number;
  readonly canonicalLevel: number;
  readonly firstLevel: number;
  readonly areaMode: RoIAreaMode;
  readonly eps: number;
}

/** Settings of instance-segmentation-security-0049's box branch (Caffe2 RoIAlign, P2..P5). */
export const DEFAULT_ROI_ALIGN_0049: Readonly<MultiLevelRoIAlignAttrs> = Object.freeze({
  outputSize: 7,
  samplingRatio: 2,
  spatialScales: Object.freeze([1 / 4, 1 / 8, 1 / 16, 1 / 32]),
  aligned: false,
  canonicalScale: 224,
  canonicalLevel: 4,
  firstLevel: 2,
  areaMode: RoIAreaMode.LegacyPlusOne,
  eps: 1e-6,
});

function num(attrs: NamedAttrMap, key: string): number {
  const v = attrs[key];
  if (typeof v !== 'number') throw new EngineArgumentError(`${MultiLevelRoIAlign}: attr ${key} must be a number`);
  return v;
}

function areaMode(v: unknown): RoIAreaMode {
  if (v === RoIAreaMode.LegacyPlusOne) return RoIAreaMode.LegacyPlusOne;
  if (v === RoIAreaMode.Plain) return RoIAreaMode.Plain;
  throw new EngineArgumentError(`${MultiLevelRoIAlign}: areaMode must be '${RoIAreaMode.LegacyPlusOne}' or '${RoIAreaMode.Plain}', got ${String(v)}`);
}

/** Reads the kernel's attr map (as built by the op) back into typed attrs. */
export function resolveRoIAlignAttrs(attrs: NamedAttrMap | undefined): ResolvedRoIAlignAttrs {
  const a = attrs ?? {};
  const scales = a.spatialScales;
  if (!Array.isArray(scales) || !scales.every((s): s is number => typeof s === 'number')) {
    throw new EngineArgumentError(`${MultiLevelRoIAlign}: attr spatialScales must be a number[]`);
  }
  return {
    outputSize: num(a, 'outputSize'),
    samplingRatio: num(a, 'samplingRatio'),
    spatialScales: scales,
    aligned: a.aligned === true,
    canonicalScale: num(a, 'canonicalScale'),
    canonicalLevel: num(a, 'canonicalLevel'),
    firstLevel: num(a, 'firstLevel'),
    areaMode: areaMode(a.areaMode),
    eps: num(a, 'eps'),
  };
}

/** The attr map handed to runKernel (plain mutable values, as NamedAttrMap requires). */
export function kernelAttrMap(a: ResolvedRoIAlignAttrs): NamedAttrMap {
  return {
    outputSize: a.outputSize,
    samplingRatio: a.samplingRatio,
    spatialScales: [...a.spatialScales],
    aligned: a.aligned,
    canonicalScale: a.canonicalScale,
    canonicalLevel: a.canonicalLevel,
    firstLevel: a.firstLevel,
    areaMode: a.areaMode,
    eps: a.eps,
  };
}

/** Area used by the level mapping; negative extents count as 0 (they map to the finest level). */
export function roiMappingArea(x1: number, y1: number, x2: number, y2: number, mode: RoIAreaMode): number {
  const o = mode === RoIAreaMode.LegacyPlusOne ? 1 : 0;
  const w = x2 - x1 + o;
  const h = y2 - y1 + o;
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Index into the features array (0 = features[0]) of the RoI's level:
 * floor(canonicalLevel + log2(sqrt(area) / canonicalScale + eps)) - firstLevel, clamped.
 */
export function roiLevelIndex(area: number, a: ResolvedRoIAlignAttrs, numLevels: number): number {
  const lvl = Math.floor(a.canonicalLevel + Math.log2(Math.sqrt(area) / a.canonicalScale + a.eps));
  const idx = lvl - a.firstLevel;
  return Math.min(Math.max(idx, 0), numLevels - 1);
}

/**
 * The same mapping as thresholds on the area, for backends without log2 (wasm built without libm)
 * or with float32 only (webgl): the RoI goes to level index i >= 1 iff area >= thresholds[i - 1].
 * floor(c + log2(s/S + eps)) >= k  <=>  s >= S * (2^(k-c) - eps)  <=>  area >= (S * (2^(k-c) - eps))^2.
 */
export function levelAreaThresholds(a: ResolvedRoIAlignAttrs, numLevels: number): number[] {
  const out: number[] = [];
  for (let i = 1; i < numLevels; i++) {
    const k = a.firstLevel + i;
    const base = a.canonicalScale * (Math.pow(2, k - a.canonicalLevel) - a.eps);
    out.push(base > 0 ? base * base : 0);
  }
  return out;
}
