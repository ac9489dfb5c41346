/**
 * torchvision 0.14's GeneralizedRCNNTransform.postprocess (eval) on the host, bit for bit:
 * - `resize_boxes`: a box in processed-image pixels times the float32 ratios original / resized of
 *   each axis, in float32;
 * - `paste_masks_in_image` (padding 1): the M x M probability map zero padded to (M+2) x (M+2); the
 *   box expanded about its centre by float32((M+2)/M), all in float32 (`expand_boxes`), truncated
 *   toward zero to integers; the padded map resized with torch's bilinear interpolation
 *   (torch_bilinear.ts) to (y2 − y1 + 1) x (x2 − x1 + 1) (at least 1) and written into the image at
 *   [y1, y2] x [x1, x2], clipped to it. torchvision returns the probabilities; a pixel is in the
 *   mask when its probability is > `threshold` (0.5 by convention).
 * Pure typed-array code: the heatmaps are read from the device once, before pasting.
 */
import { ArgumentError } from '../errors';
import type { InputGeometry } from '../preprocess/geometry';
import { torchBilinearPlane, torchLinearTaps } from '../preprocess/torch_bilinear';
import type { BinaryMask, PlacedMask } from './rle';

const f32 = Math.fround;

/** `resize_boxes` from the processed image to the original: row `row` of `boxes` [n·4]. */
export function torchvisionOriginalBox(boxes: ArrayLike<number>, row: number, g: InputGeometry): [number, number, number, number] {
  const rh = f32(g.originalHeight / g.height);
  const rw = f32(g.originalWidth / g.width);
  const o = row * 4;
  return [f32(boxes[o] * rw), f32(boxes[o + 1] * rh), f32(boxes[o + 2] * rw), f32(boxes[o + 3] * rh)];
}

/** `expand_boxes` + `.to(torch.int64)`: the box about its centre times `scale`, in float32, truncated. */
export function torchvisionExpandedBox(box: ArrayLike<number>, scale: number): [number, number, number, number] {
  const s = f32(scale);
  const wh = f32(f32(f32(box[2] - box[0]) * 0.5) * s);
  const hh = f32(f32(f32(box[3] - box[1]) * 0.5) * s);
  const cx = f32(f32(box[2] + box[0]) * 0.5);
  const cy = f32(f32(box[3] + box[1]) * 0.5);
  return [Math.trunc(f32(cx - wh)), Math.trunc(f32(cy - hh)), Math.trunc(f32(cx + wh)), Math.trunc(f32(cy + hh))];
}

/**
 * Pastes one detection's M x M probability map into an imageWidth x imageHeight binary mask the way
 * `paste_masks_in_image` does, thresholded at > `threshold`. `box`: x1, y1, x2, y2 in original pixels
 * (float32 values, as `torchvisionOriginalBox` gives them).
 */
export function pasteMaskTorchvision(heatmap: ArrayLike<number>, m: number, box: ArrayLike<number>,
  imageWidth: number, imageHeight: number, threshold = 0.5): BinaryMask {
  const { width, height, data } = pasteMaskTorchvisionPlaced(heatmap, m, box, imageWidth, imageHeight, threshold, false);
  return { width, height, data };
}

/**
 * The same paste; with `crop` the mask covers only the rectangle where it can be non-zero (the
 * expanded box clipped to the image, at `x`, `y`; 0x0 at (0, 0) when empty), as `pasteMaskCropped`.
 */
export function pasteMaskTorchvisionPlaced(heatmap: ArrayLike<number>, m: number, box: ArrayLike<number>,
  imageWidth: number, imageHeight: number, threshold: number, crop: boolean): PlacedMask {
  if (!Number.isInteger(m) || m < 1 || heatmap.length < m * m) {
    throw new ArgumentError('heatmap', `expected ${m}x${m} values, got ${heatmap.length}`);
  }
  if (!Number.isInteger(imageWidth) || !Number.isInteger(imageHeight) || imageWidth < 0 || imageHeight < 0) {
    throw new ArgumentError('imageSize', `expected non-negative integers, got ${imageWidth}x${imageHeight}`);
  }
  const empty = (): PlacedMask => (crop ? { x: 0, y: 0, width: 0, height: 0, data: new Uint8Array(0) }
    : { x: 0, y: 0, width: imageWidth, height: imageHeight, data: new Uint8Array(imageWidth * imageHeight) });
  if (![box[0], box[1], box[2], box[3]].every(Number.isFinite)) return empty();
  const p = m + 2;
  const [ex1, ey1, ex2, ey2] = torchvisionExpandedBox(box, p / m);
  const w = Math.max(ex2 - ex1 + 1, 1);
  const h = Math.max(ey2 - ey1 + 1, 1);
  const x0 = Math.max(ex1, 0);
  const x1 = Math.min(ex2 + 1, imageWidth);
  const y0 = Math.max(ey1, 0);
  const y1 = Math.min(ey2 + 1, imageHeight);
  if (x1 <= x0 || y1 <= y0) return empty();
  // The padded map, read with a zero border: (y, x) in [0, m + 2).
  const at = (y: number, x: number): number => (y >= 1 && y <= m && x >= 1 && x <= m ? heatmap[(y - 1) * m + x - 1] : 0);
  const visible = new Float32Array((y1 - y0) * (x1 - x0));
  torchBilinearPlane(at, torchLinearTaps(p, h), torchLinearTaps(p, w), visible,
    { y0: y0 - ey1, y1: y1 - ey1, x0: x0 - ex1, x1: x1 - ex1, offset: 0, stride: x1 - x0 });
  const out: PlacedMask = crop
    ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0, data: new Uint8Array((x1 - x0) * (y1 - y0)) }
    : { x: 0, y: 0, width: imageWidth, height: imageHeight, data: new Uint8Array(imageWidth * imageHeight) };
  for (let y = y0; y < y1; y++) {
    const row = (y - y0) * (x1 - x0);
    const base = (y - out.y) * out.width - out.x;
    for (let x = x0; x < x1; x++) if (visible[row + x - x0] > threshold) out.data[base + x] = 1;
  }
  return out;
}
