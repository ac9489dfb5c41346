/**
 * Reading the demo page's mask overlay and comparing it with expected binary masks (oracle
 * pasted masks, ground truth, a Node run): how much of each expected mask is drawn, and the IoU
 * of everything drawn with the union of the expected masks.
 */
import type { Page } from 'playwright-core';
import type { TensorDump } from '../helpers/tensor_dump';

/** A mask layer (the demo's #mask-layer, the video panel's #video-mask): one '0'/'1' character per pixel, 1 = drawn with a saturated colour. */
export interface Overlay { width: number; height: number; coloured: string }

export interface OverlayMatch {
  masks: number;
  coverage: number[];
  unionIoU: number;
  /** Fraction of the drawn pixels that lie on an expected mask (1 when nothing is drawn). */
  precision: number;
}

export async function readOverlay(page: Page, canvasId = 'mask-layer'): Promise<Overlay> {
  return page.evaluate((id) => {
    const c = document.getElementById(id) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < d.length; i += 4) {
      const chroma = Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]);
      s += d[i + 3] > 0 && chroma > 60 ? '1' : '0';
    }
    return { width: c.width, height: c.height, coloured: s };
  }, canvasId);
}

/** `masks`: row-major 0/1 masks of the overlay's size. */
export function overlayVsMasks(overlay: Overlay, masks: readonly ArrayLike<number>[]): OverlayMatch {
  const n = overlay.width * overlay.height;
  const union = new Uint8Array(n);
  const coverage = masks.map((m, k) => {
    if (m.length !== n) throw new Error(`expected mask ${k} has ${m.length} pixels, the overlay ${overlay.width}x${overlay.height}`);
    let inMask = 0;
    let drawn = 0;
    for (let i = 0; i < n; i++) {
      if (m[i] === 0) continue;
      union[i] = 1;
      inMask++;
      if (overlay.coloured[i] === '1') drawn++;
    }
    return inMask === 0 ? 1 : drawn / inMask;
  });
  let inter = 0;
  let uni = 0;
  let drawn = 0;
  for (let i = 0; i < n; i++) {
    const a = overlay.coloured[i] === '1';
    if (a) drawn++;
    if (a && union[i] === 1) inter++;
    if (a || union[i] === 1) uni++;
  }
  return { masks: masks.length, coverage, unionIoU: uni === 0 ? 1 : inter / uni, precision: drawn === 0 ? 1 : inter / drawn };
}

/** The oracle's pasted masks of the detections with score >= `score` (original image size). */
export function oracleMasks(golden: TensorDump, score: number): Uint8Array[] {
  const [h, w] = golden.meta.orig_hw as [number, number];
  const scores = golden.get('scores').data;
  const classes = golden.get('classes').data;
  const pasted = golden.get('pasted_masks').data;
  return Array.from(scores.keys()).filter((i) => classes[i] > 0 && scores[i] >= score)
    .map((r) => pasted.subarray(r * w * h, (r + 1) * w * h) as Uint8Array);
}

export function describeOverlay(m: OverlayMatch): string {
  return `coverage of each expected mask ${m.coverage.map((c) => c.toFixed(4)).join(', ')}; union IoU ${m.unionIoU.toFixed(4)}; ` +
    `drawn pixels on expected masks ${m.precision.toFixed(4)}`;
}

/** Drops an image file (fetched by the page from its own origin) onto the demo's drop zone. */
export async function dropImage(page: Page, url: string, name: string): Promise<void> {
  // No async/await inside: ts-jest would compile it to a helper the page does not have.
  await page.evaluate(([u, n]) => fetch(u).then((r) => r.blob()).then((blob) => {
    const dt = new DataTransfer();
    dt.items.add(new File([blob], n, { type: blob.type }));
    document.getElementById('drop-zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }), [url, name]);
}
