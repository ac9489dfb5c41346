/**
 * Polygon -> RLE rasterisation with pycocotools' rule (`rleFrPoly` in maskApi.c): the outline is
 * upsampled 5x, traced with integer steps, and a pixel (x, y) is inside when its centre lies below a
 * crossing of the outline in column x. Integer casts truncate toward zero as C's `(int)` does.
 */
import type { RleCounts } from '../postprocess/rle';
import { CocoFormatError } from './errors';

const SCALE = 5;

/** RLE of one polygon [x0, y0, x1, y1, ...] in an h x w image, equal to `maskUtils.frPyObjects([poly], h, w)[0]`. */
export function rleFromPolygon(xy: readonly number[], h: number, w: number): RleCounts {
  if (xy.length % 2 !== 0 || xy.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    throw new CocoFormatError('segmentation', `a polygon needs an even number of finite coordinates, got ${xy.length}`);
  }
  const k = xy.length / 2;
  const x = new Array<number>(k + 1);
  const y = new Array<number>(k + 1);
  for (let j = 0; j < k; j++) {
    x[j] = Math.trunc(SCALE * xy[2 * j] + 0.5);
    y[j] = Math.trunc(SCALE * xy[2 * j + 1] + 0.5);
  }
  x[k] = x[0];
  y[k] = y[0];
  // dense outline points (u, v) in the upsampled grid
  const u: number[] = [];
  const v: number[] = [];
  for (let j = 0; j < k; j++) {
    let xs = x[j];
    let xe = x[j + 1];
    let ys = y[j];
    let ye = y[j + 1];
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u.push(t + xs);
        v.push(Math.trunc(ys + s * t + 0.5));
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v.push(t + ys);
        u.push(Math.trunc(xs + s * t + 0.5));
      }
    }
  }
  // crossings of pixel columns, downsampled
  const starts: number[] = [];
  for (let j = 1; j < u.length; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
    xd = (xd + 0.5) / SCALE - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
    let yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
    yd = (yd + 0.5) / SCALE - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > h) yd = h;
    yd = Math.ceil(yd);
    starts.push(xd * h + yd);
  }
  starts.push(h * w);
  starts.sort((p, q) => p - q);
  // consecutive differences; a zero difference merges the next run into the previous one
  const a: number[] = [];
  let prev = 0;
  for (const t of starts) {
    a.push(t - prev);
    prev = t;
  }
  const counts: number[] = [a[0]];
  for (let j = 1; j < a.length; ) {
    if (a[j] > 0) {
      counts.push(a[j++]);
    } else {
      j++;
      if (j < a.length) counts[counts.length - 1] += a[j++];
    }
  }
  return { size: [h, w], counts };
}

/** RLE of a box [x, y, w, h] (`rleFrBbox`: the box's four corners as a polygon). */
export function rleFromBbox(bb: readonly number[], h: number, w: number): RleCounts {
  const [xs, ys] = bb;
  const xe = xs + bb[2];
  const ye = ys + bb[3];
  return rleFromPolygon([xs, ys, xs, ye, xe, ye, xe, ys], h, w);
}
