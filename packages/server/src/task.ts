/**
 * What the server's main thread sends a worker (./worker) and what comes back: plain objects with
 * typed arrays, which move between the threads (transfer lists) rather than being copied.
 */
import type { ResizePolicy } from '@mrcnn/model';

/** The card's outputs of `execute`, by their protocol names. */
export type CardOutput = 'classes' | 'scores' | 'boxes' | 'raw_masks';
export const CARD_OUTPUTS: readonly CardOutput[] = ['classes', 'scores', 'boxes', 'raw_masks'];

/** The outputs of an encoded-image request: the instances `detect` finds. */
export type InstanceOutput = 'classes' | 'labels' | 'scores' | 'boxes' | 'masks' | 'image_size';
export const INSTANCE_OUTPUTS: readonly InstanceOutput[] = ['classes', 'labels', 'scores', 'boxes', 'masks', 'image_size'];

/** The card's network on the caller's im_data / im_info. */
export interface TensorTask {
  kind: 'tensors';
  /** The request's id (the worker's crash test hook reads it). */
  requestId?: string;
  imData: Float32Array;
  imDataShape: [number, number, number, number];
  imInfo: Float32Array;
  /** The outputs to read back (the network computes all four). */
  outputs: CardOutput[];
}

/** `detect` on an encoded PNG/JPEG. */
export interface ImageTask {
  kind: 'image';
  requestId?: string;
  bytes: Uint8Array;
  scoreThreshold: number;
  maxDetections?: number;
  policy?: ResizePolicy;
}

export type InferTask = TensorTask | ImageTask;

export interface TensorResult {
  kind: 'tensors';
  classes?: Int32Array;
  scores?: Float32Array;
  boxes?: Float32Array;
  rawMasks?: Float32Array;
  rawMasksShape: [number, number, number, number];
  /** tf.memory().numTensors of the worker after the task. */
  numTensors: number;
}

export interface ImageResult {
  kind: 'image';
  width: number;
  height: number;
  classes: Int32Array;
  scores: Float32Array;
  /** x1, y1, x2, y2 per instance, original-image pixels. */
  boxes: Float32Array;
  labels: string[];
  /** pycocotools compressed RLE counts of each full-size mask. */
  masks: string[];
  numTensors: number;
}

export type InferResult = TensorResult | ImageResult;

/** What a worker reports once its model is loaded. */
export interface ModelInfo {
  /** The config's name (the served name unless `--name` says otherwise). */
  configName: string;
  numClasses: number;
  labels: string[];
  maxDetections: number;
  /** Side of the raw masks (28). */
  maskSize: number;
  input: { height: number; width: number; padMultiple: number };
  backend: string;
  numTensors: number;
}

/** The worker thread's workerData. */
export interface WorkerConfig {
  model: string;
  backend?: string;
  /** wasm threads of the worker's backend (undefined: @mrcnn/model's default). */
  threads?: number;
}
