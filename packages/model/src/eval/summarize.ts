/**
 * `COCOeval.summarize`: the 12 standard numbers (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100,
 * ARs, ARm, ARl), each the mean over the entries > -1 of the selected slice (-1 when there are none),
 * and the same text lines pycocotools prints.
 */
import type { Accumulated, NdArray } from './accumulate';
import { ndIndex } from './accumulate';
import type { EvalParams } from './types';

export interface CocoStats {
  AP: number;
  AP50: number;
  AP75: number;
  APs: number;
  APm: number;
  APl: number;
  AR1: number;
  AR10: number;
  AR100: number;
  ARs: number;
  ARm: number;
  ARl: number;
}

export const STAT_NAMES: readonly (keyof CocoStats)[] = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'];

interface Query {
  ap: boolean;
  iouThr?: number;
  areaRng: string;
  maxDets: number;
}

function meanOfSlice(arr: NdArray, fixed: Map<number, number[]>): number {
  let sum = 0;
  let n = 0;
  const idx = new Array<number>(arr.shape.length).fill(0);
  const ranges = arr.shape.map((size, axis) => fixed.get(axis) ?? Array.from({ length: size }, (_, i) => i));
  const walk = (axis: number): void => {
    if (axis === arr.shape.length) {
      const v = arr.data[ndIndex(arr.shape, idx)];
      if (v > -1) {
        sum += v;
        n++;
      }
      return;
    }
    for (const i of ranges[axis]) {
      idx[axis] = i;
      walk(axis + 1);
    }
  };
  walk(0);
  return n === 0 ? -1 : sum / n;
}

function summarizeOne(acc: Accumulated, p: EvalParams, q: Query): number {
  const aind = p.areaRngLbl.flatMap((l, i) => (l === q.areaRng ? [i] : []));
  const mind = p.maxDets.flatMap((m, i) => (m === q.maxDets ? [i] : []));
  const tind = q.iouThr === undefined ? undefined : p.iouThrs.flatMap((t, i) => (t === q.iouThr ? [i] : []));
  const fixed = new Map<number, number[]>();
  if (tind) fixed.set(0, tind);
  // precision [T,R,K,A,M], recall [T,K,A,M]
  const arr = q.ap ? acc.precision : acc.recall;
  const aAxis = q.ap ? 3 : 2;
  fixed.set(aAxis, aind);
  fixed.set(aAxis + 1, mind);
  return meanOfSlice(arr, fixed);
}

function queries(p: EvalParams): Query[] {
  const [m0, m1, m2] = [p.maxDets[0], p.maxDets[1], p.maxDets[2]];
  return [
    { ap: true, areaRng: 'all', maxDets: 100 },
    { ap: true, iouThr: 0.5, areaRng: 'all', maxDets: m2 },
    { ap: true, iouThr: 0.75, areaRng: 'all', maxDets: m2 },
    { ap: true, areaRng: 'small', maxDets: m2 },
    { ap: true, areaRng: 'medium', maxDets: m2 },
    { ap: true, areaRng: 'large', maxDets: m2 },
    { ap: false, areaRng: 'all', maxDets: m0 },
    { ap: false, areaRng: 'all', maxDets: m1 },
    { ap: false, areaRng: 'all', maxDets: m2 },
    { ap: false, areaRng: 'small', maxDets: m2 },
    { ap: false, areaRng: 'medium', maxDets: m2 },
    { ap: false, areaRng: 'large', maxDets: m2 },
  ];
}

export interface Summary {
  stats: CocoStats;
  /** The 12 values in pycocotools' `stats` order. */
  values: number[];
  /** pycocotools' printed lines. */
  lines: string[];
}

export function summarize(acc: Accumulated, p: EvalParams): Summary {
  const qs = queries(p);
  const values = qs.map((q) => summarizeOne(acc, p, q));
  const stats = Object.fromEntries(STAT_NAMES.map((n, i) => [n, values[i]])) as unknown as CocoStats;
  const fmt2 = (x: number): string => x.toFixed(2);
  const lines = qs.map((q, i) => {
    const title = q.ap ? 'Average Precision' : 'Average Recall';
    const type = q.ap ? '(AP)' : '(AR)';
    const iou = q.iouThr === undefined ? `${fmt2(p.iouThrs[0])}:${fmt2(p.iouThrs[p.iouThrs.length - 1])}` : fmt2(q.iouThr);
    return ` ${title.padEnd(18)} ${type} @[ IoU=${iou.padEnd(9)} | area=${q.areaRng.padStart(6)} | maxDets=${String(q.maxDets).padStart(3)} ] = ${values[i].toFixed(3)}`;
  });
  return { stats, values, lines };
}
