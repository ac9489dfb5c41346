/**
 * COCO run-length encoding of binary masks, bit-compatible with pycocotools: runs are counted in
 * column-major order (down each column, then the next column), starting with a run of zeros
 * (possibly empty); the compressed string form is pycocotools' `rleToString` (6-bit groups with a
 * continuation bit, offset by '0', each count after the second stored as a difference to the
 * count two places before).
 */
import { ArgumentError } from '../errors';

/** A binary mask at image resolution, row-major (`data[y * width + x]`, 0 or 1). */
export interface BinaryMask {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * A binary mask covering the rectangle [x, x + width) × [y, y + height) of a larger image (zero
 * outside it), row-major within the rectangle. A full-image mask is the case x = y = 0.
 */
export interface PlacedMask extends BinaryMask {
  x: number;
  y: number;
}

/** Uncompressed COCO RLE: `size` is [height, width] as in pycocotools. */
export interface RleCounts {
  size: [number, number];
  counts: number[];
}

/** Compressed COCO RLE, the form `pycocotools.mask.encode` returns (counts as a string). */
export interface CocoRle {
  size: [number, number];
  counts: string;
}

function checkMask(mask: BinaryMask, argument: string): void {
  const { width, height, data } = mask;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new ArgumentError(argument, `width and height must be non-negative integers, got ${width}x${height}`);
  }
  if (data.length !== width * height) {
    throw new ArgumentError(argument, `data has ${data.length} elements, expected ${width}x${height} = ${width * height}`);
  }
}

/** Run lengths of a row-major binary mask (any non-zero byte counts as 1), column-major. */
export function encodeRleCounts(mask: BinaryMask): RleCounts {
  checkMask(mask, 'mask');
  return encodePlacedRleCounts({ ...mask, x: 0, y: 0 }, mask.width, mask.height);
}

/**
 * Run lengths of a placed mask within an imageWidth×imageHeight image (zero outside the mask's
 * rectangle), without building the full-image mask: equal to `encodeRleCounts` of the pasted-in
 * full mask. Parts of the rectangle outside the image are ignored.
 */
export function encodePlacedRleCounts(mask: PlacedMask, imageWidth: number, imageHeight: number): RleCounts {
  checkMask(mask, 'mask');
  if (!Number.isInteger(imageWidth) || !Number.isInteger(imageHeight) || imageWidth < 0 || imageHeight < 0) {
    throw new ArgumentError('imageSize', `width and height must be non-negative integers, got ${imageWidth}x${imageHeight}`);
  }
  if (!Number.isInteger(mask.x) || !Number.isInteger(mask.y)) throw new ArgumentError('mask', `x and y must be integers, got ${mask.x}, ${mask.y}`);
  const { x: mx, y: my, width: mw, height: mh, data } = mask;
  const counts: number[] = [];
  let current = 0;
  let run = 0;
  const ya = Math.max(0, my);
  const yb = Math.min(imageHeight, my + mh);
  for (let x = 0; x < imageWidth; x++) {
    const inside = x >= mx && x < mx + mw && yb > ya;
    if (!inside) {
      // a whole column of zeros
      if (current !== 0) { counts.push(run); run = 0; current = 0; }
      run += imageHeight;
      continue;
    }
    if (current !== 0 && ya > 0) { counts.push(run); run = 0; current = 0; }
    run += ya;
    for (let y = ya, i = (ya - my) * mw + (x - mx); y < yb; y++, i += mw) {
      const v = data[i] !== 0 ? 1 : 0;
      if (v !== current) {
        counts.push(run);
        run = 0;
        current = v;
      }
      run++;
    }
    const below = imageHeight - yb;
    if (below > 0) {
      if (current !== 0) { counts.push(run); run = 0; current = 0; }
      run += below;
    }
  }
  counts.push(run);
  return { size: [imageHeight, imageWidth], counts };
}

/** Compressed COCO RLE of a placed mask within an imageWidth×imageHeight image (`encodePlacedRleCounts`). */
export function encodePlacedRle(mask: PlacedMask, imageWidth: number, imageHeight: number): CocoRle {
  const { size, counts } = encodePlacedRleCounts(mask, imageWidth, imageHeight);
  return { size, counts: countsToString(counts) };
}

/** Row-major binary mask (0/1) from uncompressed run lengths. */
export function decodeRleCounts(rle: RleCounts): BinaryMask {
  const [height, width] = rle.size;
  checkMask({ width, height, data: new Uint8Array(width * height) }, 'rle.size');
  const data = new Uint8Array(width * height);
  const total = width * height;
  let pos = 0;
  let value = 0;
  for (let k = 0; k < rle.counts.length; k++) {
    const n = rle.counts[k];
    if (!Number.isInteger(n) || n < 0 || pos + n > total) {
      throw new ArgumentError(`rle.counts[${k}]`, `run of ${n} overflows a ${height}x${width} mask at position ${pos}`);
    }
    if (value === 1) {
      for (let j = pos; j < pos + n; j++) data[(j % height) * width + Math.floor(j / height)] = 1;
    }
    pos += n;
    value ^= 1;
  }
  if (pos !== total) throw new ArgumentError('rle.counts', `runs cover ${pos} pixels, the mask has ${total}`);
  return { width, height, data };
}

/** pycocotools' compressed string of a run-length list. */
export function countsToString(counts: readonly number[]): string {
  let s = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i];
    if (i > 2) x -= counts[i - 2];
    let more = true;
    while (more) {
      let c = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = (c & 0x10) !== 0 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  }
  return s;
}

/** Run lengths from pycocotools' compressed string. */
export function countsFromString(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new ArgumentError('rle.counts', `string ends inside a count at ${p}`);
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new ArgumentError('rle.counts', `invalid character at ${p}`);
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && (c & 0x10) !== 0) x -= 2 ** (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}

/** Compressed COCO RLE of a mask, equal to `pycocotools.mask.encode(np.asfortranarray(mask))`. */
export function encodeRle(mask: BinaryMask): CocoRle {
  const { size, counts } = encodeRleCounts(mask);
  return { size, counts: countsToString(counts) };
}

/** Row-major binary mask from a compressed or uncompressed COCO RLE. */
export function decodeRle(rle: CocoRle | RleCounts): BinaryMask {
  const counts = typeof rle.counts === 'string' ? countsFromString(rle.counts) : rle.counts;
  return decodeRleCounts({ size: rle.size, counts });
}

/** Number of foreground pixels of an RLE (pycocotools `area`). */
export function rleArea(rle: CocoRle | RleCounts): number {
  const counts = typeof rle.counts === 'string' ? countsFromString(rle.counts) : rle.counts;
  let area = 0;
  for (let k = 1; k < counts.length; k += 2) area += counts[k];
  return area;
}
