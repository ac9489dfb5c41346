/**
 * Draws detections over an image with @mrcnn/model's helpers, in the colours `mrcnn detect`'s PNG
 * overlays use (one per instance, by rank): translucent masks on one canvas, boxes and
 * "label score" tags (placed so that they do not cover each other) on another, both at the
 * image's own pixel size (CSS scales them together with the image).
 */
import { drawDetections, instanceColor, toColoredMask } from '@mrcnn/model';
import type { Instance, Rgb } from '@mrcnn/model';

export function colourOf(index: number): Rgb {
  return instanceColor(index);
}

export const MASK_ALPHA = 140;

export function resizeLayers(width: number, height: number, ...layers: HTMLCanvasElement[]): void {
  for (const c of layers) {
    c.width = width;
    c.height = height;
  }
}

/** Masks, the highest-scoring instance on top (instances come highest score first). */
export function drawMasks(canvas: HTMLCanvasElement, instances: readonly Instance[]): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('mask layer: no 2d context');
  const m = toColoredMask(instances, canvas.width, canvas.height, { alpha: MASK_ALPHA });
  ctx.putImageData(new ImageData(m.data as Uint8ClampedArray<ArrayBuffer>, m.width, m.height), 0, 0);
}

/** Boxes and "label 0.87" tags. */
export function drawBoxes(canvas: HTMLCanvasElement, instances: readonly Instance[]): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('box layer: no 2d context');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  drawDetections(ctx, instances);
}
