/**
 * COCO evaluation of detections against ground truth, step for step as pycocotools' COCOeval
 * (`loadRes`, `evaluate`, `accumulate`, `summarize`) with the default detection parameters.
 */
import { accumulate, type Accumulated } from './accumulate';
import { CocoFormatError } from './errors';
import { computeIou, evaluateImage, type DtEntry, type GtEntry, type ImageEval } from './evaluate_image';
import { loadResults } from './load_results';
import { defaultParams } from './params';
import { segmentationToRle } from './segmentation';
import { summarize, type Summary } from './summarize';
import type { CocoDataset, CocoDetection, CocoResult, EvalParams, IouType } from './types';

export interface CocoEvalOptions {
  /** Restrict to these images (default: every image of the ground truth). */
  imgIds?: readonly number[];
  /** Restrict to these categories (default: every category of the ground truth). */
  catIds?: readonly number[];
}

export interface CocoEvalResult {
  iouType: IouType;
  params: EvalParams;
  /** `evaluateImg` records indexed [category][area range][image] flattened. */
  evalImgs: (ImageEval | null)[];
  accumulated: Accumulated;
  summary: Summary;
}

const uniqueSorted = (ids: Iterable<number>): number[] => [...new Set(ids)].sort((a, b) => a - b);

/** Evaluates results (a COCO results list) against a data set; `iouType` 'bbox' or 'segm'. */
export function evaluateCoco(gt: CocoDataset, results: readonly CocoResult[], iouType: IouType, opts: CocoEvalOptions = {}): CocoEvalResult {
  return evaluateDetections(gt, loadResults(gt, results), iouType, opts);
}

/** As `evaluateCoco`, for detections already in annotation form (`loadResults`). */
export function evaluateDetections(gt: CocoDataset, dts: readonly CocoDetection[], iouType: IouType, opts: CocoEvalOptions = {}): CocoEvalResult {
  const p = defaultParams(
    uniqueSorted(opts.imgIds ?? gt.images.map((im) => im.id)),
    uniqueSorted(opts.catIds ?? gt.categories.map((c) => c.id)),
  );
  const images = new Map(gt.images.map((im) => [im.id, im]));
  const imgSet = new Set(p.imgIds);
  const catSet = new Set(p.catIds);
  const key = (img: number, cat: number): string => `${img}:${cat}`;
  const gts = new Map<string, GtEntry[]>();
  const dtsBy = new Map<string, DtEntry[]>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T): void => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  const rleOf = (segm: unknown, imageId: number, where: string) => {
    const im = images.get(imageId);
    if (!im) throw new CocoFormatError(where, `image_id ${imageId} is not in the data set`);
    if (segm === undefined) throw new CocoFormatError(where, 'segm evaluation needs a segmentation');
    return segmentationToRle(segm, im.height, im.width, `${where}.segmentation`);
  };
  // ground truth grouped per image in image-id order, file order inside (getAnnIds + loadAnns)
  const byImage = new Map<number, typeof gt.annotations>();
  gt.annotations.forEach((a) => {
    const list = byImage.get(a.image_id);
    if (list) list.push(a);
    else byImage.set(a.image_id, [a]);
  });
  for (const imgId of p.imgIds) {
    for (const a of byImage.get(imgId) ?? []) {
      if (!catSet.has(a.category_id)) continue;
      const iscrowd = Boolean(a.iscrowd);
      const entry: GtEntry = { id: a.id, area: a.area, iscrowd, ignore: iscrowd, bbox: a.bbox };
      if (iouType === 'segm') entry.rle = rleOf(a.segmentation, a.image_id, `annotation ${a.id}`);
      push(gts, key(a.image_id, a.category_id), entry);
    }
  }
  for (const d of dts) {
    if (!imgSet.has(d.image_id) || !catSet.has(d.category_id)) continue;
    const entry: DtEntry = { id: d.id, area: d.area, score: d.score, bbox: d.bbox };
    if (iouType === 'segm') entry.rle = rleOf(d.segmentation, d.image_id, `detection ${d.id}`);
    push(dtsBy, key(d.image_id, d.category_id), entry);
  }
  const maxDet = p.maxDets[p.maxDets.length - 1];
  const ious = new Map<string, number[][]>();
  for (const imgId of p.imgIds) {
    for (const catId of p.catIds) {
      const k = key(imgId, catId);
      ious.set(k, computeIou(gts.get(k) ?? [], dtsBy.get(k) ?? [], iouType, maxDet));
    }
  }
  const evalImgs: (ImageEval | null)[] = [];
  for (const catId of p.catIds) {
    for (const areaRng of p.areaRng) {
      for (const imgId of p.imgIds) {
        const k = key(imgId, catId);
        evalImgs.push(evaluateImage(gts.get(k) ?? [], dtsBy.get(k) ?? [], ious.get(k) ?? [], areaRng, maxDet, p.iouThrs));
      }
    }
  }
  const accumulated = accumulate(evalImgs, p);
  return { iouType, params: p, evalImgs, accumulated, summary: summarize(accumulated, p) };
}
