/**
 * Pure comparisons of our results with a golden (no model calls): proposal sets up to ties,
 * detections matched by IoU or (degenerate boxes) coordinates, masks, pasted masks.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MaskRCNN } from '@mrcnn/model';
import type { PyramidFeatures, RpnLevelOutput } from '@mrcnn/model/internal';
import type { TensorDump } from '../helpers/tensor_dump';
import {
  boxIoU, closeStats, CloseStats, detectionsFrom, DetectionMatch, maskIoU, matchDetections, nchwToNhwc,
} from '../helpers/compare';
import { pasteMask } from '@mrcnn/model';
import { expandedBox } from '@mrcnn/model/internal';
import { goldenNhwc, goldenTensor, read, readNchw } from './oracle_model';

export interface ProposalComparison {
  expected: number;
  actual: number;
  matched: number;
  maxBoxDiff: number;
  maxScoreDiff: number;
  /** Unmatched rows (either side) whose score is farther than `tieTol` from the last kept score. */
  unmatchedOffBoundary: number;
  unmatched: number;
}

/**
 * Set comparison of two proposal lists (score descending): a row matches one of the other list with
 * |score diff| ≤ scoreTol and max |box diff| ≤ boxTol. Rows left unmatched are tolerated only at the
 * top-N boundary (ties of the cut-off score within tieTol), which the caller asserts.
 */
export function compareProposalSets(aBoxes: ArrayLike<number>, aScores: ArrayLike<number>,
  eBoxes: ArrayLike<number>, eScores: ArrayLike<number>, scoreTol: number, boxTol: number, tieTol: number): ProposalComparison {
  const na = aScores.length;
  const ne = eScores.length;
  const used = new Uint8Array(na);
  let matched = 0;
  let maxBoxDiff = 0;
  let maxScoreDiff = 0;
  const unmatchedE: number[] = [];
  let lo = 0;
  for (let i = 0; i < ne; i++) {
    while (lo < na && aScores[lo] > eScores[i] + scoreTol) lo++;
    let best = -1;
    let bestDiff = Infinity;
    for (let j = lo; j < na && aScores[j] >= eScores[i] - scoreTol; j++) {
      if (used[j]) continue;
      let d = 0;
      for (let k = 0; k < 4; k++) d = Math.max(d, Math.abs(aBoxes[j * 4 + k] - eBoxes[i * 4 + k]));
      if (d < bestDiff) { bestDiff = d; best = j; }
    }
    if (best >= 0 && bestDiff <= boxTol) {
      used[best] = 1;
      matched++;
      maxBoxDiff = Math.max(maxBoxDiff, bestDiff);
      maxScoreDiff = Math.max(maxScoreDiff, Math.abs(aScores[best] - eScores[i]));
    } else unmatchedE.push(i);
  }
  const cut = Math.min(ne > 0 ? eScores[ne - 1] : 0, na > 0 ? aScores[na - 1] : 0);
  let off = unmatchedE.filter((i) => eScores[i] - cut > tieTol).length;
  let unmatchedA = 0;
  for (let j = 0; j < na; j++) {
    if (used[j]) continue;
    unmatchedA++;
    if (aScores[j] - cut > tieTol) off++;
  }
  return {
    expected: ne, actual: na, matched, maxBoxDiff, maxScoreDiff, unmatchedOffBoundary: off, unmatched: unmatchedE.length + unmatchedA,
  };
}

export interface DetectionComparison {
  match: DetectionMatch;
  expectedCount: number;
  actualCount: number;
  /** Matched by IoU ≥ minIoU. */
  byIoU: number;
  /**
   * Matched by coordinates instead (same class, every coordinate within `boxTol` px): boxes whose
   * legacy area is under `DEGENERATE_AREA` px², where a sub-pixel shift moves the IoU by percents.
   */
  byCoords: number;
  maxScoreDiff: number;
  minIoU: number;
  maxBoxDiff: number;
}

/** Legacy-convention area (px²) under which a box counts as degenerate for matching. */
export const DEGENERATE_AREA = 4;

function legacyArea(b: ArrayLike<number>): number {
  return Math.max(b[2] - b[0] + 1, 0) * Math.max(b[3] - b[1] + 1, 0);
}

/** How detections are matched: IoU (legacy +1 or plain) ≥ minIoU, degenerate boxes by coordinates within boxTol. */
export interface MatchOptions {
  readonly minIoU: number;
  readonly boxTol: number;
  readonly plusOne: boolean;
}

/**
 * Detections matched by class and IoU ≥ minIoU (rows with class 0 ignored); then degenerate
 * leftovers (area < DEGENERATE_AREA on both sides) matched by class and coordinates.
 */
export function compareDetections(a: { classes: ArrayLike<number>; scores: ArrayLike<number>; boxes: ArrayLike<number> },
  d: TensorDump, opts: MatchOptions): DetectionComparison {
  const { minIoU, boxTol, plusOne } = opts;
  const ed = detectionsFrom(d.get('classes').data, d.get('scores').data, d.get('boxes').data);
  const ad = detectionsFrom(a.classes, a.scores, a.boxes);
  const match = matchDetections(ad, ed, minIoU, plusOne);
  const byIoU = match.matched.length;
  const leftA = new Set(match.unmatchedActual);
  const stillE: number[] = [];
  for (const e of match.unmatchedExpected) {
    const eb = ed[e].box;
    let hit = -1;
    for (const j of leftA) {
      const ab = ad[j].box;
      if (ad[j].classId !== ed[e].classId || legacyArea(eb) >= DEGENERATE_AREA || legacyArea(ab) >= DEGENERATE_AREA) continue;
      if ([0, 1, 2, 3].every((k) => Math.abs(ab[k] - eb[k]) <= boxTol)) { hit = j; break; }
    }
    if (hit < 0) { stillE.push(e); continue; }
    leftA.delete(hit);
    match.matched.push({ expected: e, actual: hit, iou: boxIoU(ad[hit].box, eb, plusOne), scoreDiff: Math.abs(ad[hit].score - ed[e].score) });
  }
  match.unmatchedExpected = stillE;
  match.unmatchedActual = [...leftA];
  let maxBoxDiff = 0;
  for (const m of match.matched) {
    for (let k = 0; k < 4; k++) maxBoxDiff = Math.max(maxBoxDiff, Math.abs(ad[m.actual].box[k] - ed[m.expected].box[k]));
  }
  return {
    match,
    expectedCount: ed.filter((x) => x.classId > 0).length,
    actualCount: ad.filter((x) => x.classId > 0).length,
    byIoU,
    byCoords: match.matched.length - byIoU,
    maxScoreDiff: match.matched.reduce((m, x) => Math.max(m, x.scoreDiff), 0),
    minIoU: match.matched.slice(0, byIoU).reduce((m, x) => Math.min(m, x.iou), 1),
    maxBoxDiff,
  };
}


/** The golden's mask of row `row` for class `cls`, from raw_masks (full) or raw_masks_sel. */
export function goldenMask(d: TensorDump, row: number, cls: number): Float32Array {
  const m2 = 28 * 28;
  if (d.has('raw_masks')) {
    const t = d.get('raw_masks');
    const k = t.shape[1];
    return (t.data as Float32Array).subarray((row * k + cls) * m2, (row * k + cls + 1) * m2);
  }
  const classes = d.get('classes').data;
  if (classes[row] !== cls) throw new Error(`raw_masks_sel holds class ${classes[row]} for row ${row}, not ${cls}`);
  return (d.get('raw_masks_sel').data as Float32Array).subarray(row * m2, (row + 1) * m2);
}

/** Max |a − b| between our masks of (actualRow, class) and the golden's (expectedRow, class). */
export function maskDiff(ours: Float32Array, numClasses: number, d: TensorDump,
  pairs: ReadonlyArray<{ actual: number; expected: number; cls: number }>): number {
  const m2 = 28 * 28;
  let max = 0;
  for (const { actual, expected, cls } of pairs) {
    const exp = goldenMask(d, expected, cls);
    const off = (actual * numClasses + cls) * m2;
    for (let i = 0; i < m2; i++) max = Math.max(max, Math.abs(ours[off + i] - exp[i]));
  }
  return max;
}

export interface EndToEnd {
  detections: DetectionComparison;
  /** Max |mask diff| over matched rows (own class). */
  maskMaxAbs: number;
  /** Min IoU of our pasted masks (our box and heatmap) with the oracle's, over matched pasted rows. */
  pastedMinIoU: number;
  pastedCompared: number;
  /** Most pixels any compared mask differs by (small masks: one pixel moves the IoU by percents). */
  pastedMaxXor: number;
  /** Rows with IoU under `minIoU`: the pixels they differ by, and the IoU with the oracle's box when the integer boxes differ. */
  pastedBelow: Array<{ row: number; iou: number; xor: number; boxShifted: boolean; iouOracleBox: number }>;
}

/** Pixels where two binary masks differ. */
function xorCount(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if ((a[i] > 0) !== (b[i] > 0)) n++;
  return n;
}

/**
 * Pastes our row `actual`'s own-class heatmap with our box and compares it with the golden's pasted
 * row `expected`. The paste truncates the expanded box to integers, so boxes a hair apart can land
 * one pixel apart and shift the whole mask (hundreds of pixels on a large mask): when the integer
 * boxes differ, our heatmap is also pasted with the oracle's box (`iouOracleBox`), which isolates
 * the heatmap's agreement from that discontinuity.
 */
export function comparePasted(ours: Float32Array, numClasses: number, boxes: ArrayLike<number>, actual: number, cls: number,
  d: TensorDump, expected: number): { iou: number; xor: number; boxShifted: boolean; iouOracleBox: number } {
  const [, h0, w0] = d.get('pasted_masks').shape;
  const scale = d.get('im_info').data[2];
  const m = 28;
  const heat = ours.subarray((actual * numClasses + cls) * m * m, (actual * numClasses + cls + 1) * m * m);
  const box = [0, 1, 2, 3].map((k) => boxes[actual * 4 + k] / scale);
  const oracleBox = [0, 1, 2, 3].map((k) => d.get('boxes').data[expected * 4 + k] / scale);
  const exp = d.get('pasted_masks').data.subarray(expected * h0 * w0, (expected + 1) * h0 * w0);
  const mask = pasteMask(heat, m, box, w0, h0).data;
  const iou = maskIoU(mask, exp);
  const grow = (m + 2) / m;
  const oracleInt = expandedBox(oracleBox, grow);
  const boxShifted = expandedBox(box, grow).some((v, k) => v !== oracleInt[k]);
  const iouOracleBox = boxShifted ? maskIoU(pasteMask(heat, m, oracleBox, w0, h0).data, exp) : iou;
  return { iou, xor: xorCount(mask, exp), boxShifted, iouOracleBox };
}
