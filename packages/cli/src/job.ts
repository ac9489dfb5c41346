/**
 * One image of `mrcnn detect`: decode once, detect, write the overlay PNG and (for single files)
 * the instances JSON; returns the instances in serialisable form (masks as COCO RLE).
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { encodeRle, readImageFile, rleArea } from '@mrcnn/model';
import type { CocoRle, Instance, Model, ResizePolicy } from '@mrcnn/model';
import { encodePng, renderOverlay } from '@mrcnn/model/internal';

export interface Job {
  id: number;
  /** Image file path. */
  input: string;
  /** Where to write the overlay PNG (none when undefined). */
  overlayPath?: string;
  /** Where to write the instances JSON (none when undefined). */
  jsonPath?: string;
}

export interface DetectSettings {
  scoreThreshold: number;
  policy: ResizePolicy;
  maxDetections?: number;
  /** Input size (default: the model's). */
  minSize?: number;
  maxSize?: number;
}

export interface SerializedInstance {
  classId: number;
  label: string;
  score: number;
  /** x1, y1, x2, y2 in original-image pixels. */
  box: [number, number, number, number];
  /** x, y, width, height in original-image pixels (COCO's form; the model's box convention, as `Instance.bbox`). */
  bbox: [number, number, number, number];
  /** Mask pixel count. */
  area: number;
  /** The full-resolution mask as compressed COCO RLE. */
  rle: CocoRle;
}

export interface ImageResult {
  width: number;
  height: number;
  instances: SerializedInstance[];
}

function serialize(inst: Instance): SerializedInstance {
  const rle = inst.rle ?? encodeRle(inst.mask);
  const round = (v: number): number => Math.round(v * 100) / 100;
  return {
    classId: inst.classId,
    label: inst.label,
    score: Math.round(inst.score * 1e5) / 1e5,
    box: [round(inst.box[0]), round(inst.box[1]), round(inst.box[2]), round(inst.box[3])],
    bbox: [round(inst.bbox[0]), round(inst.bbox[1]), round(inst.bbox[2]), round(inst.bbox[3])],
    area: rleArea(rle),
    rle,
  };
}

/**
 * Writes a file through a temporary name so an interrupted run never leaves half a file (only a
 * `*.tmp`); the name is unique per call, so two writers of one file (a queued image run twice) never share one.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** The sizes `settings` sets (absent ones left out, so the model's stand). */
function definedSizes(settings: DetectSettings): { minSize?: number; maxSize?: number } {
  return Object.fromEntries(Object.entries({ minSize: settings.minSize, maxSize: settings.maxSize }).filter(([, v]) => v !== undefined));
}

export async function runJob(model: Model, job: Job, settings: DetectSettings): Promise<ImageResult> {
  const rgb = await readImageFile(job.input);
  const instances = await model.detect(rgb, {
    scoreThreshold: settings.scoreThreshold, policy: settings.policy, maxDetections: settings.maxDetections, rle: true,
    minSize: settings.minSize, maxSize: settings.maxSize,
  });
  const result: ImageResult = { width: rgb.width, height: rgb.height, instances: instances.map(serialize) };
  if (job.overlayPath !== undefined) writeFileAtomic(job.overlayPath, await encodePng(renderOverlay(rgb, instances)));
  if (job.jsonPath !== undefined) {
    const { minSize, maxSize } = { ...model.config.input, ...definedSizes(settings) };
    const doc = { image: job.input, width: rgb.width, height: rgb.height, model: model.config.name, policy: settings.policy,
      minSize, maxSize, scoreThreshold: settings.scoreThreshold, instances: result.instances };
    writeFileAtomic(job.jsonPath, `${JSON.stringify(doc, null, 1)}\n`);
  }
  return result;
}
