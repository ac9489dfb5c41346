import { resolveConfig, widthDivOverrides } from '@mrcnn/schema';
import { flopCounts } from './flops';

describe('flopCounts', () => {
  const cfg = resolveConfig();
  const f = flopCounts(cfg, 320, 480, 1000, 100);

  it('reproduces the spec: conv trunk (backbone + FPN + RPN) at 320x480 = 2 x 28.097 GMAC', () => {
    const trunkGmac = (f.backbone + f.fpn + f.rpn) / 2 / 1e9;
    expect(trunkGmac).toBeCloseTo(28.097, 3);
  });

  it('box head on 1000 RoIs = 2 x 1000 x (12544*1024 + 1024*1024 + 1024*405)', () => {
    expect(f.boxHead).toBe(2 * 1000 * (12544 * 1024 + 1024 * 1024 + 1024 * 405));
  });

  it('mask head on 100 rows: four convs 28.9 GFLOP, about 33 with deconv and predictor', () => {
    const convs = 2 * 100 * 14 * 14 * (9 * 256 * 128 + 3 * 9 * 128 * 128);
    expect(convs / 1e9).toBeCloseTo(28.9, 1);
    expect(f.maskHead).toBe(convs + 2 * 100 * (14 * 14 * 128 * 128 * 4 + 28 * 28 * 128 * 81));
    expect(f.maskHead / 1e9).toBeGreaterThan(32);
    expect(f.maskHead / 1e9).toBeLessThan(34);
  });

  it('totals about 118 GFLOP per image, and scales with the RoI and row counts', () => {
    expect(f.total / 1e9).toBeGreaterThan(117);
    expect(f.total / 1e9).toBeLessThan(119);
    const half = flopCounts(cfg, 320, 480, 500, 50);
    expect(half.boxHead * 2).toBe(f.boxHead);
    expect(half.maskHead * 2).toBe(f.maskHead);
    expect(half.backbone).toBe(f.backbone);
  });

  it('width divisor 8: every backbone conv shrinks 64x except the stem (3 input channels), which shrinks 8x', () => {
    const k8 = flopCounts(resolveConfig(widthDivOverrides(8)), 320, 480, 1000, 100);
    const stem = 2 * 160 * 240 * 3 * 64 * 49;
    expect(k8.backbone).toBeCloseTo((f.backbone - stem) / 64 + stem / 8, 0);
    expect(k8.fpn).toBeCloseTo(f.fpn / 64, 0);
  });
});
