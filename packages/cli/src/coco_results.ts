/**
 * COCO results JSON (the `loadRes` format of pycocotools): one entry per instance with image_id,
 * category_id, bbox [x, y, width, height] (widths in the model's box convention), score and segmentation (compressed RLE).
 */
import { COCO_CATEGORY_IDS } from '../labels';
import type { CocoRle } from '../postprocess/rle';
import type { SerializedInstance } from './job';

export interface CocoResult {
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  score: number;
  segmentation: CocoRle;
}

/** image_id of a file: its numeric stem (COCO's 000000005001.jpg -> 5001), else `fallback`. */
export function imageIdOf(fileName: string, fallback: number): number {
  const stem = fileName.replace(/\.[^.]*$/, '');
  return /^\d+$/.test(stem) && stem.length <= 15 ? Number(stem) : fallback;
}

/**
 * COCO category id of a contiguous class id: the COCO id table for 81-class models (0049,
 * background + 80), the class id itself otherwise.
 */
export function categoryIdOf(classId: number, numClasses: number): number {
  return numClasses === 81 ? COCO_CATEGORY_IDS[classId] ?? classId : classId;
}

export interface ResultConvention {
  numClasses: number;
  /** Legacy Detectron boxes (config.detection.boxPlusOne): width = x2 − x1 + 1. */
  plusOne: boolean;
}

export function cocoResults(imageId: number, instances: readonly SerializedInstance[], conv: ResultConvention): CocoResult[] {
  const o = conv.plusOne ? 1 : 0;
  const r2 = (v: number): number => Math.round(v * 100) / 100;
  return instances.map((d) => ({
    image_id: imageId,
    category_id: categoryIdOf(d.classId, conv.numClasses),
    bbox: [d.box[0], d.box[1], r2(d.box[2] - d.box[0] + o), r2(d.box[3] - d.box[1] + o)],
    score: d.score,
    segmentation: d.rle,
  }));
}
