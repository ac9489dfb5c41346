/**
 * Box decoding and clipping on the CPU, on typed arrays, in float32 arithmetic (Math.fround after
 * every operation, in the reference's order), for the two stages that read boxes back anyway for
 * their NMS (proposals.ts, detection_output.ts): only the boxes that reach the NMS are decoded.
 *
 * Legacy (Detectron/segmentoly, `plusOne`; tools/oracle/boxes.py): w = x2 − x1 + 1, cx = x1 + 0.5·w,
 *   e = exp(min(dw, clamp)) · 0.5, x1' = w·(dx − e) + cx, x2' = w·(2e + (dx − e)) + cx − 1;
 *   clip x to [0, W − 1], y to [0, H − 1].
 * torchvision (BoxCoder.decode_single): w = x2 − x1, cx = x1 + 0.5·w, pcx = dx·w + cx,
 *   pw = exp(min(dw, clamp))·w, x1' = pcx − 0.5·pw, x2' = pcx + 0.5·pw; clip x to [0, W], y to [0, H].
 * Deltas are divided by `weights` (wx, wy, ww, wh) first.
 */
import type { Quad } from '@mrcnn/schema';

// Module-level aliases: global lookups (Math.*) are slow inside vm contexts such as jest's.
const f = Math.fround;
const exp = Math.exp;

export interface BoxCoding {
  readonly weights: Quad;
  readonly clampLogWh: number;
  readonly plusOne: boolean;
}

/** Clip limits of an image of `height` x `width` (processed-image pixels). */
export interface ClipWindow {
  readonly height: number;
  readonly width: number;
}

/**
 * Decodes the box at `boxes[bi..bi+3]` with the deltas at `deltas[di..di+3]` and writes the clipped
 * result to `out[oi..oi+3]`.
 */
export function decodeClipInto(out: Float32Array, oi: number, boxes: ArrayLike<number>, bi: number,
  deltas: ArrayLike<number>, di: number, coding: BoxCoding, clip: ClipWindow): void {
  const [wx, wy, ww, wh] = coding.weights;
  const lim = f(coding.clampLogWh);
  const dx = f(deltas[di] / wx);
  const dy = f(deltas[di + 1] / wy);
  let dw = f(deltas[di + 2] / ww);
  let dh = f(deltas[di + 3] / wh);
  if (dw > lim) dw = lim;
  if (dh > lim) dh = lim;
  const x0 = boxes[bi];
  const y0 = boxes[bi + 1];
  const x1 = boxes[bi + 2];
  const y1 = boxes[bi + 3];
  let ox1: number;
  let oy1: number;
  let ox2: number;
  let oy2: number;
  if (coding.plusOne) {
    const w = f(f(x1 - x0) + 1);
    const h = f(f(y1 - y0) + 1);
    const cx = f(x0 + f(0.5 * w));
    const cy = f(y0 + f(0.5 * h));
    const ew = f(f(exp(dw)) * 0.5);
    const eh = f(f(exp(dh)) * 0.5);
    const dx0 = f(dx - ew);
    const dy0 = f(dy - eh);
    const dx1 = f(f(ew * 2) + dx0);
    const dy1 = f(f(eh * 2) + dy0);
    ox1 = f(f(w * dx0) + cx);
    oy1 = f(f(h * dy0) + cy);
    ox2 = f(f(f(w * dx1) + cx) - 1);
    oy2 = f(f(f(h * dy1) + cy) - 1);
  } else {
    const w = f(x1 - x0);
    const h = f(y1 - y0);
    const cx = f(x0 + f(0.5 * w));
    const cy = f(y0 + f(0.5 * h));
    const pcx = f(f(dx * w) + cx);
    const pcy = f(f(dy * h) + cy);
    const hw = f(0.5 * f(f(exp(dw)) * w));
    const hh = f(0.5 * f(f(exp(dh)) * h));
    ox1 = f(pcx - hw);
    oy1 = f(pcy - hh);
    ox2 = f(pcx + hw);
    oy2 = f(pcy + hh);
  }
  const o = coding.plusOne ? 1 : 0;
  const xMax = clip.width - o;
  const yMax = clip.height - o;
  // NaN stays NaN (comparisons are false), as torch.clamp does.
  out[oi] = ox1 < 0 ? 0 : ox1 > xMax ? xMax : ox1;
  out[oi + 1] = oy1 < 0 ? 0 : oy1 > yMax ? yMax : oy1;
  out[oi + 2] = ox2 < 0 ? 0 : ox2 > xMax ? xMax : ox2;
  out[oi + 3] = oy2 < 0 ? 0 : oy2 > yMax ? yMax : oy2;
}
