/**
 * Instance masks as RGBA pixel images (tfjs-models' body-segmentation offers the same helpers):
 * `toBinaryMask` (foreground/background colours) and `toColoredMask` (each instance in its colour
 * of the project's scheme, palette.ts). The result has ImageData's shape: in a browser
 * `ctx.putImageData(new ImageData(m.data, m.width, m.height), 0, 0)`, or draw it with `drawMasks`.
 * Full-image and box-cropped masks (`cropMasks: true`) alike. Returns new arrays; inputs are only read.
 */
import type { BinaryMask } from '../postprocess/rle';
import { ArgumentError } from '../errors';
import { instanceColor, Rgb } from './palette';

/** RGBA pixels, row-major, 4 bytes per pixel: what `ImageData` holds. */
export interface MaskImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** An RGBA colour, each channel 0..255. */
export interface Rgba { r: number; g: number; b: number; a: number }

/** What the helpers need of an instance: its mask, full-image or placed at x, y. */
export interface MaskedInstance {
  mask: BinaryMask & { x?: number; y?: number };
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ArgumentError('imageSize', `expected integers >= 1, got ${width}x${height}`);
  }
}

/** Calls `paint(pixel)` for every foreground pixel of `mask` inside the width×height image. */
function forEachForeground(mask: MaskedInstance['mask'], width: number, height: number, paint: (pixel: number) => void): void {
  const mx = mask.x ?? 0;
  const my = mask.y ?? 0;
  if (mask.data.length !== mask.width * mask.height) {
    throw new ArgumentError('mask', `data has ${mask.data.length} bytes, expected ${mask.width}x${mask.height}`);
  }
  for (let y = Math.max(0, my); y < Math.min(height, my + mask.height); y++) {
    for (let x = Math.max(0, mx); x < Math.min(width, mx + mask.width); x++) {
      if (mask.data[(y - my) * mask.width + (x - mx)] !== 0) paint(y * width + x);
    }
  }
}

function fill(data: Uint8ClampedArray, pixel: number, c: Rgba): void {
  data[pixel * 4] = c.r;
  data[pixel * 4 + 1] = c.g;
  data[pixel * 4 + 2] = c.b;
  data[pixel * 4 + 3] = c.a;
}

/**
 * One RGBA image of the union of the instances' masks: `foreground` where any mask is set,
 * `background` elsewhere (defaults: opaque black on transparent, body-segmentation's reversed
 * default is `{foreground: transparent, background: opaque black}`).
 */
export function toBinaryMask(instances: readonly MaskedInstance[], width: number, height: number,
  foreground: Rgba = { r: 0, g: 0, b: 0, a: 255 }, background: Rgba = { r: 0, g: 0, b: 0, a: 0 }): MaskImage {
  checkSize(width, height);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) fill(data, p, background);
  for (const inst of instances) forEachForeground(inst.mask, width, height, (p) => fill(data, p, foreground));
  return { width, height, data };
}

export interface ColoredMaskOptions {
  /** Alpha of mask pixels, 0..255 (default 140); other pixels are transparent. */
  alpha?: number;
  /** Colour of the instance at `index` (default: `instanceColor`). */
  colorOf?: (index: number) => Rgb;
}

/** Each instance's mask in its colour (the best-scoring, first in the list, on top), transparent elsewhere. */
export function toColoredMask(instances: readonly MaskedInstance[], width: number, height: number, options: ColoredMaskOptions = {}): MaskImage {
  checkSize(width, height);
  const alpha = options.alpha ?? 140;
  const colorOf = options.colorOf ?? instanceColor;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let k = instances.length - 1; k >= 0; k--) {
    const [r, g, b] = colorOf(k);
    forEachForeground(instances[k].mask, width, height, (p) => fill(data, p, { r, g, b, a: alpha }));
  }
  return { width, height, data };
}
