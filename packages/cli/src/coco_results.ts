/**
 * COCO results JSON of `mrcnn detect` (the `loadRes` format of pycocotools, the evaluator's
 * `CocoResult`): one entry per instance with image_id, category_id, bbox [x, y, width, height]
 * (widths in the model's box convention, `toXywh`), score and segmentation (compressed RLE).
 */
import { COCO_CATEGORY_IDS } from '@mrcnn/model';
import type { CocoResult } from '@mrcnn/model';
import { toXywh } from '@mrcnn/model/internal';
import type { SerializedInstance } from './job';

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
  // The boxes are rounded to 0.01 px already (job.ts); so are the widths, which subtraction makes ragged.
  const r2 = (v: number): number => Math.round(v * 100) / 100;
  return instances.map((d) => {
    const [x, y, w, h] = toXywh(d.box, conv.plusOne);
    return { image_id: imageId, category_id: categoryIdOf(d.classId, conv.numClasses), bbox: [x, y, r2(w), r2(h)], score: d.score, segmentation: d.rle };
  });
}
