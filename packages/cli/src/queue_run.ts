/**
 * What a queued detection run is, for the `enqueue`, `worker` and `collect` commands: the spec
 * recorded with the run (@mrcnn/queue's manifest) so every worker runs the same model (checked by
 * digest), backend and settings, and where the outputs go — the same names `mrcnn detect <dir>`
 * uses: `<out>/<name>.results.json` (written by `collect`), overlays `<out>/<name>/<stem>.png`
 * (written by the workers), plus the per-image results `<out>/<name>.parts/<key>.json`
 * (@mrcnn/queue's ResultStore) the workers write and `collect` merges.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { BackendName, CocoResult } from '@mrcnn/model';
import type { RunImage } from '@mrcnn/queue';
import { ResultStore } from '@mrcnn/queue';
import { cocoResults, ResultConvention } from './coco_results';
import type { DetectSettings, ImageResult, Job } from './job';
import type { ModelFile } from './model_file';

export interface DetectRunSpec {
  /** Absolute path of model.json as the enqueueing machine sees it. */
  model: string;
  /** `modelDigest` of it: workers refuse a model that differs. */
  modelDigest: string;
  backend: BackendName;
  settings: DetectSettings;
  /** Absolute output directory, shared by the workers. */
  outDir: string;
  overlays: boolean;
  convention: ResultConvention;
}

/** sha256 over model.json and its weight shards, in manifest order. */
export function modelDigest(model: ModelFile): string {
  const h = createHash('sha256').update(fs.readFileSync(model.jsonPath));
  const dir = path.dirname(model.jsonPath);
  for (const group of model.manifest.groups) {
    for (const p of group.paths) h.update(fs.readFileSync(path.join(dir, p)));
  }
  return h.digest('hex');
}

export function partsDir(spec: DetectRunSpec, name: string): string {
  return path.join(spec.outDir, `${name}.parts`);
}

export function resultStore(spec: DetectRunSpec, name: string): ResultStore<ImageResult> {
  return new ResultStore<ImageResult>(partsDir(spec, name));
}

/** Overlay path of an image: `<out>/<name>/<key without extension>.png`, as `detect <dir>` writes it. */
export function overlayPath(spec: DetectRunSpec, name: string, key: string): string {
  return path.join(spec.outDir, name, `${key.replace(/\.[^./]*$/, '')}.png`);
}

export function resultsPath(spec: DetectRunSpec, name: string): string {
  return path.join(spec.outDir, `${name}.results.json`);
}

/** The thread pool's job for one image of the run. */
export function jobOf(spec: DetectRunSpec, name: string, image: RunImage, id: number): Job {
  return spec.overlays ? { id, input: image.file, overlayPath: overlayPath(spec, name, image.key) } : { id, input: image.file };
}

/** The run's COCO results in run order (as `detect <dir>` orders them) and the images without a result. */
export function mergeResults(store: ResultStore<ImageResult>, images: readonly RunImage[], conv: ResultConvention):
  { results: CocoResult[]; done: number; missing: RunImage[] } {
  const results: CocoResult[] = [];
  const missing: RunImage[] = [];
  let done = 0;
  for (const im of images) {
    const r = store.get(im.key);
    if (r === undefined) {
      missing.push(im);
      continue;
    }
    done++;
    results.push(...cocoResults(im.imageId, r.instances, conv));
  }
  return { results, done, missing };
}
