/**
 * Per image and category: the IoU matrix (`COCOeval.computeIoU`) and the greedy matching at every IoU
 * threshold for one area range (`COCOeval.evaluateImg`), with pycocotools' exact tie and ignore rules:
 * detections in score order (stable), ground truth with ignored (crowd or out-of-range) entries last,
 * a crowd may absorb several detections, a detection on an ignored ground truth is ignored, and an
 * unmatched detection outside the area range is ignored.
 */
import type { RleCounts } from '../postprocess/rle';
import { bboxIou, rleIou } from './rle_ops';
import type { BboxXywh, IouType } from './types';

/** Ground truth entry as the matcher sees it. */
export interface GtEntry {
  id: number;
  area: number;
  iscrowd: boolean;
  /** iscrowd (pycocotools sets `ignore` from iscrowd). */
  ignore: boolean;
  bbox: BboxXywh;
  rle?: RleCounts;
}

export interface DtEntry {
  id: number;
  area: number;
  score: number;
  bbox: BboxXywh;
  rle?: RleCounts;
}

/** `evaluateImg`'s record; matches are [T][D] / [T][G] ids (0 = unmatched). */
export interface ImageEval {
  dtMatches: number[][];
  gtMatches: number[][];
  dtScores: number[];
  gtIgnore: boolean[];
  dtIgnore: boolean[][];
}

/** Stable order of `keys` ascending (numpy argsort kind='mergesort'). */
export function stableArgsort(keys: readonly number[]): number[] {
  return keys.map((_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
}

/** Detections sorted by score (stable), cut to `maxDet`. */
export function sortDetections<T extends { score: number }>(dt: readonly T[], maxDet: number): T[] {
  return stableArgsort(dt.map((d) => -d.score)).slice(0, maxDet).map((i) => dt[i]);
}

/** IoU [d][g] of the first maxDets[-1] detections by score against all ground truth (file order). */
export function computeIou(gt: readonly GtEntry[], dt: readonly DtEntry[], iouType: IouType, maxDet: number): number[][] {
  if (gt.length === 0 || dt.length === 0) return [];
  const d = sortDetections(dt, maxDet);
  const crowd = gt.map((g) => g.iscrowd);
  if (iouType === 'segm') {
    return rleIou(d.map((x) => x.rle as RleCounts), gt.map((x) => x.rle as RleCounts), crowd);
  }
  return bboxIou(d.map((x) => x.bbox), gt.map((x) => x.bbox), crowd);
}

/** `COCOeval.evaluateImg` for one area range; null when there is neither ground truth nor detection. */
export function evaluateImage(
  gtAll: readonly GtEntry[],
  dtAll: readonly DtEntry[],
  ious: readonly number[][],
  areaRng: readonly [number, number],
  maxDet: number,
  iouThrs: readonly number[],
): ImageEval | null {
  if (gtAll.length === 0 && dtAll.length === 0) return null;
  const outside = (area: number): boolean => area < areaRng[0] || area > areaRng[1];
  const gtIgnoreAll = gtAll.map((g) => g.ignore || outside(g.area));
  const gtind = stableArgsort(gtIgnoreAll.map((x) => (x ? 1 : 0)));
  const gt = gtind.map((i) => gtAll[i]);
  const gtIg = gtind.map((i) => gtIgnoreAll[i]);
  const dt = sortDetections(dtAll, maxDet);
  const T = iouThrs.length;
  const G = gt.length;
  const D = dt.length;
  const gtm = Array.from({ length: T }, () => new Array<number>(G).fill(0));
  const dtm = Array.from({ length: T }, () => new Array<number>(D).fill(0));
  const dtIg = Array.from({ length: T }, () => new Array<boolean>(D).fill(false));
  if (ious.length > 0) {
    iouThrs.forEach((t, tind) => {
      dt.forEach((d, dind) => {
        let iou = Math.min(t, 1 - 1e-10);
        let m = -1;
        for (let gind = 0; gind < G; gind++) {
          if (gtm[tind][gind] > 0 && !gt[gind].iscrowd) continue;
          if (m > -1 && !gtIg[m] && gtIg[gind]) break;
          const v = ious[dind][gtind[gind]];
          if (v < iou) continue;
          iou = v;
          m = gind;
        }
        if (m === -1) return;
        dtIg[tind][dind] = gtIg[m];
        dtm[tind][dind] = gt[m].id;
        gtm[tind][m] = d.id;
      });
    });
  }
  for (let tind = 0; tind < T; tind++) {
    for (let dind = 0; dind < D; dind++) {
      if (dtm[tind][dind] === 0 && outside(dt[dind].area)) dtIg[tind][dind] = true;
    }
  }
  return { dtMatches: dtm, gtMatches: gtm, dtScores: dt.map((d) => d.score), gtIgnore: gtIg, dtIgnore: dtIg };
}
