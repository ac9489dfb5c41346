/**
 * Draws detections over an image: translucent masks on one canvas, boxes and "label score" tags
 * on another, both at the image's own pixel size (CSS scales them together with the image).
 */
import type { Instance } from '@mrcnn/model';

export type Rgb = readonly [number, number, number];

/** Saturated, well separated colours (no greys, so drawn mask pixels are always coloured). */
const PALETTE: readonly Rgb[] = [
  [230, 25, 75], [60, 180, 75], [0, 130, 200], [245, 130, 48], [145, 30, 180], [70, 240, 240],
  [240, 50, 230], [210, 245, 60], [0, 128, 128], [170, 110, 40], [128, 0, 0], [0, 0, 128],
];

export function colourOf(index: number): Rgb {
  return PALETTE[index % PALETTE.length];
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
  const img = ctx.createImageData(canvas.width, canvas.height);
  for (let k = instances.length - 1; k >= 0; k--) {
    const { mask } = instances[k];
    if (mask.width !== canvas.width || mask.height !== canvas.height) {
      throw new Error(`instance ${k}: mask ${mask.width}x${mask.height} does not match the image ${canvas.width}x${canvas.height}`);
    }
    const [r, g, b] = colourOf(k);
    for (let i = 0; i < mask.data.length; i++) {
      if (mask.data[i] === 0) continue;
      img.data[i * 4] = r;
      img.data[i * 4 + 1] = g;
      img.data[i * 4 + 2] = b;
      img.data[i * 4 + 3] = MASK_ALPHA;
    }
  }
  ctx.putImageData(img, 0, 0);
}

/** Boxes and "label 0.87" tags. */
export function drawBoxes(canvas: HTMLCanvasElement, instances: readonly Instance[]): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('box layer: no 2d context');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const line = Math.max(1, Math.round(Math.min(canvas.width, canvas.height) / 250));
  const font = Math.max(10, Math.round(Math.min(canvas.width, canvas.height) / 30));
  ctx.font = `${font}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  instances.forEach((inst, k) => {
    const [r, g, b] = colourOf(k);
    const [x1, y1, x2, y2] = inst.box;
    ctx.strokeStyle = `rgb(${r},${g},${b})`;
    ctx.lineWidth = line;
    ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
    const text = `${inst.label} ${inst.score.toFixed(2)}`;
    const w = ctx.measureText(text).width + 6;
    const ty = y1 - font - 4 >= 0 ? y1 - font - 4 : y1;
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(x1, ty, w, font + 4);
    ctx.fillStyle = '#fff';
    ctx.fillText(text, x1 + 3, ty + 2);
  });
}
