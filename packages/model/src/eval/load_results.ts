/**
 * Ground truth and detections in the form COCOeval works on (pycocotools `COCO.loadRes` and the
 * validation of `COCO.__init__`): every detection gets id = index + 1, iscrowd 0 and an area that
 * depends on the results' kind, decided by the first entry as pycocotools does: box results (`bbox`
 * present) use w*h, mask results use the mask's pixel count (and get `bbox` from the mask when absent).
 */
import { CocoFormatError } from './errors';
import { rleToBbox, countsArea } from './rle_ops';
import { segmentationToRle } from './segmentation';
import type { BboxXywh, CocoDataset, CocoDetection, CocoResult } from './types';

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isBbox(v: unknown): v is BboxXywh {
  return Array.isArray(v) && v.length === 4 && v.every(isFiniteNumber);
}

/** Checks the parts of an instances file the evaluator reads; returns it typed. */
export function validateDataset(data: unknown, where: string): CocoDataset {
  if (typeof data !== 'object' || data === null) throw new CocoFormatError(where, 'expected a JSON object');
  const d = data as Record<string, unknown>;
  for (const key of ['images', 'annotations', 'categories']) {
    if (!Array.isArray(d[key])) throw new CocoFormatError(where, `missing list "${key}"`);
  }
  const images = d.images as unknown[];
  images.forEach((im, i) => {
    const o = im as Record<string, unknown>;
    if (!isFiniteNumber(o?.id) || !isFiniteNumber(o.width) || !isFiniteNumber(o.height)) {
      throw new CocoFormatError(`${where} images[${i}]`, 'needs numeric id, width and height');
    }
  });
  (d.annotations as unknown[]).forEach((a, i) => {
    const o = a as Record<string, unknown>;
    if (!isFiniteNumber(o?.id) || !isFiniteNumber(o.image_id) || !isFiniteNumber(o.category_id) || !isFiniteNumber(o.area) || !isBbox(o.bbox)) {
      throw new CocoFormatError(`${where} annotations[${i}]`, 'needs numeric id, image_id, category_id, area and a 4-number bbox');
    }
  });
  (d.categories as unknown[]).forEach((c, i) => {
    if (!isFiniteNumber((c as Record<string, unknown>)?.id)) throw new CocoFormatError(`${where} categories[${i}]`, 'needs a numeric id');
  });
  return data as CocoDataset;
}

/** Detections as annotations (`COCO.loadRes`); `where` names the results source in errors. */
export function loadResults(gt: CocoDataset, results: readonly CocoResult[], where = 'results'): CocoDetection[] {
  const images = new Map(gt.images.map((im) => [im.id, im]));
  results.forEach((r, i) => {
    if (!isFiniteNumber(r?.image_id) || !isFiniteNumber(r.category_id) || !isFiniteNumber(r.score)) {
      throw new CocoFormatError(`${where}[${i}]`, 'needs numeric image_id, category_id and score');
    }
    if (!images.has(r.image_id)) {
      throw new CocoFormatError(`${where}[${i}]`, `image_id ${r.image_id} is not in the ground truth (results do not correspond to this set)`);
    }
  });
  if (results.length === 0) return [];
  const boxKind = Array.isArray(results[0].bbox) && results[0].bbox.length > 0;
  if (!boxKind && results[0].segmentation === undefined) {
    throw new CocoFormatError(`${where}[0]`, 'results need "bbox" or "segmentation"');
  }
  return results.map((r, i) => {
    const base = { id: i + 1, image_id: r.image_id, category_id: r.category_id, iscrowd: 0, score: r.score };
    if (boxKind) {
      if (!isBbox(r.bbox)) throw new CocoFormatError(`${where}[${i}]`, 'bbox must be 4 numbers [x, y, w, h]');
      const [x1, y1, bw, bh] = r.bbox;
      const x2 = x1 + bw;
      const y2 = y1 + bh;
      const segmentation = r.segmentation ?? [[x1, y1, x1, y2, x2, y2, x2, y1]];
      return { ...base, bbox: r.bbox, area: bw * bh, segmentation };
    }
    if (r.segmentation === undefined) throw new CocoFormatError(`${where}[${i}]`, 'missing segmentation');
    const im = images.get(r.image_id);
    const rle = segmentationToRle(r.segmentation, im?.height ?? 0, im?.width ?? 0, `${where}[${i}].segmentation`);
    const bbox = isBbox(r.bbox) ? r.bbox : rleToBbox(rle);
    return { ...base, bbox, area: countsArea(rle), segmentation: r.segmentation };
  });
}
