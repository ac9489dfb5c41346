/**
 * Draws detections on the original RGB image: translucent class-coloured masks, box outlines and a
 * filled label tag ("label 0.93") per instance, in pure TypeScript (no canvas), plus a PNG writer
 * (pngjs, Node). Instances are drawn lowest score first so the best ones end on top.
 */
import type { RgbImage } from '../preprocess/decode';
import type { BinaryMask } from '../postprocess/rle';
import { glyph, GLYPH_HEIGHT, GLYPH_ADVANCE, GLYPH_WIDTH, textWidth } from './font5x7';

export type Rgb = readonly [number, number, number];

/** What the overlay needs of an instance (`Instance` of the API has it). */
export interface DrawableInstance {
  classId: number;
  label: string;
  score: number;
  box: readonly number[];
  mask?: BinaryMask;
}

export interface OverlayOptions {
  /** Mask opacity in [0, 1] (default 0.45). */
  maskAlpha?: number;
  /** Box line width in pixels (default: 1 per 300 px of the shorter side, at least 1). */
  lineWidth?: number;
  /** Integer text scale (default: like lineWidth). */
  textScale?: number;
  /** Colour of a class (default: `classColor`). */
  colorOf?: (classId: number) => Rgb;
}

/** A distinct, saturated colour per class id (golden-angle hues). */
export function classColor(classId: number): Rgb {
  const h = (classId * 137.508) % 360;
  const s = 0.75;
  const v = 0.95;
  const c = v * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = v - c;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** a·(1−α) + b·α rounded, per channel. */
export function blend(a: number, b: number, alpha: number): number {
  return Math.round(a * (1 - alpha) + b * alpha);
}

function fillRect(img: RgbImage, x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
  const xa = Math.max(0, Math.floor(x0));
  const ya = Math.max(0, Math.floor(y0));
  const xb = Math.min(img.width, Math.floor(x1));
  const yb = Math.min(img.height, Math.floor(y1));
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++) {
      const i = (y * img.width + x) * 3;
      img.data[i] = color[0];
      img.data[i + 1] = color[1];
      img.data[i + 2] = color[2];
    }
  }
}

function drawMask(img: RgbImage, mask: BinaryMask, color: Rgb, alpha: number): void {
  if (mask.width !== img.width || mask.height !== img.height) return;
  const d = img.data;
  for (let p = 0; p < mask.data.length; p++) {
    if (mask.data[p] === 0) continue;
    const i = p * 3;
    d[i] = blend(d[i], color[0], alpha);
    d[i + 1] = blend(d[i + 1], color[1], alpha);
    d[i + 2] = blend(d[i + 2], color[2], alpha);
  }
}

/** Outline of the pixels x1..x2, y1..y2 (rounded), `lw` pixels wide, inside the box. */
function drawBox(img: RgbImage, box: readonly number[], color: Rgb, lw: number): void {
  const [x1, y1, x2, y2] = box.map(Math.round);
  fillRect(img, x1, y1, x2 + 1, y1 + lw, color);
  fillRect(img, x1, y2 + 1 - lw, x2 + 1, y2 + 1, color);
  fillRect(img, x1, y1, x1 + lw, y2 + 1, color);
  fillRect(img, x2 + 1 - lw, y1, x2 + 1, y2 + 1, color);
}

/** Draws `text` with its top-left corner at (x, y). */
export function drawText(img: RgbImage, text: string, x: number, y: number, color: Rgb, scale: number): void {
  for (let k = 0; k < text.length; k++) {
    const rows = glyph(text[k]);
    const gx = x + k * GLYPH_ADVANCE * scale;
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      for (let c = 0; c < GLYPH_WIDTH; c++) {
        if ((rows[r] >> (GLYPH_WIDTH - 1 - c)) & 1) fillRect(img, gx + c * scale, y + r * scale, gx + (c + 1) * scale, y + (r + 1) * scale, color);
      }
    }
  }
}

/** Black or white, whichever reads better on `bg`. */
function textColorOn(bg: Rgb): Rgb {
  return 0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2] > 150 ? [0, 0, 0] : [255, 255, 255];
}

/** Label tag above the box (inside it when there is no room above), clamped to the image. */
function drawLabel(img: RgbImage, text: string, box: readonly number[], color: Rgb, scale: number): void {
  const pad = scale;
  const w = textWidth(text, scale) + 2 * pad;
  const h = GLYPH_HEIGHT * scale + 2 * pad;
  let x = Math.max(0, Math.min(Math.round(box[0]), img.width - w));
  let y = Math.round(box[1]) - h;
  if (y < 0) y = Math.max(0, Math.round(box[1]));
  x = Math.max(0, x);
  fillRect(img, x, y, x + w, y + h, color);
  drawText(img, text, x + pad, y + pad, textColorOn(color), scale);
}

/** A new image: `image` with the instances drawn on it (the input is not modified). */
export function renderOverlay(image: RgbImage, instances: readonly DrawableInstance[], options: OverlayOptions = {}): RgbImage {
  const out: RgbImage = { width: image.width, height: image.height, data: Uint8Array.from(image.data) };
  const unit = Math.max(1, Math.round(Math.min(image.width, image.height) / 300));
  const lw = options.lineWidth ?? unit;
  const ts = options.textScale ?? unit;
  const alpha = options.maskAlpha ?? 0.45;
  const colorOf = options.colorOf ?? classColor;
  const order = [...instances].sort((a, b) => a.score - b.score);
  for (const inst of order) if (inst.mask) drawMask(out, inst.mask, colorOf(inst.classId), alpha);
  for (const inst of order) drawBox(out, inst.box, colorOf(inst.classId), lw);
  for (const inst of order) drawLabel(out, `${inst.label} ${inst.score.toFixed(2)}`, inst.box, colorOf(inst.classId), ts);
  return out;
}

/** PNG bytes of an RGB image (Node: pngjs). */
export async function encodePng(image: RgbImage): Promise<Uint8Array> {
  const { PNG } = await import('pngjs');
  const png = new PNG({ width: image.width, height: image.height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
}
