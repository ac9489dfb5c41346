/**
 * Resolves a model source to tfjs artifacts, validates them and decodes the weight map and the
 * architecture config (`userDefinedMetadata`, versioned by @mrcnn/schema: stored_config.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DeepPartial, FetchProgress, ModelConfig } from '@mrcnn/schema';
import { ModelLoadError } from '../errors';
import { fileSystemHandler } from './fs_handler';
import { decodeWeights } from './decode_weights';
import { validateManifest, weightDataByteLength } from './manifest';
import { readStoredConfig } from './stored_config';
import { urlModelHandler } from './url_handler';

export interface LoadSourceOptions {
  /** Overrides merged over the config stored in model.json (e.g. proposal counts). */
  config?: DeepPartial<ModelConfig>;
  /** Used when model.json carries no `userDefinedMetadata.mrcnn` (default: an error). */
  fallbackConfig?: ModelConfig;
  /** For http(s) sources: passed to `tf.io.http` (custom fetch, request init, progress). */
  fetchFunc?: typeof fetch;
  requestInit?: RequestInit;
  onProgress?: (fraction: number) => void;
  /**
   * URL sources (browsers): keep model.json and its shards in the Cache API for the next visit
   * (true: the 'mrcnn-models' cache; a string: that cache). No effect where there is no Cache API.
   */
  cache?: boolean | string;
  /**
   * Byte progress with rate and ETA: of a URL's model.json and shards (network or cache), and of a
   * named model's download, verification and conversion (Node, @mrcnn/hub).
   */
  onFetchProgress?: (p: FetchProgress) => void;
}

export interface LoadedWeights {
  /** Owned by the caller (normally handed to the model, which disposes them). */
  weights: tf.NamedTensorMap;
  config: ModelConfig;
  /** Where the weights came from, for messages. */
  source: string;
  /** Class names from `userDefinedMetadata.labels`, background first (prepended when stored without it). */
  labels?: string[];
  /**
   * The float32 weights' values on the host as loaded (views on the weight data; empty for quantized
   * weights), equal to the tensors': MaskRCNNOptions.hostValues.
   */
  values: ReadonlyMap<string, Float32Array>;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions.node === 'string';
}

function describe(source: string | tf.io.IOHandler): string {
  return typeof source === 'string' ? source : 'IOHandler';
}

/**
 * The IOHandler for a string source: http(s) URL (tfjs's `tf.io.http`, or this package's URL handler
 * when `cache` or `onFetchProgress` is asked for), a registered scheme (indexeddb://), or a path (Node).
 */
export function handlerFor(source: string, options: LoadSourceOptions = {}): tf.io.IOHandler {
  const isUrl = /^https?:\/\//i.test(source) || (!isNode() && !/^[a-z][a-z0-9+.-]*:\/\//i.test(source));
  if (isUrl && (options.cache !== undefined || options.onFetchProgress !== undefined)) {
    return urlModelHandler(source, {
      cache: options.cache, onProgress: options.onFetchProgress, fetchFunc: options.fetchFunc, requestInit: options.requestInit,
    });
  }
  const httpOptions: tf.io.LoadOptions = {};
  if (options.fetchFunc) httpOptions.fetchFunc = options.fetchFunc;
  if (options.requestInit) httpOptions.requestInit = options.requestInit;
  if (options.onProgress) httpOptions.onProgress = options.onProgress;
  if (/^https?:\/\//i.test(source)) return tf.io.http(source, httpOptions);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    const handlers = tf.io.getLoadHandlers(source, httpOptions);
    if (handlers.length === 0) throw new ModelLoadError(source, 'no tfjs IO handler is registered for this scheme');
    return handlers[0];
  }
  if (isNode()) return fileSystemHandler(source);
  return tf.io.http(source, httpOptions);
}

function labelsFrom(artifacts: tf.io.ModelArtifacts, source: string, config: ModelConfig): string[] | undefined {
  const stored: unknown = artifacts.userDefinedMetadata?.['labels'];
  if (stored === undefined) return undefined;
  const n = config.numClasses;
  if (!Array.isArray(stored) || (stored.length !== n && stored.length !== n - 1) || !stored.every((x) => typeof x === 'string')) {
    throw new ModelLoadError(source, `userDefinedMetadata.labels must be ${n} strings (background first) or ${n - 1} (without it)`);
  }
  const names = stored as string[];
  return names.length === n ? names : ['background', ...names];
}

/** Loads and validates weights + config from a path, URL or IOHandler. */
export async function loadWeights(source: string | tf.io.IOHandler, options: LoadSourceOptions = {}): Promise<LoadedWeights> {
  const name = describe(source);
  const handler = typeof source === 'string' ? handlerFor(source, options) : source;
  if (typeof handler.load !== 'function') throw new ModelLoadError(name, 'the IOHandler has no load() method');
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load();
  } catch (cause) {
    if (cause instanceof ModelLoadError) throw cause;
    const msg = cause instanceof Error ? cause.message : String(cause);
    throw new ModelLoadError(name, `loading failed: ${msg}`, { cause });
  }
  const config = readStoredConfig(artifacts.userDefinedMetadata, name, options);
  const labels = labelsFrom(artifacts, name, config);
  if (!artifacts.weightSpecs || !artifacts.weightData) throw new ModelLoadError(name, 'the artifacts carry no weights');
  const manifest = validateManifest([{ paths: ['weights.bin'], weights: artifacts.weightSpecs }], name);
  const have = weightDataByteLength(artifacts.weightData);
  if (have !== manifest.byteLength) {
    throw new ModelLoadError(name, `weight data holds ${have} bytes, the manifest's weights need ${manifest.byteLength}`);
  }
  let weights: tf.NamedTensorMap;
  const values = new Map<string, Float32Array>();
  try {
    weights = decodeWeights(artifacts.weightData, manifest.specs, values);
  } catch (cause) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    throw new ModelLoadError(name, `cannot decode weights: ${msg}`, { cause });
  }
  return labels === undefined ? { weights, config, source: name, values } : { weights, config, source: name, labels, values };
}
