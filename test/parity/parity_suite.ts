/**
 * The stage-by-stage parity suite, built from a table: one network configuration + its oracle weights,
 * a list of goldens, the backends, the tolerances and what runs where. Used by k8_stages.test.ts,
 * tv_k8_stages.test.ts and k1_stages.parity.test.ts (in the jest process), and by the browser suites
 * (test/browser/webgpu_*stages*, the model in headless Chromium): where the model runs is the suite's
 * `target` (stage_runner.ts answers the same checks in both). Which stages an image checks follows the
 * tensors its golden holds (committed fixtures drop some, see meta.dropped); goldens are read in
 * beforeAll and released in afterAll, so full-size caches are held one image at a time.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mrcnn/engine';
import type { EngineBackendName } from '@mrcnn/engine';
import { MaskRCNN } from '@mrcnn/model';
import type { ModelConfig } from '@mrcnn/schema';
import { readTensorDump } from '../helpers/tensor_dump';
import { tfjsWeightArrays, toTensorMap } from './oracle_model';
import type { EndToEnd } from './stage_checks';
import { GoldenStages, StageRunner } from './stage_runner';

export interface ParityTolerances {
  backbone: number;
  fpn: number;
  rpn: number;
  roiFeats: number;
  logits: number;
  /** Proposals from (some of) the oracle's RPN maps. */
  proposalScore: number;
  proposalBox: number;
  /** Proposals from the image (no oracle RPN maps in the golden). */
  proposalScoreFromImage: number;
  proposalBoxFromImage: number;
  /** Rows may differ only at the top-N cut-off, within this score of it. */
  tie: number;
  detIoU: number;
  detScore: number;
  /** Coordinates (px) of degenerate detections, matched by coordinates since IoU is meaningless there. */
  degenerateBox: number;
  /** raw_masks on the oracle's boxes. */
  mask: number;
  /** raw_masks end to end (our boxes). */
  maskEndToEnd: number;
  /**
   * Pasted masks: IoU ≥ pastedIoU, or at most pastedXor pixels different (tiny masks), or, when our
   * box truncates to another integer box than the oracle's, IoU ≥ pastedIoU with the oracle's box.
   */
  pastedIoU: number;
  pastedXor: number;
}

export type TestGroup = 'backbone' | 'fpn' | 'rpn' | 'roiFeatures' | 'boxHead' | 'detections' | 'proposals' | 'masks' | 'e2e';

export interface ParitySuite {
  title: string;
  config: ModelConfig;
  /** Canonical weight dump (mrcnn-tensors/1) of the oracle's model. */
  weightsStem: string;
  /** Golden stems (`<dir>/<image>_<policy>`). */
  goldens: readonly string[];
  backends: readonly EngineBackendName[];
  tol: ParityTolerances;
  /** Legacy (+1) IoU for detection matching (0049) or plain (torchvision). */
  plusOneIoU: boolean;
  /** Which test groups run for a golden on a backend (default: all). */
  runs?: (backend: EngineBackendName, golden: string, group: TestGroup) => boolean;
  /**
   * torchvision: a RoI with negative width or height gets a NaN pyramid level in its LevelMapper and
   * zero features; such fixed_rois are checked to be zero in the golden and left out of the comparison.
   */
  negativeRoisGiveZeros?: boolean;
  /** Stem of a golden holding `image_rgb` for a golden that lacks it (default: the golden itself). */
  imageSource?: (golden: string) => string;
  /**
   * Whether a golden's network input is @mrcnn/model's preprocessing of `image_rgb` rather than its
   * im_data (default: only when the golden has no im_data).
   */
  inputFromImage?: (golden: string) => boolean;
  /** Where the model runs (default: in the jest process, `inProcessTarget`). */
  target?: ParityTargetFactory;
}

/** One backend's model, set up where it runs; opens goldens on it one at a time. */
export interface ParityTarget {
  /**
   * The stage checks of a golden (`<dir>/<image>_<policy>` stem); `imageStem` names the golden
   * holding image_rgb when the input comes from the image and this golden lacks it.
   */
  open(stem: string, fromImage: boolean, imageStem: string | undefined): Promise<StageRunner>;
  close(): Promise<void>;
}

export type ParityTargetFactory = (suite: ParitySuite, backend: EngineBackendName) => Promise<ParityTarget>;

/** The converted weights of a suite, once per weight dump (backend independent). */
const weightCache = new Map<string, ReturnType<typeof tfjsWeightArrays>>();

/** The model in the jest process on `backend` (initBackend there), the golden read from disk. */
export const inProcessTarget: ParityTargetFactory = async (suite, backend) => {
  await initBackend(backend);
  let arrays = weightCache.get(suite.weightsStem);
  if (arrays === undefined) {
    arrays = tfjsWeightArrays(suite.weightsStem);
    weightCache.set(suite.weightsStem, arrays);
  }
  const weights = toTensorMap(arrays);
  const model = new MaskRCNN(weights, suite.config);
  return {
    open: async (stem, fromImage, imageStem) => GoldenStages.open(model, suite.config, readTensorDump(stem),
      { fromImage, image: imageStem === undefined ? undefined : readTensorDump(imageStem, ['image_rgb']).get('image_rgb') }),
    close: async () => {
      model.dispose();
      tf.dispose(Object.values(weights));
    },
  };
};

/** PARITY_REPORT=1 prints every measured error (to re-derive the tolerances after a change). */
const REPORT = process.env.PARITY_REPORT === '1';
function report(what: string, value: unknown): void {
  if (REPORT) process.stdout.write(`[parity] ${expect.getState().currentTestName ?? ''} ${what}: ${JSON.stringify(value)}\n`);
}

/** Tensor names and shapes of a golden, from its header only. */
function goldenHeader(stem: string): Map<string, number[]> {
  const header = JSON.parse(fs.readFileSync(`${stem}.json`, 'utf8')) as { tensors: Array<{ name: string; shape: number[] }> };
  return new Map(header.tensors.map((t) => [t.name, t.shape]));
}

function goldenNames(stem: string): Set<string> {
  return new Set(goldenHeader(stem).keys());
}

function goldenShape(stem: string, name: string): number[] {
  const shape = goldenHeader(stem).get(name);
  if (shape === undefined) throw new Error(`${stem}: no tensor named ${name}`);
  return shape;
}

function expectStats(stats: Record<string, { maxAbs: number }>, names: readonly string[], tol: number): void {
  expect(Object.keys(stats).sort()).toEqual([...names].sort());
  report('maxAbs', Object.fromEntries(Object.entries(stats).map(([n, st]) => [n, st.maxAbs])));
  for (const [name, st] of Object.entries(stats)) expect({ name, ok: st.maxAbs <= tol, maxAbs: st.maxAbs }).toEqual({ name, ok: true, maxAbs: st.maxAbs });
}

function expectEndToEnd(e: EndToEnd, tol: ParityTolerances): void {
  const det = e.detections;
  report('end to end', {
    count: det.actualCount, byIoU: det.byIoU, byCoords: det.byCoords, minIoU: det.minIoU, maxScoreDiff: det.maxScoreDiff,
    maxBoxDiff: det.maxBoxDiff, unmatched: det.match.unmatchedExpected.length + det.match.unmatchedActual.length,
    maskMaxAbs: e.maskMaxAbs, pastedMinIoU: e.pastedMinIoU, pastedMaxXor: e.pastedMaxXor, pastedBelow: e.pastedBelow,
  });
  expect(det.actualCount).toBe(det.expectedCount);
  expect(det.match.unmatchedExpected).toEqual([]);
  expect(det.match.unmatchedActual).toEqual([]);
  expect(det.maxScoreDiff).toBeLessThanOrEqual(tol.detScore);
  expect(det.minIoU).toBeGreaterThanOrEqual(tol.detIoU);
  expect(e.maskMaxAbs).toBeLessThanOrEqual(tol.maskEndToEnd);
  expect(e.pastedCompared).toBe(det.expectedCount);
  // A mask under IoU pastedIoU passes if it is tiny (≤ pastedXor pixels off) or if only the paste's
  // integer box moved (box truncation discontinuity) and our heatmap in the oracle's box has IoU ≥ pastedIoU.
  for (const r of e.pastedBelow) {
    const ok = r.xor <= tol.pastedXor || (r.boxShifted && r.iouOracleBox >= tol.pastedIoU);
    expect({ ...r, ok }).toEqual({ ...r, ok: true });
  }
}

export function describeParity(suite: ParitySuite): void {
  const { tol } = suite;
  const runs = suite.runs ?? (() => true);
  const makeTarget = suite.target ?? inProcessTarget;

  describe.each(suite.backends)(`${suite.title} on %s`, (backend) => {
    let target: ParityTarget | undefined;
    beforeAll(async () => {
      target = await makeTarget(suite, backend);
    }, 30 * 60 * 1000);
    afterAll(async () => {
      await target?.close();
    });

    describe.each(suite.goldens.map((g) => [path.basename(g), g]))('%s', (golden, stem) => {
      const names = goldenNames(stem);
      const has = (n: string): boolean => names.has(n);
      const fromImage = suite.inputFromImage?.(golden) ?? !has('im_data');
      let s: StageRunner;
      // Hooks only where this backend runs a test of the golden (jest refuses hooks in an empty block).
      let registered = 0;
      const test: typeof it = ((name: string, fn: () => Promise<void>) => { registered += 1; return it(name, fn); }) as typeof it;

      if (fromImage) {
        test('input: @mrcnn/model\'s preprocessing gives the oracle\'s im_info', async () => {
          const r = await s.input();
          expect(r.imInfo).toEqual(r.goldenImInfo);
          expect(r.imDataShape).toEqual([1, 3, suite.config.input.minSize, suite.config.input.maxSize]);
        });
      }
      const cs = ['C2', 'C3', 'C4', 'C5'].filter(has);
      const ps = ['P2', 'P3', 'P4', 'P5', 'P6'].filter(has);
      const maps = [...names].filter((n) => n.startsWith('rpn_'));
      if (cs.length > 0 && !fromImage && runs(backend, golden, 'backbone')) {
        test(`backbone from im_data: ${cs.join(', ')}`, async () => {
          expectStats(await s.backbone(), cs, tol.backbone);
        });
      }
      if (ps.length > 0 && runs(backend, golden, 'fpn')) {
        test(`FPN (${cs.length > 0 ? `oracle ${cs.join(', ')}` : 'our C2..C5'}): ${ps.join(', ')}`, async () => {
          const r = await s.fpn();
          expect(r.oracleInputs).toEqual(cs);
          expectStats(r.stats, ps, tol.fpn);
        });
      }
      if (maps.length > 0 && runs(backend, golden, 'rpn')) {
        test(`RPN head (${ps.length === 5 ? 'oracle' : 'our'} P2..P6): ${maps.length} maps`, async () => {
          const r = await s.rpn();
          expect(r.source).toBe(ps.length === 5 ? 'oracle' : 'ours');
          expectStats(r.stats, maps, tol.rpn);
        });
      }
      if (has('fixed_rois') && runs(backend, golden, 'roiFeatures')) {
        test(`RoIAlign features of fixed_rois (${ps.length === 5 ? 'oracle' : 'our'} P2..P5)`, async () => {
          const r = await s.roiFeatures(suite.negativeRoisGiveZeros ?? false);
          report('roi features', r);
          expect(r.zeroed).toBe(r.expectedZeroed);
          expect(r.stats.maxAbs).toBeLessThanOrEqual(tol.roiFeats);
        });
      }
      if (has('cls_logits') && runs(backend, golden, 'boxHead')) {
        test('box head on the oracle\'s proposals', async () => {
          expectStats(await s.boxHead(), ['cls_logits', 'bbox_deltas'].filter(has), tol.logits);
        });
      }
      if (has('cls_logits') && runs(backend, golden, 'detections')) {
        test('detection output on the oracle\'s proposals and logits', async () => {
          const det = await s.detections({ minIoU: tol.detIoU, boxTol: tol.degenerateBox, plusOne: suite.plusOneIoU });
          report('detections', { minIoU: det.minIoU, maxScoreDiff: det.maxScoreDiff, maxBoxDiff: det.maxBoxDiff });
          expect(det.actualCount).toBe(det.expectedCount);
          expect(det.match.unmatchedExpected).toEqual([]);
          expect(det.match.unmatchedActual).toEqual([]);
          expect(det.byCoords).toBe(0);
          expect(det.maxScoreDiff).toBeLessThanOrEqual(tol.detScore);
        });
      }
      if (runs(backend, golden, 'proposals')) {
        test(`proposals from ${maps.length > 0 ? `${maps.length} oracle RPN maps` : 'the image'}: the same set up to ties`, async () => {
          const { cmp, oracleMaps } = maps.length > 0
            ? await s.proposals(tol.proposalScore, tol.proposalBox, tol.tie)
            : await s.proposals(tol.proposalScoreFromImage, tol.proposalBoxFromImage, tol.tie);
          report('proposals', cmp);
          expect(oracleMaps).toBe(maps.length);
          expect(cmp.actual).toBe(cmp.expected);
          expect(cmp.unmatchedOffBoundary).toBe(0);
        });
      }
      if (runs(backend, golden, 'masks')) {
        test(`mask head on the oracle's boxes (${ps.length === 5 ? 'oracle' : 'our'} P2..P5): every row's own-class mask`, async () => {
          const m = await s.masks();
          report('masks', m);
          expect(m.rows).toBe(goldenShape(stem, 'classes')[0]);
          expect(m.maxAbs).toBeLessThanOrEqual(tol.mask);
        });
      }
      if (runs(backend, golden, 'e2e')) {
        test(`end to end from ${fromImage ? 'the image' : 'im_data'}: detections, raw and pasted masks`, async () => {
          const e = await s.execute({ minIoU: tol.detIoU, boxTol: tol.degenerateBox, plusOne: suite.plusOneIoU, maskMinIoU: tol.pastedIoU });
          expectEndToEnd(e, tol);
        });
      }
      if (registered > 0) {
        beforeAll(async () => {
          if (target === undefined) throw new Error(`${suite.title}: the ${backend} target did not open`);
          const imageStem = fromImage && !has('image_rgb') && suite.imageSource ? suite.imageSource(golden) : undefined;
          s = await target.open(stem, fromImage, imageStem);
        }, 10 * 60 * 1000);
        afterAll(async () => {
          // every tensor the golden's checks made is released (tf.memory().numTensors as before)
          expect(await s.close()).toBe(0);
        });
      }
    });
  });
}
