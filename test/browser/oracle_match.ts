/**
 * Compares a browser run's card outputs with an oracle golden: detections matched by class and
 * box IoU (near-tied scores may reorder rows), score differences, and the 28x28 raw masks of the
 * matched rows (each row's own class, `raw_masks_sel`).
 */
import { closeStats, detectionsFrom, matchDetections } from '../helpers/compare';
import type { TensorDump } from '../helpers/tensor_dump';

export interface CardOutputs {
  classes: ArrayLike<number>;
  scores: ArrayLike<number>;
  /** [D, 4] flattened. */
  boxes: ArrayLike<number>;
  /** [D, s, s] flattened, each row's mask for its own class (optional). */
  rawMasksSel?: ArrayLike<number>;
  maskSize?: number;
}

export interface OracleMatch {
  expected: number;
  matched: number;
  unmatchedExpected: number[];
  unmatchedActual: number[];
  minIoU: number;
  maxScoreDiff: number;
  /** Max abs error of the matched rows' raw masks (NaN without masks). */
  maskMaxAbs: number;
}

export function matchOracle(out: CardOutputs, golden: TensorDump, minIoU: number): OracleMatch {
  const expected = detectionsFrom(golden.get('classes').data, golden.get('scores').data, golden.get('boxes').data);
  const m = matchDetections(detectionsFrom(out.classes, out.scores, out.boxes), expected, minIoU);
  let maskMaxAbs = NaN;
  if (out.rawMasksSel !== undefined && out.maskSize !== undefined) {
    const sel = golden.get('raw_masks_sel').data;
    const px = out.maskSize * out.maskSize;
    const rows = Array.from(out.rawMasksSel);
    maskMaxAbs = 0;
    for (const x of m.matched) {
      const s = closeStats(rows.slice(x.actual * px, (x.actual + 1) * px), sel.subarray(x.expected * px, (x.expected + 1) * px));
      maskMaxAbs = Math.max(maskMaxAbs, s.maxAbs);
    }
  }
  return {
    expected: expected.filter((d) => d.classId > 0).length,
    matched: m.matched.length,
    unmatchedExpected: m.unmatchedExpected,
    unmatchedActual: m.unmatchedActual,
    minIoU: Math.min(...m.matched.map((x) => x.iou)),
    maxScoreDiff: Math.max(...m.matched.map((x) => x.scoreDiff)),
    maskMaxAbs,
  };
}

export function describeMatch(r: OracleMatch): string {
  return `${r.matched}/${r.expected} matched, unmatched expected ${JSON.stringify(r.unmatchedExpected)} ` +
    `actual ${JSON.stringify(r.unmatchedActual)}, min IoU ${r.minIoU.toFixed(6)}, max score diff ` +
    `${r.maxScoreDiff.toExponential(2)}${Number.isNaN(r.maskMaxAbs) ? '' : `, raw mask max abs ${r.maskMaxAbs.toExponential(2)}`}`;
}
