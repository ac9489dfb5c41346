/**
 * COCO AP/AR on small cases whose values follow by hand from the COCO procedure (101 recall points,
 * 10 IoU thresholds 0.50:0.05:0.95, maxDets 1/10/100, area ranges, crowd rules).
 */
import { evaluateCoco, type BboxXywh, type CocoDataset, type CocoResult } from '@mrcnn/model';
import { linspace } from '@mrcnn/model/internal';

function dataset(gts: { box: BboxXywh; crowd?: boolean; area?: number; cat?: number; img?: number }[], nImages = 1): CocoDataset {
  return {
    images: Array.from({ length: nImages }, (_, i) => ({ id: i + 1, width: 640, height: 480 })),
    categories: [{ id: 1 }, { id: 2 }],
    annotations: gts.map((g, i) => ({
      id: i + 1,
      image_id: g.img ?? 1,
      category_id: g.cat ?? 1,
      iscrowd: g.crowd ? 1 : 0,
      bbox: g.box,
      area: g.area ?? g.box[2] * g.box[3],
    })),
  };
}

const det = (box: BboxXywh, score: number, cat = 1, img = 1): CocoResult => ({ image_id: img, category_id: cat, bbox: box, score });

describe('COCO parameters', () => {
  it('uses numpy linspace values: IoU 0.75 and recall 0.5 are exact grid points', () => {
    const iou = linspace(0.5, 0.95, 10);
    const rec = linspace(0, 1, 101);
    expect(iou).toHaveLength(10);
    expect(iou[5]).toBe(0.75);
    expect(iou[9]).toBe(0.95);
    expect(rec[50]).toBe(0.5);
    expect(rec[100]).toBe(1);
  });
});

describe('COCO bbox evaluation, hand-computed', () => {
  // GT A [0,0,10,10], B [20,0,10,10]; D1 = A (score .9), D2 misses (.8), D3 overlaps B with IoU 80/120 = 2/3 (.7).
  const gt = dataset([{ box: [0, 0, 10, 10] }, { box: [20, 0, 10, 10] }]);
  const dts = [det([0, 0, 10, 10], 0.9), det([50, 50, 10, 10], 0.8), det([22, 0, 10, 10], 0.7)];
  const { stats } = evaluateCoco(gt, dts, 'bbox').summary;

  it('AP over thresholds: TP,FP,TP for IoU <= 2/3 (4 thresholds), TP,FP,FP above', () => {
    // t <= 0.65: recalls .5,.5,1 precisions 1,.5,2/3 -> interpolated 1 for r <= .5 (51 points), 2/3 for r > .5 (50 points)
    const apLow = (51 * 1 + 50 * (2 / 3)) / 101;
    // t >= 0.7: recall stops at .5 -> 1 for 51 points, 0 for the rest
    const apHigh = 51 / 101;
    expect(stats.AP50).toBeCloseTo(apLow, 12);
    expect(stats.AP75).toBeCloseTo(apHigh, 12);
    expect(stats.AP).toBeCloseTo((4 * apLow + 6 * apHigh) / 10, 12);
    // every box has area 100 < 32^2: small only
    expect(stats.APs).toBeCloseTo(stats.AP, 12);
    expect(stats.APm).toBe(-1);
    expect(stats.APl).toBe(-1);
  });

  it('AR at 1/10/100 detections per image', () => {
    expect(stats.AR1).toBeCloseTo(0.5, 12); // only D1 kept
    expect(stats.AR10).toBeCloseTo((4 * 1 + 6 * 0.5) / 10, 12);
    expect(stats.AR100).toBeCloseTo(0.7, 12);
    expect(stats.ARs).toBeCloseTo(0.7, 12);
    expect(stats.ARm).toBe(-1);
  });

  it('prints the pycocotools summary lines', () => {
    const { lines } = evaluateCoco(gt, dts, 'bbox').summary;
    expect(lines[0]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.637');
    expect(lines[1]).toBe(' Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.835');
    expect(lines[4]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000');
    expect(lines[8]).toBe(' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.700');
  });
});

describe('COCO crowd handling', () => {
  const crowdBox: BboxXywh = [0, 0, 100, 100];
  const smallBox: BboxXywh = [200, 200, 10, 10];
  const dts = [det([10, 10, 20, 20], 0.9), det([10, 50, 20, 20], 0.8), det(smallBox, 0.7)];

  it('detections inside a crowd region match it (IoU = inter / area(dt)) and are ignored, several per crowd', () => {
    const { stats } = evaluateCoco(dataset([{ box: crowdBox, crowd: true }, { box: smallBox }]), dts, 'bbox').summary;
    expect(stats.AP).toBeCloseTo(1, 12);
    expect(stats.AP50).toBeCloseTo(1, 12);
    expect(stats.AR100).toBeCloseTo(1, 12);
    expect(stats.APl).toBe(-1); // the crowd is not a positive
  });

  it('the same region without iscrowd makes them false positives (IoU 400/10000)', () => {
    const { stats } = evaluateCoco(dataset([{ box: crowdBox }, { box: smallBox }]), dts, 'bbox').summary;
    // FP, FP, TP over 2 positives: precision 1/3 up to recall 1/2 (51 points), 0 after
    expect(stats.AP).toBeCloseTo((51 / 101) * (1 / 3), 12);
    expect(stats.AR100).toBeCloseTo(0.5, 12);
    expect(stats.APl).toBe(0); // the large GT is never found
  });
});

describe('COCO area ranges', () => {
  // medium GT [0,0,50,50] (area 2500); an unmatched small detection ranks first.
  const gt = dataset([{ box: [0, 0, 50, 50] }]);
  const dts = [det([200, 200, 10, 10], 0.9), det([0, 0, 50, 50], 0.8)];
  const { stats } = evaluateCoco(gt, dts, 'bbox').summary;

  it('an unmatched detection outside the range is ignored; inside "all" it is a false positive', () => {
    expect(stats.APm).toBeCloseTo(1, 12);
    expect(stats.AP).toBeCloseTo(0.5, 12); // FP then TP: precision 1/2 at recall 1
    expect(stats.APs).toBe(-1); // no small ground truth
  });

  it('ground-truth area comes from the annotation, not from its box', () => {
    const g = dataset([{ box: [0, 0, 50, 50], area: 900 }]); // area says small
    const s = evaluateCoco(g, [det([0, 0, 50, 50], 0.8)], 'bbox').summary.stats;
    expect(s.APs).toBeCloseTo(1, 12);
    expect(s.APm).toBe(-1);
  });
});

describe('COCO per category and per image pooling', () => {
  it('averages AP over categories; detections of one category never match another', () => {
    // cat 1: two images, one GT each, detections found in both (scores .9 img1, .6 img2) plus a FP (.8, img2)
    // cat 2: one GT, detected with a box of the wrong category only -> AP 0
    const gt = dataset([
      { box: [0, 0, 40, 40], img: 1 },
      { box: [0, 0, 40, 40], img: 2 },
      { box: [100, 100, 40, 40], img: 1, cat: 2 },
    ], 2);
    const dts = [
      det([0, 0, 40, 40], 0.9, 1, 1),
      det([300, 300, 40, 40], 0.8, 1, 2),
      det([0, 0, 40, 40], 0.6, 1, 2),
      det([100, 100, 40, 40], 0.95, 1, 1),
    ];
    const { stats } = evaluateCoco(gt, dts, 'bbox').summary;
    // cat 1 pooled by score: .95 FP (wrong place), .9 TP, .8 FP, .6 TP -> rc 0,.5,.5,1; pr 0,.5,1/3,.5
    // interpolated: .5 everywhere up to recall 1 -> AP 0.5 ; cat 2: no detection -> 0
    expect(stats.AP).toBeCloseTo((0.5 + 0) / 2, 12);
    expect(stats.AR100).toBeCloseTo((1 + 0) / 2, 12);
  });
});
