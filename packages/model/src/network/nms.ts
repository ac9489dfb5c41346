/**
 * Greedy non-maximum suppression on the CPU, on typed arrays (the boxes are read back from the
 * backend with `await t.data()` by the callers: proposals.ts and detection_output.ts).
 *
 * Order: score descending, ties broken by the lower index (a stable sort), as the oracle does.
 * Legacy mode (`plusOne`, 0049/Detectron): areas (x2 − x1 + 1)(y2 − y1 + 1) and a box is
 * suppressed when IoU ≥ threshold (Detectron's cpu_nms). torchvision mode: plain areas, suppressed
 * when IoU > threshold. IoUs are evaluated in float32 arithmetic (Math.fround), as PyTorch does.
 */

const f = Math.fround;

export interface NmsOptions {
  readonly iouThreshold: number;
  readonly plusOne: boolean;
  /** Keep at most this many boxes (default: all). */
  readonly maxKeep?: number;
}

/** Indices of `scores` sorted descending, ties → lower index first. */
export function sortDescending(scores: ArrayLike<number>, indices?: ArrayLike<number>): number[] {
  const idx = indices ? Array.from(indices) : Array.from({ length: scores.length }, (_, i) => i);
  return idx.sort((a, b) => (scores[b] - scores[a]) || (a - b));
}

/**
 * boxes: [N·4] x1, y1, x2, y2; scores [N].
 * `candidates` restricts the input to a subset. Returns kept indices in descending score order.
 */
export function nms(boxes: ArrayLike<number>, scores: ArrayLike<number>, opts: NmsOptions,
  candidates?: ArrayLike<number>): number[] {
  const order = sortDescending(scores, candidates);
  const n = order.length;
  const o = opts.plusOne ? 1 : 0;
  const inclusive = opts.plusOne;
  const thr = opts.iouThreshold;
  const maxKeep = opts.maxKeep ?? Infinity;
  const x1 = new Float64Array(n);
  const y1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const y2 = new Float64Array(n);
  const area = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = order[i] * 4;
    x1[i] = boxes[j]; y1[i] = boxes[j + 1]; x2[i] = boxes[j + 2]; y2[i] = boxes[j + 3];
    area[i] = f(f(f(x2[i] - x1[i]) + o) * f(f(y2[i] - y1[i]) + o));
  }
  const suppressed = new Uint8Array(n);
  const keep: number[] = [];
  for (let i = 0; i < n && keep.length < maxKeep; i++) {
    if (suppressed[i]) continue;
    keep.push(order[i]);
    for (let j = i + 1; j < n; j++) {
      if (suppressed[j]) continue;
      // Ternaries, not Math.min/max: global lookups are slow inside vm contexts (jest).
      const iw = f(f((x2[i] < x2[j] ? x2[i] : x2[j]) - (x1[i] > x1[j] ? x1[i] : x1[j])) + o);
      const ih = f(f((y2[i] < y2[j] ? y2[i] : y2[j]) - (y1[i] > y1[j] ? y1[i] : y1[j])) + o);
      if (iw <= 0 || ih <= 0) continue;
      const inter = f(iw * ih);
      const iou = f(inter / f(f(area[i] + area[j]) - inter));
      if (inclusive ? iou >= thr : iou > thr) suppressed[j] = 1;
    }
  }
  return keep;
}

/**
 * Per-class NMS: `nms` on each class's candidates separately (at most `maxPerClass` kept per class),
 * then all kept indices merged in descending score order (ties: lower index first).
 */
export function batchedNms(boxes: ArrayLike<number>, scores: ArrayLike<number>, classes: ArrayLike<number>,
  opts: NmsOptions & { readonly maxPerClass?: number }, candidates?: ArrayLike<number>): number[] {
  const cand = candidates ? Array.from(candidates) : Array.from({ length: scores.length }, (_, i) => i);
  const byClass = new Map<number, number[]>();
  for (const i of cand) {
    const list = byClass.get(classes[i]);
    if (list) list.push(i);
    else byClass.set(classes[i], [i]);
  }
  const kept: number[] = [];
  for (const list of byClass.values()) {
    for (const i of nms(boxes, scores, { iouThreshold: opts.iouThreshold, plusOne: opts.plusOne, maxKeep: opts.maxPerClass }, list)) kept.push(i);
  }
  return sortDescending(scores, kept);
}
