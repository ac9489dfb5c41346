/**
 * Detections as COCO results entries (`CocoResult`, the list pycocotools' `loadRes` reads): the box
 * conversion shared by `mrcnn detect`'s results files and `mrcnn eval`.
 */
import type { BboxXywh } from './types';

/** [x1, y1, x2, y2] -> COCO [x, y, w, h]; legacy (+1) boxes count both end pixels. */
export function toXywh(box: readonly number[], plusOne: boolean): BboxXywh {
  const e = plusOne ? 1 : 0;
  return [box[0], box[1], box[2] - box[0] + e, box[3] - box[1] + e];
}
