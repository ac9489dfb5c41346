/**
 * multiLevelRoIAlign against torchvision goldens, one spec over the Node backends (cpu, wasm).
 * The webgl backend runs the same goldens in headless Chromium (webgl/multi_level_roi_align.browser.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { closeStats } from '../../../../test/helpers/compare';
import { initBackend, EngineBackendName } from '../backends';
import { multiLevelRoIAlign, validateRoIAlignAttrs } from '../ops/multi_level_roi_align';
import { multiLevelRoIAlignImpl } from './cpu/multi_level_roi_align_impl';
import { loadRoIAlignGoldens, RoIAlignGolden } from '../__tests__/roi_align_goldens';

/**
 * Max abs error allowed against torchvision. Feature values are N(0,1) (|x| < 6); torchvision
 * computes sample coordinates in float32 (P2 coordinates up to ~120 px, ulp ~8e-6 px), which alone
 * gives differences up to ~3e-5 against the float64 reference.
 */
const TOLERANCE: Record<'cpu' | 'wasm', number> = { cpu: 1e-4, wasm: 1e-4 };
/** Max abs difference allowed against the cpu reference impl (wasm accumulates in float32). */
const VS_REFERENCE = 5e-6;

const goldens = loadRoIAlignGoldens();

/** The typed-array reference on a golden case. */
function reference(g: RoIAlignGolden): Float32Array {
  const levels = g.levels.map((l) => ({ data: l.data, height: l.shape[1], width: l.shape[2] }));
  return multiLevelRoIAlignImpl(levels, g.levels[0].shape[3], g.rois, g.numRois, validateRoIAlignAttrs(g.attrs, g.levels.length));
}
const report: string[] = [];
afterAll(() => { console.log(`multiLevelRoIAlign max abs error\n${report.join('\n')}`); });

function run(g: RoIAlignGolden): { out: Float32Array; shape: number[] } {
  const feats = g.levels.map((l) => tf.tensor4d(l.data, l.shape));
  const rois = tf.tensor2d(g.rois, [g.numRois, 4]);
  try {
    const res = multiLevelRoIAlign(feats, rois, g.attrs);
    const out = { out: new Float32Array(res.dataSync()), shape: res.shape };
    res.dispose();
    return out;
  } finally {
    tf.dispose([...feats, rois]);
  }
}

describe.each(['cpu', 'wasm'] as const)('multiLevelRoIAlign on %s vs torchvision', (backend: EngineBackendName & ('cpu' | 'wasm')) => {
  beforeAll(async () => {
    const info = await initBackend(backend);
    expect(info.backend).toBe(backend);
    expect(tf.getBackend()).toBe(backend);
  });

  it.each(goldens.map((g) => [g.name, g] as const))('%s', (_name, g) => {
    const before = tf.memory().numTensors;
    const { out, shape } = run(g);
    expect(tf.memory().numTensors).toBe(before);
    expect(shape).toEqual(g.expectedShape);
    const s = closeStats(out, g.expected);
    const r = closeStats(out, reference(g));
    report.push(`${backend} ${g.name}: vs torchvision ${s.maxAbs.toExponential(2)}, vs cpu reference ${r.maxAbs.toExponential(2)}`);
    expect(s.maxAbs).toBeLessThanOrEqual(TOLERANCE[backend]);
    expect(r.maxAbs).toBeLessThanOrEqual(VS_REFERENCE);
  });

  it('covers every case of the fixture with non-trivial values', () => {
    const big = goldens.find((g) => g.numRois === 1000);
    expect(big).toBeDefined();
    expect(big?.expected.some((v) => Math.abs(v) > 0.1)).toBe(true);
  });
});

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
