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
 * boxes: [N·4] x1, y1, x2, y2 (float64 allowed: batchedNms offsets them); scores [N].
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
      const iw = f(f(Math.min(x2[i], x2[j]) - Math.max(x1[i], x1[j])) + o);
      const ih = f(f(Math.min(y2[i], y2[j]) - Math.max(y1[i], y1[j])) + o);
      if (iw <= 0 || ih <= 0) continue;
      const inter = f(iw * ih);
      const iou = f(inter / f(f(area[i] + area[j]) - inter));
      if (inclusive ? iou >= thr : iou > thr) suppressed[j] = 1;
    }
  }
  return keep;
}

/**
 * Per-class NMS in one pass with the offset trick: every box is shifted by class·(2·max|coord| + 2)
 * so boxes of different classes never overlap; at most `maxPerClass` kept per class.
 * Coordinates are shifted in float64, where the shift is exact for image-sized float32 boxes.
 * Returns kept indices in descending score order.
 */
export function batchedNms(boxes: ArrayLike<number>, scores: ArrayLike<number>, classes: ArrayLike<number>,
  opts: NmsOptions & { readonly maxPerClass?: number }, candidates?: ArrayLike<number>): number[] {
  const cand = candidates ? Array.from(candidates) : Array.from({ length: scores.length }, (_, i) => i);
  if (cand.length === 0) return [];
  let maxCoord = 0;
  for (const i of cand) for (let k = 0; k < 4; k++) maxCoord = Math.max(maxCoord, Math.abs(boxes[i * 4 + k]));
  const offset = 2 * Math.ceil(maxCoord) + 2;
  const shifted = new Float64Array(boxes.length);
  for (const i of cand) {
    const s = classes[i] * offset;
    for (let k = 0; k < 4; k++) shifted[i * 4 + k] = boxes[i * 4 + k] + s;
  }
  const kept = nms(shifted, scores, { iouThreshold: opts.iouThreshold, plusOne: opts.plusOne }, cand);
  const maxPerClass = opts.maxPerClass ?? Infinity;
  if (!Number.isFinite(maxPerClass)) return kept;
  const perClass = new Map<number, number>();
  return kept.filter((i) => {
    const c = perClass.get(classes[i]) ?? 0;
    perClass.set(classes[i], c + 1);
    return c < maxPerClass;
  });
}
