/**
 * Any COCO segmentation (polygon list, uncompressed RLE, compressed RLE) to uncompressed counts, as
 * pycocotools' `COCO.annToRLE` does: polygons are rasterised at the image size and merged (union); a
 * list whose first entry has exactly 4 numbers is read as boxes (`frPyObjects`' rule); an RLE keeps
 * its own size.
 */
import { countsFromString, type RleCounts } from '../postprocess/rle';
import { CocoFormatError } from './errors';
import { rleFromBbox, rleFromPolygon } from './polygon';
import { rleUnion } from './rle_ops';

function isNumberList(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

function checkSize(size: unknown, where: string): [number, number] {
  if (!isNumberList(size) || size.length !== 2 || !size.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new CocoFormatError(where, `RLE size must be [height, width], got ${JSON.stringify(size)}`);
  }
  return [size[0], size[1]];
}

/** Uncompressed counts of a segmentation in an image of h x w pixels; `where` names the annotation in errors. */
export function segmentationToRle(segm: unknown, h: number, w: number, where: string): RleCounts {
  if (Array.isArray(segm)) {
    if (segm.length === 0 || !segm.every(isNumberList)) {
      throw new CocoFormatError(where, 'polygon segmentation must be a non-empty list of coordinate lists');
    }
    const polys = segm as number[][];
    const n0 = polys[0].length;
    if (n0 < 4) throw new CocoFormatError(where, `polygon with ${n0} coordinates is not supported`);
    const parts = polys.map((p) => (n0 === 4 ? rleFromBbox(p, h, w) : rleFromPolygon(p.slice(0, p.length - (p.length % 2)), h, w)));
    return rleUnion(parts);
  }
  if (typeof segm === 'object' && segm !== null && 'counts' in segm && 'size' in segm) {
    const { counts, size } = segm as { counts: unknown; size: unknown };
    const [rh, rw] = checkSize(size, where);
    let c: number[];
    if (typeof counts === 'string') {
      c = countsFromString(counts);
    } else if (isNumberList(counts) && counts.every((x) => Number.isInteger(x) && x >= 0)) {
      c = [...counts];
    } else {
      throw new CocoFormatError(where, 'RLE counts must be a string or a list of non-negative integers');
    }
    let total = 0;
    for (const x of c) total += x;
    if (total !== rh * rw) throw new CocoFormatError(where, `RLE runs cover ${total} pixels, size ${rh}x${rw} has ${rh * rw}`);
    return { size: [rh, rw], counts: c };
  }
  throw new CocoFormatError(where, 'segmentation must be a polygon list or an RLE object {size, counts}');
}
