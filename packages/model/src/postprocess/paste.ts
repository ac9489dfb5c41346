/**
 * The standard Mask R-CNN paste (Detectron / segmentoly `segm_postprocess`), as the oracle does it
 * (tools/oracle/postprocess.py): the M×M heatmap of the detection's class is zero-padded by one
 * cell on each side, its box (original-image pixels) is expanded about the centre by (M + 2) / M
 * and truncated toward zero to integers, the padded heatmap is resized bilinearly (half-pixel
 * centres, no antialias, float32 like torch) to the expanded box's (x2 − x1 + 1) × (y2 − y1 + 1)
 * pixels, thresholded (> 0.5) and written into the image, clipped to its bounds.
 * Pure typed-array code: the heatmaps are read from the device once, before pasting.
 */
import { ArgumentError } from '../errors';
import { linearTaps } from '../preprocess/resize';
import type { BinaryMask, PlacedMask } from './rle';

const f32 = Math.fround;

/** Integer box of the padded heatmap: `box` expanded about its centre by `scale`, truncated. */
export function expandedBox(box: ArrayLike<number>, scale: number): [number, number, number, number] {
  const wh = (box[2] - box[0]) * 0.5 * scale;
  const hh = (box[3] - box[1]) * 0.5 * scale;
  const cx = (box[2] + box[0]) * 0.5;
  const cy = (box[3] + box[1]) * 0.5;
  return [Math.trunc(cx - wh), Math.trunc(cy - hh), Math.trunc(cx + wh), Math.trunc(cy + hh)];
}

/** `heatmap` (m×m, row-major) with one zero cell of padding on every side: (m+2)×(m+2). */
function padOne(heatmap: ArrayLike<number>, m: number): Float32Array {
  const p = m + 2;
  const out = new Float32Array(p * p);
  for (let y = 0; y < m; y++) {
    for (let x = 0; x < m; x++) out[(y + 1) * p + x + 1] = heatmap[y * m + x];
  }
  return out;
}

export interface PasteOptions {
  /** Probability above which a pixel is foreground (default 0.5). */
  threshold?: number;
}

/**
 * Pastes one detection's M×M class heatmap (probabilities) into an imageWidth×imageHeight binary
 * mask. `box` is x1, y1, x2, y2 in original-image pixels (float). Costs imageWidth·imageHeight bytes;
 * `pasteMaskCropped` gives the same pixels in the box's rectangle only.
 */
export function pasteMask(
  heatmap: ArrayLike<number>, m: number, box: ArrayLike<number>,
  imageWidth: number, imageHeight: number, options: PasteOptions = {},
): BinaryMask {
  const placed = paste(heatmap, m, box, imageWidth, imageHeight, options, false);
  return { width: placed.width, height: placed.height, data: placed.data };
}

/**
 * The same paste, but the mask covers only the rectangle where it can be non-zero (the expanded
 * box clipped to the image): `x`, `y` its top-left corner in the image, `width`×`height` bytes.
 * An empty box (outside the image, or not finite) gives a 0×0 mask at (0, 0).
 */
export function pasteMaskCropped(
  heatmap: ArrayLike<number>, m: number, box: ArrayLike<number>,
  imageWidth: number, imageHeight: number, options: PasteOptions = {},
): PlacedMask {
  return paste(heatmap, m, box, imageWidth, imageHeight, options, true);
}

function paste(
  heatmap: ArrayLike<number>, m: number, box: ArrayLike<number>,
  imageWidth: number, imageHeight: number, options: PasteOptions, crop: boolean,
): PlacedMask {
  if (!Number.isInteger(m) || m < 1 || heatmap.length < m * m) {
    throw new ArgumentError('heatmap', `expected ${m}x${m} values, got ${heatmap.length}`);
  }
  if (!Number.isInteger(imageWidth) || !Number.isInteger(imageHeight) || imageWidth < 0 || imageHeight < 0) {
    throw new ArgumentError('imageSize', `expected non-negative integers, got ${imageWidth}x${imageHeight}`);
  }
  const threshold = options.threshold ?? 0.5;
  const empty = (): PlacedMask => (crop ? { x: 0, y: 0, width: 0, height: 0, data: new Uint8Array(0) }
    : { x: 0, y: 0, width: imageWidth, height: imageHeight, data: new Uint8Array(imageWidth * imageHeight) });
  if (![box[0], box[1], box[2], box[3]].every(Number.isFinite)) return empty();
  const p = m + 2;
  const padded = padOne(heatmap, m);
  const [ex1, ey1, ex2, ey2] = expandedBox(box, p / m);
  const w = Math.max(ex2 - ex1 + 1, 1);
  const h = Math.max(ey2 - ey1 + 1, 1);
  const x0 = Math.min(Math.max(ex1, 0), imageWidth);
  const y0 = Math.min(Math.max(ey1, 0), imageHeight);
  const x1 = Math.min(Math.max(ex2 + 1, 0), imageWidth);
  const y1 = Math.min(Math.max(ey2 + 1, 0), imageHeight);
  if (x1 <= x0 || y1 <= y0) return empty();
  const out: PlacedMask = crop
    ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0, data: new Uint8Array((x1 - x0) * (y1 - y0)) }
    : { x: 0, y: 0, width: imageWidth, height: imageHeight, data: new Uint8Array(imageWidth * imageHeight) };
  const data = out.data;
  // Taps over the whole resized heatmap; only the visible part [x0, x1) × [y0, y1) is evaluated.
  const tx = linearTaps(p, w);
  const ty = linearTaps(p, h);
  const rowA = new Float32Array(x1 - x0);
  const rowB = new Float32Array(x1 - x0);
  for (let y = y0; y < y1; y++) {
    const dy = y - ey1;
    const ra = ty.i0[dy] * p;
    const rb = ty.i1[dy] * p;
    const hy0 = ty.w0[dy];
    const hy1 = ty.w1[dy];
    for (let x = x0; x < x1; x++) {
      const dx = x - ex1;
      const wx0 = tx.w0[dx];
      const wx1 = tx.w1[dx];
      rowA[x - x0] = f32(f32(padded[ra + tx.i0[dx]] * wx0) + f32(padded[ra + tx.i1[dx]] * wx1));
      rowB[x - x0] = f32(f32(padded[rb + tx.i0[dx]] * wx0) + f32(padded[rb + tx.i1[dx]] * wx1));
    }
    const base = (y - out.y) * out.width - out.x;
    for (let x = x0; x < x1; x++) {
      const v = f32(f32(rowA[x - x0] * hy0) + f32(rowB[x - x0] * hy1));
      if (v > threshold) data[base + x] = 1;
    }
  }
  return out;
}
