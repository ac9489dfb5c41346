/**
 * The network's public option and output types (MaskRCNN in mask_rcnn.ts; re-exported there): per-call
 * options and profiling events, construction options, and what `execute` / `executeSelected` return.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelPlan } from './kernel_plan';

export type StageName = 'normalize' | 'backbone' | 'fpn' | 'rpn' | 'proposals' | 'boxHead' | 'detectionOutput' | 'maskHead';

/** The profiling option's finer stages: RoI feature extraction split from the heads. */
export type ProfileStage = 'boxRoIAlign' | 'boxHead' | 'maskRoIAlign' | 'maskHead';

export interface ProfileEvent {
  readonly stage: ProfileStage;
  /** Wall time of this part alone (RoIAlign, or the head after it), waited for. */
  readonly ms: number;
  /** RoIs it ran on: the proposals (box) or the mask head's rows (mask). */
  readonly rois: number;
}

/** Options of one call (nothing is kept on the model between calls). */
export interface RunOptions {
  /**
   * Called after each stage with its wall time in ms. When set, each stage waits for its outputs
   * to be computed (a one-element read-back) so asynchronous backends time honestly.
   */
  onStage?: (name: StageName, ms: number) => void;
  /**
   * Profiling: called with RoIAlign and the head after it timed apart, for each head, with the
   * RoI count. When set, those parts wait for their outputs too. The results do not change.
   */
  onProfile?: (event: ProfileEvent) => void;
}

/** The processed image's size inside im_data (im_info's first two values), already on the host. */
export interface ImageSize {
  readonly height: number;
  readonly width: number;
}

export interface MaskRCNNOptions {
  /** Dispose the weight map in `dispose()` (default false: the weights stay the caller's). */
  ownsWeights?: boolean;
  /**
   * The weights' values on the host, where the caller has them (`loadWeights`' `values`): the kernel
   * plan packs the layers it prepares from these instead of reading each weight back from the
   * backend (on wasm a fresh 180 MB copy for the full-size model: ~0.4 s of page faults on this VM).
   * They must equal the tensors' values; absent names are read back.
   */
  hostValues?: ReadonlyMap<string, Float32Array>;
  /**
   * How the heavy layers run (kernel_plan.ts); default `defaultKernelPlan(current backend)`. The
   * layers it prepares are made here, once, and disposed with the model. When the model owns the
   * weights, the originals they replace are disposed at once (memory).
   */
  kernels?: Partial<KernelPlan>;
}

export interface ExecuteOutput {
  /** [maxDetections] int32, 0 = padding row. */
  classes: tf.Tensor1D;
  /** [maxDetections] float32. */
  scores: tf.Tensor1D;
  /** [maxDetections, 4] x1, y1, x2, y2 in processed-image pixels (as the OpenVINO IR outputs them). */
  boxes: tf.Tensor2D;
  /** [maxDetections, numClasses, 28, 28] sigmoid masks, NCHW as the card. */
  rawMasks: tf.Tensor4D;
}

/**
 * `executeSelected`'s outputs: every detection row on the host, and masks for the selected rows
 * only (the one tensor; the caller disposes it).
 */
export interface SelectedOutput {
  /** [maxDetections] class ids, 0 = padding row. */
  readonly classes: Int32Array;
  /** [maxDetections] scores. */
  readonly scores: Float32Array;
  /** [maxDetections·4] x1, y1, x2, y2 in processed-image pixels. */
  readonly boxes: Float32Array;
  /** The detection rows whose masks `rawMasks` holds, in that order. */
  readonly rows: number[];
  /** [rows.length, numClasses, 28, 28] sigmoid masks, NCHW. */
  readonly rawMasks: tf.Tensor4D;
}

/** Picks detection rows from the classes and scores (e.g. score ≥ threshold, best first). */
export type RowSelector = (classes: Int32Array, scores: Float32Array) => number[];
