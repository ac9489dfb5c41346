/**
 * Where each instance's label tag goes, so that tags stay inside the image and do not cover each
 * other: tags are placed in order (the best-scoring instance first, it gets the best spot), each
 * at the first free one of: above its box, inside its top edge, below its box, inside its bottom
 * edge, lower and lower inside the box, further below it; then the same rows beside the tags in
 * the way; when none is free, the spot overlapping the tags already placed least. Pure geometry,
 * shared by the pixel renderer and the canvas helpers.
 */

export interface TagRequest {
  /** The instance's box x1, y1, x2, y2 (image pixels). */
  box: readonly number[];
  /** The tag's size in pixels. */
  width: number;
  height: number;
}

export interface TagPlacement { x: number; y: number; width: number; height: number }

/** Bounds on the search (100 instances stay a few hundred thousand overlap tests). */
const MAX_ROWS_BELOW = 6;
const MAX_NEIGHBOURS = 6;

function overlap(a: TagPlacement, b: TagPlacement): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Top-left corners (integers, clamped to the image) of the tags of `requests`, in the same order. */
export function layoutLabels(requests: readonly TagRequest[], imageWidth: number, imageHeight: number): TagPlacement[] {
  const placed: TagPlacement[] = [];
  for (const { box, width, height } of requests) {
    const clampX = (x: number): number => Math.max(0, Math.min(Math.round(x), imageWidth - width));
    const clampY = (y: number): number => Math.max(0, Math.min(Math.round(y), imageHeight - height));
    const x = clampX(box[0]);
    const [top, bottom] = [Math.round(box[1]), Math.round(box[3])];
    const ys = [top - height, top, bottom + 1, bottom + 1 - height];
    for (let y = top + height; y + height <= bottom; y += height) ys.push(y);
    for (let y = bottom + 1 + height, k = 0; y + height <= imageHeight && k < MAX_ROWS_BELOW; y += height, k++) ys.push(y);
    const xs = [x, ...placed.slice(-MAX_NEIGHBOURS).flatMap((p) => [clampX(p.x + p.width), clampX(p.x - width)])];
    let best: TagPlacement = { x, y: clampY(top), width, height };
    let bestCost = Infinity;
    search: for (const cx of xs) {
      for (const y of ys) {
        const spot = { x: cx, y: clampY(y), width, height };
        // clamped or moved sideways: a spot that is not where it was meant to be
        const moved = (y !== spot.y ? 1 : 0) + (cx !== x ? 1 : 0);
        const covered = placed.reduce((a, p) => a + overlap(spot, p), 0);
        if (covered === 0) {
          best = spot;
          break search;
        }
        const cost = covered * 4 + moved;
        if (cost < bestCost) {
          best = spot;
          bestCost = cost;
        }
      }
    }
    placed.push(best);
  }
  return placed;
}
