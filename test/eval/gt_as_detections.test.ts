/** Ground truth given back as detections scores AP = 1 on the COCO val2017 mini set (boxes and masks). */
import { evaluateCoco, segmentationToRle, STAT_NAMES, type CocoResult } from '@mrcnn/model';
import { countsToString } from '@mrcnn/model/internal';
import { loadCocoMini } from './coco_data';

const data = loadCocoMini();
const images = new Map(data.images.map((im) => [im.id, im]));
const nonCrowd = data.annotations.filter((a) => !a.iscrowd);

describe('ground truth as detections (COCO val2017 mini)', () => {
  it('bbox: every AP and AR@100 is 1 where defined', () => {
    const results: CocoResult[] = nonCrowd.map((a) => ({ image_id: a.image_id, category_id: a.category_id, bbox: a.bbox, score: 1 }));
    const { stats } = evaluateCoco(data, results, 'bbox').summary;
    for (const name of ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR100', 'ARs', 'ARm', 'ARl'] as const) {
      expect([name, stats[name]]).toEqual([name, 1]);
    }
    // AR@1 < 1: some images hold several instances of one category
    expect(stats.AR1).toBeGreaterThan(0);
    expect(stats.AR1).toBeLessThan(1);
  });

  it('segm (compressed RLE results): every AP and AR@100 is 1 where defined', () => {
    const results: CocoResult[] = nonCrowd.map((a) => {
      const im = images.get(a.image_id);
      if (!im) throw new Error(`no image ${a.image_id}`);
      const rle = segmentationToRle(a.segmentation, im.height, im.width, `annotation ${a.id}`);
      return { image_id: a.image_id, category_id: a.category_id, segmentation: { size: rle.size, counts: countsToString(rle.counts) }, score: 1 };
    });
    const res = evaluateCoco(data, results, 'segm');
    const { stats } = res.summary;
    for (const name of ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR100', 'ARs', 'ARm', 'ARl'] as const) {
      expect([name, stats[name]]).toEqual([name, 1]);
    }
    expect(res.summary.values).toHaveLength(STAT_NAMES.length);
  });

  it('missing half the detections lowers AP below 1', () => {
    const kept = nonCrowd.filter((_, i) => i % 2 === 0);
    const results: CocoResult[] = kept.map((a) => ({ image_id: a.image_id, category_id: a.category_id, bbox: a.bbox, score: 1 }));
    const { stats } = evaluateCoco(data, results, 'bbox').summary;
    expect(stats.AP).toBeLessThan(1);
    expect(stats.AP).toBeGreaterThan(0.3);
  });
});
