/**
 * The public API: `load()` → `Model` with `detect(image)` (instances in original-image pixels with
 * full-image or box-cropped masks), `execute(imData, imInfo)` (the card's raw outputs) and
 * `dispose()`. The options and their checks: api_options.ts.
 *
 * Ownership: images and tensors passed in are borrowed, never disposed; `execute` returns tensors
 * that belong to the caller; `detect` returns plain objects only. Every call leaves
 * `tf.memory().numTensors` as it found it (plus `execute`'s four outputs).
 * Calls on one model run their network part one at a time, in call order (decoding and pasting of
 * other calls overlap); the results equal those of sequential calls.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendEntry, initBackend, MultiLevelRoIAlign, registeredBackendNames } from '@mrcnn/engine';
import { wasmThreadsFor, type ModelConfig } from '@mrcnn/schema';
import { ArgumentError, DisposedError, MrcnnError, ShapeMismatchError, shapeString } from './errors';
import { loadWeights } from './io/load_weights';
import { resolveNamedModel } from './io/named_model';
import { labelOf } from './labels';
import { ExecuteOutput, ImageSize, MaskRCNN, RowSelector, RunOptions, SelectedOutput } from './network/mask_rcnn';
import { toXywh } from './eval/results';
import { CocoRle, encodePlacedRle, PlacedMask } from './postprocess/rle';
import type { InputGeometry } from './preprocess/geometry';
import { ImageInput, toImageSource } from './preprocess/image_input';
import { PreparedInput } from './preprocess/prepare';
import { imageTransform } from './transform/image_transform';
import { inputWithSize } from './transform/input_size';
import {
  BackendName, checkDetectOptions, checkInputSizeOptions, checkOption, checkOptionKeys, DETECT_OPTION_KEYS, DetectOptions,
  DetectStage, describeValue, LOAD_OPTION_KEYS, LoadOptions,
} from './api_options';

export type { BackendName, DetectOptions, DetectStage, LoadOptions } from './api_options';

export type { ExecuteOutput, StageName } from './network/mask_rcnn';

/** One detected object. */
export interface Instance {
  /** Contiguous class id, 1..numClasses-1. */
  classId: number;
  label: string;
  score: number;
  /**
   * Corners [x1, y1, x2, y2] in original-image pixels (the network's box mapped back by the
   * model's transform), as the model card and torchvision give them. Not coco-ssd's
   * [x, y, width, height]: that form is `bbox`.
   */
  box: [number, number, number, number];
  /**
   * [x, y, width, height] in original-image pixels: COCO's form (results files, coco-ssd's
   * `bbox`). Models with legacy "+1" boxes (0049: `config.detection.boxPlusOne`) count both end
   * pixels, width = x2 − x1 + 1, as `mrcnn detect`'s COCO results do.
   */
  bbox: [number, number, number, number];
  /**
   * Binary mask, row-major, 0/1, covering the rectangle [x, x + width) × [y, y + height) of the
   * image: the whole image (x = y = 0) by default, the box with `cropMasks: true`.
   */
  mask: PlacedMask;
  /** COCO RLE of the mask in the whole image; present when `options.rle` is true. */
  rle?: CocoRle;
}

/** Thrown when no backend can run the model. */
export class BackendError extends MrcnnError {
  constructor(readonly backend: string, message: string, options?: { cause?: unknown }) {
    super(`backend ${backend}: ${message}`, options);
  }
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** The embedded default model's model.json (Node only). */
export function defaultModelPath(): string {
  if (!isNode()) throw new ArgumentError('source', 'there is no embedded default model in the browser: pass the model.json URL');
  if (typeof __dirname !== 'string' || typeof require !== 'function') {
    throw new ArgumentError('source', 'the embedded default model is found only from the CommonJS build: pass the path of @mrcnn/model/default-model');
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const path = require('path') as typeof import('path');
  // src/api.ts and dist/api.js both sit one level below the package root.
  return path.resolve(__dirname, '..', 'default-model', 'model.json');
}

/** Node's default wasm thread count: the logical cores, at most 8 (the threaded build's pool size). */
async function nodeDefaultThreads(): Promise<number> {
  const os = await import('os');
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return wasmThreadsFor(cores);
}

async function selectBackend(requested: BackendName | undefined, threads: number | undefined): Promise<string> {
  if (requested !== undefined && backendEntry(requested) === undefined) {
    throw new ArgumentError('options.backend', `expected one of ${registeredBackendNames().join(', ')}, got ${JSON.stringify(requested)}`);
  }
  const current = tf.engine().backendName;
  const usable = current !== null && backendEntry(current) !== undefined && tf.getKernel(MultiLevelRoIAlign, current) !== undefined;
  if (requested === undefined && usable) return current;
  const name = requested ?? (isNode() ? 'wasm' : 'webgl');
  const wasmThreads = name === 'wasm' ? threads ?? (isNode() ? await nodeDefaultThreads() : undefined) : undefined;
  try {
    await initBackend(name, wasmThreads === undefined ? {} : { threads: wasmThreads });
  } catch (cause) {
    throw new BackendError(name, cause instanceof Error ? cause.message : String(cause), { cause });
  }
  return name;
}

function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

/** `detectPrepared`'s input: a live float32 [1, 3, H, W] tensor whose H, W are the geometry's padded size. */
function checkPreparedInput(input: { imData: tf.Tensor4D; geometry: InputGeometry }): void {
  const { imData, geometry: g } = input ?? {};
  if (!(imData instanceof tf.Tensor) || imData.isDisposed) {
    throw new ArgumentError('input.imData', imData instanceof tf.Tensor ? 'tensor is disposed' : 'expected a Tensor4D');
  }
  const sizes = g === undefined || g === null ? [] : [g.originalHeight, g.originalWidth, g.height, g.width, g.paddedHeight, g.paddedWidth];
  if (sizes.length === 0 || !sizes.every(isPositiveInteger) || !(g.scale > 0) || g.height > g.paddedHeight || g.width > g.paddedWidth) {
    throw new ArgumentError('input.geometry', 'expected the InputGeometry of the preparation (positive integer sizes, scale > 0)');
  }
  const want = [1, 3, g.paddedHeight, g.paddedWidth];
  if (imData.dtype !== 'float32' || imData.rank !== 4 || imData.shape.some((d, i) => d !== want[i])) {
    throw new ShapeMismatchError('input.imData', `float32 ${shapeString(want)} (the geometry's padded size)`, `${imData.dtype} ${shapeString(imData.shape)}`);
  }
}

/** A loaded model. Create with `load()`; release with `dispose()`. */
export class Model {
  readonly config: ModelConfig;
  /** Class names, index = class id, 0 = background. */
  readonly labels: readonly string[];
  /** The tfjs backend selected at load time. */
  readonly backend: string;
  private readonly net: MaskRCNN;
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private disposed = false;

  /** Use `load()`; this takes ownership of `net` (and its weights). */
  constructor(net: MaskRCNN, labels: readonly string[], backend: string) {
    this.net = net;
    this.config = net.config;
    this.labels = Object.freeze([...labels]);
    this.backend = backend;
  }

  private alive(what: string): void {
    if (this.disposed) throw new DisposedError(`Model.${what}`);
  }

  /** Runs `fn` after every earlier queued call has finished (the network part of calls). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.then(() => undefined, () => undefined);
    return run;
  }

  /** Counts a public call in flight; the weights of a disposed model go when the last call ends. */
  private async tracked<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.alive(what);
    this.pending++;
    try {
      return await fn();
    } finally {
      this.pending--;
      if (this.pending === 0 && this.disposed) this.net.dispose();
    }
  }

  /** The network part of a call, queued behind the other calls' (`exclusive`); options are this call's only. */
  private runNetwork(imData: tf.Tensor4D, size: ImageSize, options: RunOptions): Promise<ExecuteOutput>;
  private runNetwork(imData: tf.Tensor4D, size: ImageSize, options: RunOptions, select: RowSelector): Promise<SelectedOutput>;
  private runNetwork(imData: tf.Tensor4D, size: ImageSize, options: RunOptions,
    select?: RowSelector): Promise<ExecuteOutput | SelectedOutput> {
    return this.exclusive<ExecuteOutput | SelectedOutput>(() => (select
      ? this.net.executeSelected(imData, size, select, options)
      : this.net.execute(imData, size, options)));
  }

  /**
   * The network as the card defines it. imData: [1, 3, H, W] float32, zero padded with H, W
   * multiples of `padMultiple`: for the card transform (0049) raw 0..255 values in the config's
   * channel order (BGR), no mean subtracted; for the torchvision transform the normalised batch of
   * GeneralizedRCNNTransform (what `preprocess()` returns);
   * imInfo: [1, 3] = processed height, width, scale. Outputs (the caller disposes them): classes
   * int32 [100] (0 = empty row), scores [100], boxes [100, 4] x1y1x2y2 in processed-image pixels
   * (divide by imInfo's scale for original pixels, as OpenVINO's demo does), rawMasks
   * [100, numClasses, 28, 28].
   */
  execute(imData: tf.Tensor4D, imInfo: tf.Tensor2D): Promise<ExecuteOutput> {
    return this.tracked('execute', () => this.executeChecked(imData, imInfo));
  }

  private async executeChecked(imData: tf.Tensor4D, imInfo: tf.Tensor2D): Promise<ExecuteOutput> {
    if (!(imData instanceof tf.Tensor) || imData.rank !== 4 || imData.dtype !== 'float32') {
      throw new ShapeMismatchError('imData', 'a float32 Tensor4D [1,3,H,W]',
        imData instanceof tf.Tensor ? `${imData.dtype} ${shapeString(imData.shape)}` : typeof imData);
    }
    if (!(imInfo instanceof tf.Tensor) || imInfo.rank !== 2 || imInfo.shape[0] !== 1 || imInfo.shape[1] !== 3) {
      throw new ShapeMismatchError('imInfo', 'a Tensor2D [1,3]', imInfo instanceof tf.Tensor ? shapeString(imInfo.shape) : typeof imInfo);
    }
    return this.runNetwork(imData, await checkedImageSize(imData, imInfo), {});
  }

  /** Detects instances in an image (see `ImageInput` for the accepted forms). */
  detect(image: ImageInput, options: DetectOptions = {}): Promise<Instance[]> {
    // Plain JavaScript may pass more (coco-ssd's detect(img, maxNumBoxes, minScore)): refused, not ignored.
    // eslint-disable-next-line prefer-rest-params
    const argc = arguments.length;
    // eslint-disable-next-line prefer-rest-params
    const extra: unknown = arguments[2];
    return this.tracked('detect', () => this.detectChecked(image, options, argc, extra));
  }

  private async detectChecked(image: ImageInput, options: DetectOptions, argc: number, extra: unknown): Promise<Instance[]> {
    if (argc > 2) {
      throw new ArgumentError('detect', `takes (image, options): got ${argc} arguments (a third, ${describeValue(extra)}); `
        + 'pass {scoreThreshold, maxDetections} as the options object');
    }
    checkOptionKeys('options', options, DETECT_OPTION_KEYS, '{scoreThreshold: 0.5, maxDetections: 20}');
    checkDetectOptions(options);
    const report = options.onStage;
    let t0 = performance.now();
    const lap = (stage: DetectStage): void => {
      const t = performance.now();
      report?.(stage, t - t0);
      t0 = t;
    };
    const policy = options.policy ?? this.config.input.resizePolicy;
    const input = inputWithSize(this.config, options);
    const transform = imageTransform(input);
    const src = await toImageSource(image, { exifOrientation: options.exifOrientation });
    let prepared: PreparedInput;
    if (src.kind === 'pixels') {
      lap('decode');
      prepared = transform.preparePixels(src.pixels, policy, input);
    } else {
      try {
        lap('decode');
        prepared = await transform.prepareTensor(src.rgb, policy, input);
      } finally {
        if (src.owned) src.rgb.dispose();
      }
    }
    lap('preprocess');
    const { imData, imInfo, geometry } = prepared;
    imInfo.dispose(); // the network gets the size from the host geometry: no read-back
    try {
      return await this.detectFrom(imData, geometry, input, options);
    } finally {
      imData.dispose();
    }
  }

  /**
   * Detects instances in an input already prepared for the network: `imData` [1, 3, paddedHeight,
   * paddedWidth] float32 as `preprocess` / `preparePixelsInto` make it, with the `geometry` of that
   * preparation. `imData` is borrowed: never disposed, and no longer read once the returned promise
   * settles, so a caller may then refill it with the next image (a video's frames, `overwriteTensor`
   * of @mrcnn/engine). Instances are in the original image's pixels, as `detect`'s; `options.policy`
   * and `exifOrientation` do not apply (the input is prepared); `onStage` reports the network
   * stages and 'paste'.
   */
  detectPrepared(input: { imData: tf.Tensor4D; geometry: InputGeometry }, options: DetectOptions = {}): Promise<Instance[]> {
    return this.tracked('detectPrepared', async () => {
      checkDetectOptions(options);
      checkPreparedInput(input);
      return this.detectFrom(input.imData, input.geometry, inputWithSize(this.config, options), options);
    });
  }

  /** The network on a prepared input (borrowed), then the selected rows' masks pasted by `input`'s transform. */
  private async detectFrom(imData: tf.Tensor4D, geometry: InputGeometry, input: ModelConfig['input'],
    options: DetectOptions): Promise<Instance[]> {
    const report = options.onStage;
    const threshold = options.scoreThreshold ?? this.config.detection.defaultScoreThreshold;
    const max = options.maxDetections ?? this.config.detection.maxDetections;
    // The mask head runs only on the rows this call returns (masks of a row do not depend on the others).
    const out = await this.runNetwork(imData, { height: geometry.height, width: geometry.width }, { onStage: report },
      (classes, scores) => selectRows(classes, scores, threshold, max));
    const t0 = performance.now();
    try {
      const instances = await this.pasteRows(out, geometry, input, options);
      report?.('paste', performance.now() - t0);
      return instances;
    } finally {
      out.rawMasks.dispose();
    }
  }

  /**
   * Each selected row's box and heatmap of its class, mapped back to the original image by the
   * transform of `input`. The rows are on the host already; the heatmaps are this call's one read-back.
   */
  private async pasteRows(out: SelectedOutput, geometry: InputGeometry, input: ModelConfig['input'],
    options: DetectOptions): Promise<Instance[]> {
    const { rows, classes, scores, boxes } = out;
    if (rows.length === 0) return [];
    const transform = imageTransform(input);
    const [n, k, mh, mw] = out.rawMasks.shape;
    const flat = rows.map((r, j) => j * k + classes[r]);
    const heat = tf.tidy(() => tf.gather(tf.reshape(out.rawMasks, [n * k, mh * mw]), tf.tensor1d(flat, 'int32')));
    let maps: Float32Array;
    try {
      maps = (await heat.data()) as Float32Array;
    } finally {
      heat.dispose();
    }
    const plusOne = this.config.detection.boxPlusOne;
    return rows.map((r, j) => {
      const classId = classes[r];
      const box = transform.originalBox(boxes, r, geometry);
      const mask = transform.pasteMask(maps.subarray(j * mh * mw, (j + 1) * mh * mw), mh, box, geometry,
        options.maskThreshold ?? 0.5, options.cropMasks === true);
      const inst: Instance = {
        classId, label: this.labels[classId] ?? `class ${classId}`, score: scores[r], box, bbox: toXywh(box, plusOne), mask,
      };
      if (options.rle) inst.rle = encodePlacedRle(mask, geometry.originalWidth, geometry.originalHeight);
      return inst;
    });
  }

  /**
   * Releases the weights; later calls throw DisposedError. Calls already in flight finish first
   * (the weights go when the last one ends). Idempotent.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.pending === 0) this.net.dispose();
  }
}

/**
 * `execute`'s input check and im_info's size in one read-back: imData and imInfo must be finite
 * (ArgumentError naming the one that is not, imData first).
 */
async function checkedImageSize(imData: tf.Tensor4D, imInfo: tf.Tensor2D): Promise<ImageSize> {
  if (imInfo.dtype !== 'float32' && imInfo.dtype !== 'int32') throw new ShapeMismatchError('imInfo', 'float32 or int32', imInfo.dtype);
  const packed = tf.tidy(() => tf.concat([
    tf.reshape(tf.cast(tf.all(tf.isFinite(imData)), 'float32'), [1]), tf.reshape(tf.cast(imInfo, 'float32'), [3])]));
  let host: Float32Array;
  try {
    host = (await packed.data()) as Float32Array;
  } finally {
    packed.dispose();
  }
  if (host[0] === 0) throw new ArgumentError('imData', 'contains NaN or Infinity');
  if (!host.subarray(1).every(Number.isFinite)) throw new ArgumentError('imInfo', 'contains NaN or Infinity');
  return { height: host[1], width: host[2] };
}

/** Rows detect() returns: a class, score ≥ threshold, best first (ties by row), at most `max`. */
function selectRows(classes: ArrayLike<number>, scores: ArrayLike<number>, threshold: number, max: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < classes.length; i++) if (classes[i] > 0 && scores[i] >= threshold) rows.push(i);
  rows.sort((a, b) => scores[b] - scores[a] || a - b);
  return rows.slice(0, max);
}

function labelsFor(config: ModelConfig, stored: string[] | undefined): string[] {
  if (stored !== undefined) return stored;
  // 81 classes without stored names: the card's COCO order; otherwise generic names.
  return Array.from({ length: config.numClasses }, (_, i) => (config.numClasses === 81 ? labelOf(i) : i === 0 ? 'background' : `class ${i}`));
}

/**
 * Loads a model: `source` is a model name of the catalogue (Node, through @mrcnn/hub: fetched,
 * verified and converted once, then read from the cache), a model.json path or directory (Node),
 * an http(s) URL, a registered tfjs scheme (indexeddb://…) or a tfjs IOHandler; without it, the
 * embedded default model (Node).
 */
export async function load(source?: string | tf.io.IOHandler, options: LoadOptions = {}): Promise<Model> {
  checkOptionKeys('options', options, LOAD_OPTION_KEYS, "{backend: 'wasm', threads: 4}");
  checkOption('options.threads', options.threads, (v) => Number.isInteger(v) && v >= 1 && v <= 8, 'an integer in [1, 8]');
  checkInputSizeOptions(options);
  let from = source ?? defaultModelPath();
  if (typeof from === 'string') from = (await resolveNamedModel(from, options.onFetchProgress)) ?? from;
  const backend = await selectBackend(options.backend, options.threads);
  const { weights, config: stored, labels, values } = await loadWeights(from, options);
  let net: MaskRCNN;
  let config: ModelConfig;
  try {
    config = { ...stored, input: inputWithSize(stored, options) };
    net = new MaskRCNN(weights, config, { ownsWeights: true, hostValues: values });
  } catch (e) {
    tf.dispose(Object.values(weights));
    throw e;
  }
  return new Model(net, labelsFor(config, labels), backend);
}
