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
    expect(goldens.length).toBeGreaterThanOrEqual(9);
    const big = goldens.find((g) => g.numRois === 1000);
    expect(big).toBeDefined();
    expect(big?.expected.some((v) => Math.abs(v) > 0.1)).toBe(true);
  });
});
