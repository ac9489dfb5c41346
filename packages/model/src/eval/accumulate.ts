/**
 * `COCOeval.accumulate`: per IoU threshold, category, area range and maxDets, detections of all images
 * pooled in score order (stable), precision made monotone from the right, and read at the 101 recall
 * thresholds (first point whose recall reaches the threshold; 0 beyond the highest recall). Arrays hold
 * -1 where a category has no non-ignored ground truth.
 */
import type { ImageEval } from './evaluate_image';
import { stableArgsort } from './evaluate_image';
import type { EvalParams } from './types';

/** Row-major dense array with numpy-style shape. */
export interface NdArray {
  shape: number[];
  data: Float64Array;
}

export function ndIndex(shape: readonly number[], idx: readonly number[]): number {
  let off = 0;
  for (let i = 0; i < shape.length; i++) off = off * shape[i] + idx[i];
  return off;
}

export interface Accumulated {
  /** [T, R, K, A, M] */
  precision: NdArray;
  /** [T, K, A, M] */
  recall: NdArray;
  /** [T, R, K, A, M] detection score at each recall threshold. */
  scores: NdArray;
}

/** np.spacing(1). */
const EPS = 2.220446049250313e-16;

/** First index i with sorted[i] >= x (np.searchsorted side='left'). */
function searchLeft(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `evalImgs` is indexed [k][a][i] flattened, as `COCOeval.evaluate` lays it out. */
export function accumulate(evalImgs: readonly (ImageEval | null)[], p: EvalParams): Accumulated {
  const T = p.iouThrs.length;
  const R = p.recThrs.length;
  const K = p.catIds.length;
  const A = p.areaRng.length;
  const M = p.maxDets.length;
  const I = p.imgIds.length;
  const precision: NdArray = { shape: [T, R, K, A, M], data: new Float64Array(T * R * K * A * M).fill(-1) };
  const recall: NdArray = { shape: [T, K, A, M], data: new Float64Array(T * K * A * M).fill(-1) };
  const scores: NdArray = { shape: [T, R, K, A, M], data: new Float64Array(T * R * K * A * M).fill(-1) };
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < A; a++) {
      for (let m = 0; m < M; m++) {
        const maxDet = p.maxDets[m];
        const E: ImageEval[] = [];
        for (let i = 0; i < I; i++) {
          const e = evalImgs[k * A * I + a * I + i];
          if (e) E.push(e);
        }
        if (E.length === 0) continue;
        const dtScores = E.flatMap((e) => e.dtScores.slice(0, maxDet));
        const inds = stableArgsort(dtScores.map((s) => -s));
        const dtScoresSorted = inds.map((i) => dtScores[i]);
        const npig = E.reduce((n, e) => n + e.gtIgnore.filter((g) => !g).length, 0);
        if (npig === 0) continue;
        for (let t = 0; t < T; t++) {
          const dtm = E.flatMap((e) => e.dtMatches[t].slice(0, maxDet));
          const dtIg = E.flatMap((e) => e.dtIgnore[t].slice(0, maxDet));
          const nd = inds.length;
          const rc: number[] = [];
          const pr: number[] = [];
          let tp = 0;
          let fp = 0;
          for (const i of inds) {
            if (!dtIg[i]) {
              if (dtm[i] !== 0) tp++;
              else fp++;
            }
            rc.push(tp / npig);
            pr.push(tp / (fp + tp + EPS));
          }
          recall.data[ndIndex(recall.shape, [t, k, a, m])] = nd ? rc[nd - 1] : 0;
          for (let i = nd - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
          for (let r = 0; r < R; r++) {
            const pi = searchLeft(rc, p.recThrs[r]);
            const at = ndIndex(precision.shape, [t, r, k, a, m]);
            if (pi < nd) {
              precision.data[at] = pr[pi];
              scores.data[at] = dtScoresSorted[pi];
            } else {
              precision.data[at] = 0;
              scores.data[at] = 0;
            }
          }
        }
      }
    }
  }
  return { precision, recall, scores };
}
