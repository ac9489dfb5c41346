/**
 * Run-length operations of pycocotools' maskApi.c on uncompressed counts: union (`rleMerge`),
 * bounding box (`rleToBbox`), and the IoU matrices `bbIou` / `rleIou` with crowd handling (for a
 * crowd ground truth the union is the detection's own area).
 */
import type { RleCounts } from '../postprocess/rle';
import type { BboxXywh } from './types';

/** Foreground pixels of uncompressed counts. */
export function countsArea(rle: RleCounts): number {
  let a = 0;
  for (let j = 1; j < rle.counts.length; j += 2) a += rle.counts[j];
  return a;
}

/**
 * Walks two run lists (alternating runs of 0s and 1s, 0s first) side by side, calling
 * `f(length, inA, inB)` for each piece where neither list changes value (pieces may be empty).
 * The loop of pycocotools' rleMerge and rleIou.
 */
function walkRunPairs(A: readonly number[], B: readonly number[], f: (c: number, va: boolean, vb: boolean) => void): void {
  let ca = A[0] ?? 0;
  let cb = B[0] ?? 0;
  let va = false;
  let vb = false;
  let a = 1;
  let b = 1;
  let ct = 1;
  while (ct > 0) {
    const c = Math.min(ca, cb);
    f(c, va, vb);
    ct = 0;
    ca -= c;
    if (!ca && a < A.length) {
      ca = A[a++];
      va = !va;
    }
    ct += ca;
    cb -= c;
    if (!cb && b < B.length) {
      cb = B[b++];
      vb = !vb;
    }
    ct += cb;
  }
}

/** Union of masks of one size (`rleMerge(..., intersect = 0)`); sizes that differ give an empty 0x0 RLE. */
export function rleUnion(rles: readonly RleCounts[]): RleCounts {
  if (rles.length === 0) return { size: [0, 0], counts: [] };
  const [h, w] = rles[0].size;
  let cnts = [...rles[0].counts];
  for (let i = 1; i < rles.length; i++) {
    const B = rles[i];
    if (B.size[0] !== h || B.size[1] !== w) return { size: [0, 0], counts: [] };
    const out: number[] = [];
    let cc = 0;
    let v = false;
    walkRunPairs(cnts, B.counts, (c, va, vb) => {
      if ((va || vb) !== v) { // the union changes value: close the run so far
        out.push(cc);
        cc = 0;
        v = !v;
      }
      cc += c;
    });
    out.push(cc);
    cnts = out;
  }
  return { size: [h, w], counts: cnts };
}

/** [x, y, w, h] of the mask's pixels (`rleToBbox`); [0, 0, 0, 0] for an empty mask. */
export function rleToBbox(rle: RleCounts): BboxXywh {
  const [h, w] = rle.size;
  const m = Math.floor(rle.counts.length / 2) * 2;
  if (m === 0) return [0, 0, 0, 0];
  let xs = w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  for (let j = 0; j < m; j++) {
    cc += rle.counts[j];
    const t = cc - (j % 2);
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    xs = Math.min(xs, x);
    xe = Math.max(xe, x);
    ys = Math.min(ys, y);
    ye = Math.max(ye, y);
  }
  return [xs, ys, xe - xs + 1, ye - ys + 1];
}

/** IoU matrix [d][g] of boxes [x, y, w, h] (`bbIou`). */
export function bboxIou(dts: readonly BboxXywh[], gts: readonly BboxXywh[], iscrowd: readonly boolean[]): number[][] {
  const o = dts.map(() => new Array<number>(gts.length).fill(0));
  gts.forEach((G, g) => {
    const ga = G[2] * G[3];
    dts.forEach((D, d) => {
      const da = D[2] * D[3];
      const iw = Math.min(D[2] + D[0], G[2] + G[0]) - Math.max(D[0], G[0]);
      if (iw <= 0) return;
      const ih = Math.min(D[3] + D[1], G[3] + G[1]) - Math.max(D[1], G[1]);
      if (ih <= 0) return;
      const i = iw * ih;
      o[d][g] = i / (iscrowd[g] ? da : da + ga - i);
    });
  });
  return o;
}

function intersectionAndUnion(A: readonly number[], B: readonly number[]): [number, number] {
  let i = 0;
  let u = 0;
  walkRunPairs(A, B, (c, va, vb) => {
    if (va || vb) u += c;
    if (va && vb) i += c;
  });
  return [i, u];
}

/**
 * IoU matrix [d][g] of masks (`rleIou`): pairs whose boxes do not overlap are 0 without a mask pass,
 * pairs of different image sizes are -1.
 */
export function rleIou(dts: readonly RleCounts[], gts: readonly RleCounts[], iscrowd: readonly boolean[]): number[][] {
  const o = bboxIou(dts.map(rleToBbox), gts.map(rleToBbox), iscrowd);
  gts.forEach((G, g) => {
    dts.forEach((D, d) => {
      if (!(o[d][g] > 0)) return;
      if (D.size[0] !== G.size[0] || D.size[1] !== G.size[1]) {
        o[d][g] = -1;
        return;
      }
      const [i, uRaw] = intersectionAndUnion(D.counts, G.counts);
      let u = uRaw;
      if (i === 0) u = 1;
      else if (iscrowd[g]) u = countsArea(D);
      o[d][g] = i / u;
    });
  });
  return o;
}
