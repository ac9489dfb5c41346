/**
 * Matching detections by class, score and box. The K=8 oracle fixtures come from random (shaped)
 * weights, whose boxes are often degenerate (x2 < x1 by a fraction of a pixel), so plain IoU
 * cannot pair them: a pair matches when its coordinates agree within `boxTol` pixels or its
 * legacy (+1) IoU is at least `minIoU` (large boxes, where deltas amplify float differences).
 */
import { boxIoU, Detection } from '../../helpers/compare';

export interface CoordMatch {
  /** expected index -> actual index. */
  pairs: Array<{ expected: number; actual: number }>;
  unmatchedExpected: number[];
  /** Largest coordinate difference of a matched pair (pixels). */
  maxBoxDiff: number;
  maxScoreDiff: number;
}

/** Greedy, expected rows in descending score order; rows with classId 0 are ignored. */
export function matchByCoords(actual: Detection[], expected: Detection[], boxTol: number, scoreTol: number, minIoU = 0.99): CoordMatch {
  const used = new Set<number>();
  const out: CoordMatch = { pairs: [], unmatchedExpected: [], maxBoxDiff: 0, maxScoreDiff: 0 };
  const exp = expected.filter((d) => d.classId > 0).sort((p, q) => q.score - p.score);
  for (const e of exp) {
    let best = -1;
    let bestDiff = Infinity;
    for (const a of actual) {
      if (a.classId !== e.classId || used.has(a.index) || Math.abs(a.score - e.score) > scoreTol) continue;
      const diff = Math.max(...[0, 1, 2, 3].map((k) => Math.abs(a.box[k] - e.box[k])));
      if ((diff <= boxTol || boxIoU(a.box, e.box, true) >= minIoU) && diff < bestDiff) { bestDiff = diff; best = a.index; }
    }
    if (best >= 0) {
      used.add(best);
      out.pairs.push({ expected: e.index, actual: best });
      out.maxBoxDiff = Math.max(out.maxBoxDiff, bestDiff);
      out.maxScoreDiff = Math.max(out.maxScoreDiff, Math.abs(actual.find((a) => a.index === best)!.score - e.score));
    } else {
      out.unmatchedExpected.push(e.index);
    }
  }
  return out;
}
