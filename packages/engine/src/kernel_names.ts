/**
 * The contract of every custom kernel in @mrcnn/engine: kernel names, input and attribute types.
 * Backends import these; they never redeclare them. Inputs are typed as tfjs types them
 * (`XInputs`, NamedTensorInfoMap-compatible) but with required inputs required: generic over the
 * tensor type, `TensorInfo` inside kernels and `tf.Tensor` in the ops that call `runKernel`.
 */
import type { NamedAttrMap, Tensor, Tensor2D, Tensor4D, TensorInfo } from '@tensorflow/tfjs-core';
import { EngineArgumentError } from './errors';

/** A kernel's inputs by name (= tfjs's NamedTensorInfoMap for T = TensorInfo). */
export interface KernelInputMap<T extends TensorInfo = TensorInfo> {
  [name: string]: T | undefined;
}

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
 * (level0 = the finest map, features[0]; at most MAX_ROI_LEVELS).
 */
export const ROI_INPUT_NAME = 'rois';
export const ROI_LEVEL_NAMES = ['level0', 'level1', 'level2', 'level3', 'level4'] as const;
export type RoILevelName = typeof ROI_LEVEL_NAMES[number];
export function levelInputName(level: number): RoILevelName {
  return ROI_LEVEL_NAMES[level];
}

export interface MultiLevelRoIAlignInputs<T extends TensorInfo = TensorInfo> extends KernelInputMap<T> {
  /** [R, 4] float32: x1, y1, x2, y2 in input-image pixels. */
  rois: T;
  /** [1, H, W, C] float32 per level, finest first; level1.. only as many as there are levels. */
  level0: T;
  level1?: T;
  level2?: T;
  level3?: T;
  level4?: T;
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

export interface WinogradInputTransformInputs<T extends TensorInfo = TensorInfo> extends KernelInputMap<T> {
  /** [N, H, W, C] float32. */
  x: T;
}

/**
 * Attributes of the input transform: the tile positions it outputs, `firstPosition` ..
 * `firstPosition + numPositions - 1` (default all 16; a caller short of memory takes them in groups).
 */
export interface WinogradInputTransformAttrs {
  firstPosition: number;
  numPositions: number;
}

/** Input names of the output transform: `m0` .. `m15` (one per tile position), then the optional `bias` [Cout]. */
export const WINOGRAD_PRODUCT_NAMES = [
  'm0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10', 'm11', 'm12', 'm13', 'm14', 'm15',
] as const;
export type WinogradProductName = typeof WINOGRAD_PRODUCT_NAMES[number];
export function winogradProductName(position: number): WinogradProductName {
  return WINOGRAD_PRODUCT_NAMES[position];
}
export const WINOGRAD_BIAS_NAME = 'bias';

/** The 16 GEMM products [T, Cout] float32 and the optional bias [Cout]. */
export interface WinogradOutputTransformInputs<T extends TensorInfo = TensorInfo>
  extends KernelInputMap<T>, Record<WinogradProductName, T> {
  bias?: T;
}

/** The output transform's inputs from the 16 products in tile-position order. */
export function winogradOutputTransformInputs<T extends TensorInfo>(m: readonly T[], bias?: T): WinogradOutputTransformInputs<T> {
  if (m.length !== WINOGRAD_POSITIONS) {
    throw new EngineArgumentError(`${WinogradOutputTransform}: ${WINOGRAD_POSITIONS} products needed, got ${m.length}`);
  }
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15] = m;
  return { m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, [WINOGRAD_BIAS_NAME]: bias };
}

export interface WinogradOutputTransformAttrs {
  /** The output map's height and width (= the input's: stride 1, pad 1). */
  height: number;
  width: number;
  /** Applied after the bias. */
  activation: 'linear' | 'relu';
}

/**
 * Winograd with the tile positions stacked in one tensor, for F(2x2, 3x3) (outputTile 2: 4x4 input
 * tiles, 16 positions) and F(4x4, 3x3) (outputTile 4: 6x6 input tiles, 36 positions): the input
 * transform turns x [N, H, W, C] into [P, T, C] (T = N·ceil(H/r)·ceil(W/r) tiles, r = outputTile,
 * row-major over (n, tileY, tileX)); one batched PackedGemm [P, T, Cin] x [P][Cin, Cout] gives
 * the products [P, T, Cout] that the output transform gathers into [N, H, W, Cout] (+ bias, relu).
 */
export const WinogradStackedInput = 'MrcnnWinogradStackedInput';
export const WinogradStackedOutput = 'MrcnnWinogradStackedOutput';

/** Output tile sizes: 2 = F(2x2, 3x3), 4 = F(4x4, 3x3). */
export type WinogradOutputTile = 2 | 4;

/** Tile positions (matrices) of F(r x r, 3x3): (r + 2)². */
export function winogradPositions(outputTile: WinogradOutputTile): number {
  return (outputTile + 2) ** 2;
}

export interface WinogradStackedInputInputs<T extends TensorInfo = TensorInfo> extends KernelInputMap<T> {
  /** [N, H, W, C] float32. */
  x: T;
}

export interface WinogradStackedInputAttrs {
  outputTile: WinogradOutputTile;
}

export interface WinogradStackedOutputInputs<T extends TensorInfo = TensorInfo> extends KernelInputMap<T> {
  /** [P, T, Cout] float32: the products, tile positions stacked. */
  m: T;
  /** [Cout] float32 (optional). */
  bias?: T;
}

export interface WinogradStackedOutputAttrs extends WinogradOutputTransformAttrs {
  outputTile: WinogradOutputTile;
}

/**
 * GEMM on weights packed once (ops/packed_gemm.ts, `packGemmWeights`): C = act(A · B + bias (+ residual)).
 * `a` is [M, K] (a dense layer), [N, H, W, K] (a 1x1 convolution, stride `stride`, no padding:
 * output [N, ceil(H/s), ceil(W/s), n]) or [G, M, K] with `packed` [G, P] (G GEMMs at once, e.g.
 * Winograd's tile positions). `packed` holds B [K, n] in panels of PACKED_GEMM_PANEL columns
 * ([ceil(n/8)][K][8], zero past n): P = packedGemmLength(K, n).
 */
export const PackedGemm = 'MrcnnPackedGemm';

/** Columns per packed panel (the wasm micro-kernel's width). */
export const PACKED_GEMM_PANEL = 8;

export interface PackedGemmInputs<T extends TensorInfo = TensorInfo> extends KernelInputMap<T> {
  /** [M, K], [N, H, W, K] or [G, M, K] float32. */
  a: T;
  /** [P] or [G, P] float32: B packed by packGemmWeights. */
  packed: T;
  /** [n] float32, added first (optional). */
  bias?: T;
  /** The output's shape, float32: added after the bias, before the activation (optional). */
  residual?: T;
}

export interface PackedGemmAttrs {
  /** Output columns (B's second dimension). */
  n: number;
  /** 1x1 convolution stride (rank-4 `a` only); 1 otherwise. */
  stride: number;
  activation: 'linear' | 'relu';
}

/**
 * Every kernel's inputs by kernel name: what the typed kernel bridge (kernels/typed_kernel.ts)
 * hands the kernels and what the ops pass to runKernel (ops/run_kernel.ts).
 */
export interface EngineKernelInputs<T extends TensorInfo = TensorInfo> {
  [MultiLevelRoIAlign]: MultiLevelRoIAlignInputs<T>;
  [WinogradInputTransform]: WinogradInputTransformInputs<T>;
  [WinogradOutputTransform]: WinogradOutputTransformInputs<T>;
  [PackedGemm]: PackedGemmInputs<T>;
  [WinogradStackedInput]: WinogradStackedInputInputs<T>;
  [WinogradStackedOutput]: WinogradStackedOutputInputs<T>;
}
export type EngineKernelName = keyof EngineKernelInputs;

/** What each kernel returns, as the ops receive it from runKernel. */
export interface EngineKernelOutputs {
  /** [R, outputSize, outputSize, C] */
  [MultiLevelRoIAlign]: Tensor4D;
  /** numPositions matrices [T, C] */
  [WinogradInputTransform]: Tensor2D[];
  /** [N, height, width, Cout] */
  [WinogradOutputTransform]: Tensor4D;
  /** [M, n], [N, Ho, Wo, n] or [G, M, n] */
  [PackedGemm]: Tensor;
  /** [P, T, C] */
  [WinogradStackedInput]: Tensor;
  /** [N, height, width, Cout] */
  [WinogradStackedOutput]: Tensor4D;
}

/** The inputs each kernel cannot run without (the bridge checks them before the kernel runs). */
export const REQUIRED_INPUTS: { readonly [K in EngineKernelName]: readonly string[] } = {
  [MultiLevelRoIAlign]: [ROI_INPUT_NAME, ROI_LEVEL_NAMES[0]],
  [WinogradInputTransform]: ['x'],
  [WinogradOutputTransform]: WINOGRAD_PRODUCT_NAMES,
  [PackedGemm]: ['a', 'packed'],
  [WinogradStackedInput]: ['x'],
  [WinogradStackedOutput]: ['m'],
};
