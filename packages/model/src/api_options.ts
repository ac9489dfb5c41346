/**
 * The options of `load` and `Model.detect`: their types, defaults (documented on each field) and
 * checks. Every check throws ArgumentError naming the option; an unknown key, options that are not
 * an object or an extra `detect` argument are refused too (in plain JavaScript nothing else would
 * notice `{threshold: 0.1}` or coco-ssd's `detect(img, 20, 0.1)`, and the call would run with the
 * defaults). Pure functions over the caller's values; nothing here touches tfjs.
 */
import type { EngineBackendName } from '@mrcnn/engine';
import type { ResizePolicy } from '@mrcnn/schema';
import { ArgumentError } from './errors';
import type { LoadSourceOptions } from './io/load_weights';
import type { StageName } from './network/mask_rcnn';
import type { InputSizeOptions } from './transform/input_size';

export type BackendName = EngineBackendName;

export interface LoadOptions extends LoadSourceOptions, InputSizeOptions {
  /**
   * Backend to initialise and select (`initBackend` of @mrcnn/engine; this switches tfjs's global
   * backend). Default: the current backend when it is cpu, wasm or webgl and its RoIAlign kernel is
   * registered; otherwise 'wasm' in Node and 'webgl' in browsers is initialised.
   */
  backend?: BackendName;
  /**
   * wasm: the XNNPACK thread count (1..8) when this call initialises the wasm backend. Default in
   * Node: the machine's logical cores (os.availableParallelism(), at most 8; tfjs's threaded SIMD
   * build on worker_threads); in browsers: tfjs's default (half the logical cores, in
   * cross-origin-isolated pages; 1 elsewhere). A wasm backend already initialised keeps its count.
   */
  threads?: number;
}

/** The keys `load`'s options may have (anything else is an ArgumentError: a misspelt option would silently do nothing). */
export const LOAD_OPTION_KEYS: readonly (keyof LoadOptions)[] = [
  'backend', 'threads', 'config', 'fallbackConfig', 'fetchFunc', 'requestInit', 'onProgress', 'cache', 'onFetchProgress',
  'minSize', 'maxSize',
];

/** Stages reported by `detect`'s `onStage`: the network's stages plus decoding and pasting. */
export type DetectStage = 'decode' | 'preprocess' | StageName | 'paste';

/**
 * Options of `detect`. `minSize`/`maxSize` (InputSizeOptions) set this call's input size (default:
 * the model's config, e.g. 320/480 for 0049, 800/1333 for torchvision's models).
 */
export interface DetectOptions extends InputSizeOptions {
  /**
   * Minimum score of a returned instance. Default: the model's own,
   * `model.config.detection.defaultScoreThreshold` (0.5 for 0049 and torchvision; 0.3 for the
   * embedded default model, whose scores are low).
   */
  scoreThreshold?: number;
  /** At most this many instances, highest scores first (default: the config's 100). */
  maxDetections?: number;
  /** Resize policy (default: the config's `input.resizePolicy`, 'fit'; the torchvision transform has only 'fit'). */
  policy?: ResizePolicy;
  /**
   * Masks covering only their box (default false: masks as large as the image). A full-image
   * mask costs width·height bytes per instance (100 instances on a 2048x2048 photo: 419 MB); a
   * cropped one costs its box's area. Either way `mask.x`, `mask.y` place it in the image.
   */
  cropMasks?: boolean;
  /**
   * Also return each mask as compressed COCO RLE of the whole image (default false): typically a
   * few hundred bytes per instance, what COCO results files hold.
   */
  rle?: boolean;
  /** Mask probability threshold of the paste (default 0.5). */
  maskThreshold?: number;
  /** Apply a JPEG's EXIF orientation (default true). */
  exifOrientation?: boolean;
  /** Called after each stage with its wall time in milliseconds. */
  onStage?: (stage: DetectStage, ms: number) => void;
}

/** The keys `detect`'s options may have. */
export const DETECT_OPTION_KEYS: readonly (keyof DetectOptions)[] = [
  'scoreThreshold', 'maxDetections', 'policy', 'cropMasks', 'rle', 'maskThreshold', 'exifOrientation', 'onStage', 'minSize', 'maxSize',
];

/**
 * Refuses options that are not a plain object or that hold a key the call does not know, e.g.
 * coco-ssd's positional `detect(img, 20, 0.1)` or `{threshold: 0.1}`: in plain JavaScript these
 * would otherwise run with the defaults without a word.
 */
export function checkOptionKeys(argument: string, options: unknown, known: readonly string[], hint: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ArgumentError(argument, `expected an options object such as ${hint}, got ${describeValue(options)}`);
  }
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new ArgumentError(`${argument}.${unknown[0]}`, `unknown option (known: ${known.join(', ')})`);
  }
}

export function describeValue(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return 'an array';
  return JSON.stringify(v) ?? String(v);
}

export function checkOption(argument: string, value: number | undefined, ok: (v: number) => boolean, what: string): void {
  if (value !== undefined && !(typeof value === 'number' && ok(value))) {
    throw new ArgumentError(argument, `expected ${what}, got ${JSON.stringify(value)}`);
  }
}

export function checkDetectOptions(o: DetectOptions): void {
  checkOption('options.scoreThreshold', o.scoreThreshold, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
  checkOption('options.maskThreshold', o.maskThreshold, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
  checkOption('options.maxDetections', o.maxDetections, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
  checkInputSizeOptions(o);
  if (o.policy !== undefined && o.policy !== 'fit' && o.policy !== 'window') {
    throw new ArgumentError('options.policy', `expected 'fit' or 'window', got ${JSON.stringify(o.policy)}`);
  }
  if (o.onStage !== undefined && typeof o.onStage !== 'function') throw new ArgumentError('options.onStage', 'expected a function');
  for (const key of ['cropMasks', 'rle', 'exifOrientation'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new ArgumentError(`options.${key}`, `expected a boolean, got ${describeValue(o[key])}`);
  }
}


/** `minSize` / `maxSize` of load's or detect's options: positive integers when given. */
export function checkInputSizeOptions(o: InputSizeOptions): void {
  checkOption('options.minSize', o.minSize, (v) => Number.isInteger(v) && v > 0, 'a positive integer');
  checkOption('options.maxSize', o.maxSize, (v) => Number.isInteger(v) && v > 0, 'a positive integer');
}
