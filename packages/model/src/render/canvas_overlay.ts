/**
 * Drawing detections on a browser canvas (any CanvasRenderingContext2D or
 * OffscreenCanvasRenderingContext2D): `drawMasks` (each instance's mask in its colour, over what
 * the canvas shows) and `drawDetections` (box outlines and "label 0.93" tags, placed so that they
 * do not cover each other, in the colours `mrcnn detect`'s PNG overlays use). Only the types of the
 * DOM are used here: this module loads in Node too, where nothing calls it.
 */
import type { MaskImage } from './mask_image';
import { MaskedInstance, toColoredMask } from './mask_image';
import { layoutLabels } from './label_layout';
import { instanceColor, textColorOn } from './palette';

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** What `drawDetections` needs of an instance (`Instance` has it). */
export interface LabelledInstance {
  label: string;
  score: number;
  box: readonly number[];
}

export interface DrawOptions {
  /** Box line width in pixels (default: 1 per 250 px of the shorter side, at least 1). */
  lineWidth?: number;
  /** Font size in pixels (default: 1/30 of the shorter side, at least 10). */
  fontSize?: number;
  /** CSS font family (default system-ui, sans-serif). */
  fontFamily?: string;
}

function imageData(m: MaskImage): ImageData {
  return new ImageData(m.data as Uint8ClampedArray<ArrayBuffer>, m.width, m.height);
}

/**
 * Draws the instances' masks over the canvas's current content (translucent, `alpha` 0..255,
 * default 140), at the canvas's own pixel size (masks are in image pixels: size the canvas as the image).
 */
export function drawMasks(ctx: Context2D, instances: readonly MaskedInstance[], alpha = 140): void {
  const { width, height } = ctx.canvas;
  const layer = new OffscreenCanvas(width, height);
  const lctx = layer.getContext('2d');
  if (lctx === null) throw new Error('drawMasks: no 2d context for the mask layer');
  lctx.putImageData(imageData(toColoredMask(instances, width, height, { alpha })), 0, 0);
  ctx.drawImage(layer, 0, 0);
}

/** Draws box outlines and label tags (instances in detection order: the first gets the best tag spot). */
export function drawDetections(ctx: Context2D, instances: readonly LabelledInstance[], options: DrawOptions = {}): void {
  const { width, height } = ctx.canvas;
  const short = Math.min(width, height);
  const line = options.lineWidth ?? Math.max(1, Math.round(short / 250));
  const font = options.fontSize ?? Math.max(10, Math.round(short / 30));
  ctx.save();
  ctx.font = `${font}px ${options.fontFamily ?? 'system-ui, sans-serif'}`;
  ctx.textBaseline = 'top';
  const texts = instances.map((d) => `${d.label} ${d.score.toFixed(2)}`);
  const pad = Math.max(2, Math.round(font / 6));
  const tags = layoutLabels(instances.map((d, k) => ({
    box: d.box, width: Math.ceil(ctx.measureText(texts[k]).width) + 2 * pad, height: font + 2 * pad,
  })), width, height);
  for (let k = instances.length - 1; k >= 0; k--) {
    const [r, g, b] = instanceColor(k);
    const [x1, y1, x2, y2] = instances[k].box;
    ctx.strokeStyle = `rgb(${r},${g},${b})`;
    ctx.lineWidth = line;
    ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
  }
  for (let k = instances.length - 1; k >= 0; k--) {
    const colour = instanceColor(k);
    const [tr, tg, tb] = textColorOn(colour);
    const t = tags[k];
    ctx.fillStyle = `rgb(${colour[0]},${colour[1]},${colour[2]})`;
    ctx.fillRect(t.x, t.y, t.width, t.height);
    ctx.fillStyle = `rgb(${tr},${tg},${tb})`;
    ctx.fillText(texts[k], t.x + pad, t.y + pad);
  }
  ctx.restore();
}
