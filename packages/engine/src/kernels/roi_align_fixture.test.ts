/**
 * The torchvision RoIAlign goldens (test/fixtures/roi-align) cover what the kernels must handle;
 * every backend runs them in the kernel suite (__tests__/kernel_suite.ts).
 */
import { loadRoIAlignGoldens, RoIAlignGolden } from '../__tests__/roi_align_goldens';

const goldens = loadRoIAlignGoldens();

describe('the golden fixture covers the issue\'s test list', () => {
  const has = (p: (g: RoIAlignGolden) => boolean): boolean => goldens.some(p);
  it('has real and random maps, every level, both aligned modes, sampling 0 and 2, R = 0, 1, 1000', () => {
    expect(has((g) => g.features === 'real' && g.levelCounts.length === 4 && g.levelCounts.every((n) => n > 0))).toBe(true);
    expect(has((g) => g.features !== 'real' && g.levelCounts.length === 4 && g.levelCounts.every((n) => n > 0))).toBe(true);
    for (const aligned of [false, true]) {
      for (const samplingRatio of [0, 2]) {
        expect(has((g) => g.attrs.aligned === aligned && g.attrs.samplingRatio === samplingRatio)).toBe(true);
      }
    }
    for (const areaMode of ['legacyPlusOne', 'plain']) expect(has((g) => g.attrs.areaMode === areaMode)).toBe(true);
    for (const size of [7, 14]) expect(has((g) => g.attrs.outputSize === size)).toBe(true);
    for (const r of [0, 1, 1000]) expect(has((g) => g.numRois === r)).toBe(true);
    // channel counts below, at and off the 4-lane SIMD width of the wasm kernel
    for (const c of [2, 4, 6, 8]) expect(has((g) => g.levels[0].shape[3] === c)).toBe(true);
  });

  it('has a 1000-RoI case with non-trivial values', () => {
    const big = goldens.find((g) => g.numRois === 1000);
    expect(big).toBeDefined();
    expect(big?.expected.some((v) => Math.abs(v) > 0.1)).toBe(true);
  });

  it('has RoIs outside the image, tiny (< 1 px) and inverted ones', () => {
    const rois = (g: RoIAlignGolden): number[][] => Array.from({ length: g.numRois }, (_, i) => Array.from(g.rois.subarray(4 * i, 4 * i + 4)));
    const all = goldens.flatMap(rois);
    expect(all.some(([x1, y1]) => x1 >= 480 || y1 >= 320)).toBe(true);
    expect(all.some(([, , x2, y2]) => x2 < 0 || y2 < 0)).toBe(true);
    expect(all.some(([x1, y1, x2, y2]) => x1 < 0 && x2 > 0 && y1 < 0 && y2 > 0)).toBe(true);
    expect(all.some(([x1, y1, x2, y2]) => x2 - x1 > 0 && x2 - x1 < 1 && y2 - y1 > 0 && y2 - y1 < 1)).toBe(true);
    expect(all.some(([x1, y1, x2, y2]) => x2 < x1 && y2 < y1)).toBe(true);
  });
});
