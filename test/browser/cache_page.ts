/**
 * Browser side of test/browser/model_cache.test.ts: `self.mrcnnCacheTest` loads a converted model
 * from a URL with `load(url, { cache, onFetchProgress })`, runs `detect` on an image, and reports
 * the progress it saw, the instances and the tensor count; also the Cache API's keys, forgetting
 * a cached model, and what loading a model *name* does in a browser.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mrcnn/engine';
import type { EngineBackendName } from '@mrcnn/engine';
import { DEFAULT_MODEL_CACHE, deleteCachedModel, load, ModelLoadError } from '@mrcnn/model';
import type { FetchProgress } from '@mrcnn/model';

export interface CachePageResult {
  progress: FetchProgress[];
  instances: Array<{ label: string; score: number; box: number[] }>;
  /** tf.memory().numTensors after load + detect + dispose, minus before. */
  leaked: number;
}

async function init(backend: EngineBackendName): Promise<string> {
  return (await initBackend(backend, { wasmPaths: '/tfjs-wasm/' })).backend;
}

async function loadAndDetect(modelUrl: string, imageUrl: string, cache: boolean): Promise<CachePageResult> {
  const progress: FetchProgress[] = [];
  const model = await load(modelUrl, { cache, onFetchProgress: (p) => progress.push({ ...p }) });
  try {
    const bitmap = await createImageBitmap(await (await fetch(imageUrl)).blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    const found = await model.detect(bitmap, { scoreThreshold: 0.3 });
    bitmap.close();
    return { progress, instances: found.map((d) => ({ label: d.label, score: d.score, box: [...d.box] })), leaked: 0 };
  } finally {
    model.dispose();
  }
}

async function run(modelUrl: string, imageUrl: string, cache: boolean): Promise<CachePageResult> {
  const before = tf.memory().numTensors;
  const r = await loadAndDetect(modelUrl, imageUrl, cache);
  return { ...r, leaked: tf.memory().numTensors - before };
}

async function cachedUrls(): Promise<string[]> {
  return (await (await caches.open(DEFAULT_MODEL_CACHE)).keys()).map((r) => new URL(r.url).pathname).sort();
}

async function loadByName(name: string): Promise<{ isModelLoadError: boolean; message: string }> {
  try {
    (await load(name)).dispose();
    return { isModelLoadError: false, message: 'loaded' };
  } catch (e) {
    return { isModelLoadError: e instanceof ModelLoadError, message: e instanceof Error ? e.message : String(e) };
  }
}

export interface CachePageApi {
  init: typeof init;
  run: typeof run;
  cachedUrls: typeof cachedUrls;
  forget: typeof deleteCachedModel;
  loadByName: typeof loadByName;
}

(self as unknown as { mrcnnCacheTest: CachePageApi }).mrcnnCacheTest = { init, run, cachedUrls, forget: deleteCachedModel, loadByName };
