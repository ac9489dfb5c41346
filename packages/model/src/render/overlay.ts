/**
 * Draws detections on the original RGB image, in pure TypeScript (no canvas; Node and browsers):
 * translucent masks, box outlines and a filled label tag ("label 0.93") per instance, coloured by
 * the instance's rank (palette.ts, the scheme every overlay of the project uses), tags placed so
 * that they do not cover each other (label_layout.ts); plus a PNG writer (pngjs, Node only).
 * Instances are drawn lowest score first so the best ones end on top. The input is not modified.
 */
import type { RgbImage } from '../preprocess/decode';
import type { BinaryMask } from '../postprocess/rle';
import { glyph, GLYPH_HEIGHT, GLYPH_ADVANCE, GLYPH_WIDTH, textWidth } from './font5x7';
import { layoutLabels, TagPlacement } from './label_layout';
import { instanceColor, Rgb, textColorOn } from './palette';

export type { Rgb } from './palette';

/**
 * What the overlay needs of an instance (`Instance` of the API has it). A mask may cover the whole
 * image or, with `x`/`y`, a rectangle of it (`cropMasks: true`).
 */
export interface DrawableInstance {
  classId: number;
  label: string;
  score: number;
  box: readonly number[];
  mask?: BinaryMask & { x?: number; y?: number };
}

export interface OverlayOptions {
  /** Mask opacity in [0, 1] (default 0.45). */
  maskAlpha?: number;
  /** Box line width in pixels (default: 1 per 300 px of the shorter side, at least 1). */
  lineWidth?: number;
  /** Integer text scale (default: like lineWidth). */
  textScale?: number;
  /** Colour of the instance at `index` of the list (default: `instanceColor`, the project's scheme). */
  colorOf?: (index: number, instance: DrawableInstance) => Rgb;
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

function drawMask(img: RgbImage, mask: NonNullable<DrawableInstance['mask']>, color: Rgb, alpha: number): void {
  const mx = mask.x ?? 0;
  const my = mask.y ?? 0;
  const d = img.data;
  for (let y = Math.max(0, my); y < Math.min(img.height, my + mask.height); y++) {
    for (let x = Math.max(0, mx); x < Math.min(img.width, mx + mask.width); x++) {
      if (mask.data[(y - my) * mask.width + (x - mx)] === 0) continue;
      const i = (y * img.width + x) * 3;
      d[i] = blend(d[i], color[0], alpha);
      d[i + 1] = blend(d[i + 1], color[1], alpha);
      d[i + 2] = blend(d[i + 2], color[2], alpha);
    }
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

/** A filled tag at `at` with `text` in black or white, whichever reads on `color`. */
function drawTag(img: RgbImage, text: string, at: TagPlacement, color: Rgb, scale: number): void {
  fillRect(img, at.x, at.y, at.x + at.width, at.y + at.height, color);
  drawText(img, text, at.x + scale, at.y + scale, textColorOn(color), scale);
}

/** A new image: `image` with the instances drawn on it (the input is not modified). */
export function renderOverlay(image: RgbImage, instances: readonly DrawableInstance[], options: OverlayOptions = {}): RgbImage {
  const out: RgbImage = { width: image.width, height: image.height, data: Uint8Array.from(image.data) };
  const unit = Math.max(1, Math.round(Math.min(image.width, image.height) / 300));
  const lw = options.lineWidth ?? unit;
  const ts = options.textScale ?? unit;
  const alpha = options.maskAlpha ?? 0.45;
  const colorOf = options.colorOf ?? ((index: number): Rgb => instanceColor(index));
  const colors = instances.map((inst, k) => colorOf(k, inst));
  // best first for the label spots; drawn lowest score first so the best end on top
  const byScore = instances.map((_, k) => k).sort((a, b) => instances[b].score - instances[a].score || a - b);
  const texts = instances.map((inst) => `${inst.label} ${inst.score.toFixed(2)}`);
  const tags = layoutLabels(byScore.map((k) => ({
    box: instances[k].box, width: textWidth(texts[k], ts) + 2 * ts, height: GLYPH_HEIGHT * ts + 2 * ts,
  })), image.width, image.height);
  const order = [...byScore].reverse();
  for (const k of order) { const m = instances[k].mask; if (m) drawMask(out, m, colors[k], alpha); }
  for (const k of order) drawBox(out, instances[k].box, colors[k], lw);
  for (let j = byScore.length - 1; j >= 0; j--) drawTag(out, texts[byScore[j]], tags[j], colors[byScore[j]], ts);
  return out;
}

/** PNG bytes of an RGB image (Node: pngjs). */
export async function encodePng(image: RgbImage): Promise<Uint8Array> {
  const { PNG } = await import('pngjs');
  const png = new PNG({ width: image.width, height: image.height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
}
