/**
 * Masks of the COCO mini annotations (polygons and crowd RLEs) rasterised by the evaluator and their
 * RLE IoUs, against dense numpy masks from tools/eval/mask_iou_fixture.py (committed JSON).
 */
import { segmentationToRle, type CocoAnnotation, type RleCounts } from '@mrcnn/model';
import { countsArea, decodeRleCounts, encodeRleCounts, rleIou, rleToBbox } from '@mrcnn/model/internal';
import { loadCocoMini, loadNumpyMaskReference } from './coco_data';

const data = loadCocoMini();
const ref = loadNumpyMaskReference();
const images = new Map(data.images.map((im) => [im.id, im]));
const anns = new Map(data.annotations.map((a) => [a.id, a]));

function rleOf(a: CocoAnnotation): RleCounts {
  const im = images.get(a.image_id);
  if (!im) throw new Error(`no image ${a.image_id}`);
  return segmentationToRle(a.segmentation, im.height, im.width, `annotation ${a.id}`);
}
const rles = new Map(data.annotations.map((a) => [a.id, rleOf(a)]));
const get = <T>(m: Map<number, T>, id: number): T => {
  const v = m.get(id);
  if (v === undefined) throw new Error(`missing id ${id}`);
  return v;
};

function shift(rle: RleCounts, dx: number, dy: number): RleCounts {
  const m = decodeRleCounts(rle);
  const out = new Uint8Array(m.data.length);
  for (let y = 0; y < m.height; y++) {
    for (let x = 0; x < m.width; x++) {
      const sx = x - dx;
      const sy = y - dy;
      if (sx >= 0 && sx < m.width && sy >= 0 && sy < m.height) out[y * m.width + x] = m.data[sy * m.width + sx];
    }
  }
  return encodeRleCounts({ width: m.width, height: m.height, data: out });
}

describe('mask rasterisation and IoU vs numpy (COCO val2017 mini)', () => {
  it('the reference covers every annotation, polygon and crowd', () => {
    expect(ref.masks).toHaveLength(data.annotations.length);
    expect(data.annotations.some((a) => a.iscrowd)).toBe(true);
    expect(ref.pairs.length).toBeGreaterThan(100);
    expect(ref.pairs.some((p) => p.gtCrowd)).toBe(true);
  });

  it('mask areas and extents equal the numpy masks exactly', () => {
    for (const m of ref.masks) {
      const rle = get(rles, m.id);
      expect([m.id, countsArea(rle)]).toEqual([m.id, m.area]);
      expect([m.id, ...rleToBbox(rle)]).toEqual([m.id, ...m.bbox]);
    }
  });

  it('pairwise IoUs (crowd rule for crowd ground truth) equal numpy to 1e-12', () => {
    let maxErr = 0;
    for (const p of ref.pairs) {
      const [[iou]] = rleIou([get(rles, p.dt)], [get(rles, p.gt)], [p.gtCrowd]);
      expect(get(anns, p.gt).iscrowd ? true : false).toBe(p.gtCrowd);
      maxErr = Math.max(maxErr, Math.abs(iou - p.iou));
    }
    expect(maxErr).toBeLessThan(1e-12);
  });

  it('non-overlapping pairs are 0 and a mask with itself is 1', () => {
    const overlapping = new Set(ref.pairs.map((p) => `${p.dt}:${p.gt}`));
    for (const a of data.annotations.slice(0, 40)) {
      for (const b of data.annotations.slice(0, 40)) {
        if (a.image_id !== b.image_id) continue;
        const [[iou]] = rleIou([get(rles, a.id)], [get(rles, b.id)], [false]);
        if (a.id === b.id) expect(iou).toBe(1);
        else if (!overlapping.has(`${a.id}:${b.id}`)) expect(iou).toBe(0);
      }
    }
  });

  it('IoU of each mask with itself shifted by (+3, -2) equals numpy to 1e-12', () => {
    const [dx, dy] = ref.shift;
    let maxErr = 0;
    for (const s of ref.shifted) {
      const rle = get(rles, s.id);
      const [[iou]] = rleIou([shift(rle, dx, dy)], [rle], [false]);
      maxErr = Math.max(maxErr, Math.abs(iou - s.iou));
    }
    expect(ref.shifted.length).toBeGreaterThan(100);
    expect(maxErr).toBeLessThan(1e-12);
  });
});
