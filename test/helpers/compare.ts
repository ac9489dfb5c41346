/**
 * Comparisons with stated tolerances for parity tests against the oracle.
 */

export type NumArray = ArrayLike<number>;

export interface CloseStats {
  maxAbs: number;
  /** max |a-b| / max(|b|, floor): relative error with an absolute floor so zeros do not explode. */
  maxRel: number;
  worstIndex: number;
  count: number;
}

export function closeStats(actual: NumArray, expected: NumArray, relFloor = 1): CloseStats {
  if (actual.length !== expected.length) {
    throw new Error(`length mismatch: actual ${actual.length}, expected ${expected.length}`);
  }
  let maxAbs = 0;
  let maxRel = 0;
  let worstIndex = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Number.isNaN(a) !== Number.isNaN(b)) return { maxAbs: Infinity, maxRel: Infinity, worstIndex: i, count: actual.length };
    const d = Math.abs(a - b);
    const r = d / Math.max(Math.abs(b), relFloor);
    if (d > maxAbs) { maxAbs = d; worstIndex = i; }
    if (r > maxRel) maxRel = r;
  }
  return { maxAbs, maxRel, worstIndex, count: actual.length };
}

export interface Tolerance { abs?: number; rel?: number; relFloor?: number }

/** Throws with a readable message when neither tolerance holds at the worst element. */
export function assertClose(label: string, actual: NumArray, expected: NumArray, tol: Tolerance): CloseStats {
  const s = closeStats(actual, expected, tol.relFloor ?? 1);
  const absOk = tol.abs !== undefined && s.maxAbs <= tol.abs;
  const relOk = tol.rel !== undefined && s.maxRel <= tol.rel;
  if (!absOk && !relOk) {
    const i = s.worstIndex;
    throw new Error(`${label}: maxAbs ${s.maxAbs.toExponential(3)} maxRel ${s.maxRel.toExponential(3)} ` +
      `(tolerance abs ${tol.abs ?? '-'} rel ${tol.rel ?? '-'}); worst at ${i}: ` +
      `actual ${actual[i]} expected ${expected[i]}`);
  }
  return s;
}

/** Permutes NCHW (batch 1) data into NHWC order. */
export function nchwToNhwc(data: NumArray, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) out[(y * w + x) * c + ch] = data[(ch * h + y) * w + x];
    }
  }
  return out;
}

/** IoU of two x1y1x2y2 boxes; `plusOne` uses the legacy (x2-x1+1) widths. */
export function boxIoU(a: NumArray, b: NumArray, plusOne = false): number {
  const o = plusOne ? 1 : 0;
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + o;
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + o;
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const areaA = (a[2] - a[0] + o) * (a[3] - a[1] + o);
  const areaB = (b[2] - b[0] + o) * (b[3] - b[1] + o);
  return inter / (areaA + areaB - inter);
}

export interface Detection { classId: number; score: number; box: NumArray; index: number }

export interface DetectionMatch {
  matched: Array<{ expected: number; actual: number; iou: number; scoreDiff: number }>;
  unmatchedExpected: number[];
  unmatchedActual: number[];
}

/**
 * Matches detections by class and IoU (greedy, expected in descending score order), since
 * near-tied scores may reorder rows. Rows with classId 0 (padding) are ignored. `plusOne`: legacy
 * IoU (0049 boxes, where a clipped box can be thinner than one pixel).
 */
export function matchDetections(actual: Detection[], expected: Detection[], minIoU: number, plusOne = false): DetectionMatch {
  const used = new Set<number>();
  const matched: DetectionMatch['matched'] = [];
  const unmatchedExpected: number[] = [];
  const exp = expected.filter((d) => d.classId > 0).sort((p, q) => q.score - p.score);
  const act = actual.filter((d) => d.classId > 0);
  for (const e of exp) {
    let best = -1;
    let bestIoU = -1;
    for (const a of act) {
      if (used.has(a.index) || a.classId !== e.classId) continue;
      const iou = boxIoU(a.box, e.box, plusOne);
      if (iou > bestIoU) { bestIoU = iou; best = a.index; }
    }
    if (best >= 0 && bestIoU >= minIoU) {
      used.add(best);
      const a = act.find((d) => d.index === best)!;
      matched.push({ expected: e.index, actual: best, iou: bestIoU, scoreDiff: Math.abs(a.score - e.score) });
    } else {
      unmatchedExpected.push(e.index);
    }
  }
  const unmatchedActual = act.filter((a) => !used.has(a.index)).map((a) => a.index);
  return { matched, unmatchedExpected, unmatchedActual };
}

/** Rows of (classes, scores, boxes[N*4]) as Detection objects. */
export function detectionsFrom(classes: NumArray, scores: NumArray, boxes: NumArray): Detection[] {
  const out: Detection[] = [];
  for (let i = 0; i < classes.length; i++) {
    out.push({ classId: classes[i], score: scores[i], box: Array.from({ length: 4 }, (_, k) => boxes[i * 4 + k]), index: i });
  }
  return out;
}

/** Intersection over union of two binary masks of equal length. */
export function maskIoU(a: NumArray, b: NumArray): number {
  let inter = 0;
  let uni = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] > 0;
    const y = b[i] > 0;
    if (x && y) inter++;
    if (x || y) uni++;
  }
  return uni === 0 ? 1 : inter / uni;
}
