/**
 * Stage-by-stage parity of the 0049 network (width divisor K = 8, oracle weights converted by
 * @mrcnn/weights-converter) with the PyTorch oracle's committed goldens (test/fixtures/oracle-k8), on
 * cpu and wasm. Each stage is fed the oracle's input where the golden holds it (stage_checks.ts); the
 * golden tiers decide which stages an image checks: astronaut_fit (rich: C4, C5, P2..P6, RPN maps,
 * fixed RoIs, cls_logits), chelsea_fit (medium: RPN logits, cls_logits), *_window (light: proposals
 * and outputs; their input is made by @mrcnn/model's preprocessing from the image, window policy).
 * Every MaskRCNN call is leak-checked (stage_checks.ts `noLeak`), and each image's tests together
 * leave tf.memory().numTensors as they found it.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mrcnn/engine';
import { resolveConfig, widthDivOverrides } from '../../packages/model/src/config';
import { MaskRCNN } from '../../packages/model/src/network/mask_rcnn';
import { prepareRgbTensor } from '../../packages/model/src/preprocess/prepare';
import { ORACLE_K8 } from '../helpers/paths';
import { readTensorDump, TensorDump } from '../helpers/tensor_dump';
import { goldenTensor, read, tfjsWeightArrays, toTensorMap } from './oracle_model';
import {
  checkBackbone, checkBoxHead, checkDetectionOutput, checkExecute, checkFpn, checkMaskHead, checkProposals,
  checkRoiFeatures, checkRpn, EndToEnd, StageInputs,
} from './stage_checks';

const BACKENDS = ['cpu', 'wasm'] as const;
const GOLDENS = ['astronaut_fit', 'chelsea_fit', 'astronaut_window', 'chelsea_window'] as const;

/** Tolerances; measured maxima over both backends and all images in the comments. */
const TOL = {
  /** C4, C5 from im_data: 1.9e-4. */
  backbone: 1e-3,
  /** P2..P6 (oracle C4, C5 + our C2, C3): 2.8e-5. */
  fpn: 1e-4,
  /** RPN logits/deltas from the oracle's P: 6.7e-6; from our P (chelsea): 4.4e-5. */
  rpn: 1e-4,
  /** RoIAlign of fixed_rois on the oracle's P2..P5: 1.7e-5. */
  roiFeats: 1e-4,
  /** cls_logits on the oracle's proposals: 8.7e-5 (chelsea: our P). */
  logits: 1e-3,
  /** Proposals from the oracle's RPN maps: score 6.0e-8; box 9.6e-4 px (4.6e-3 px with our deltas, chelsea). */
  proposalScore: 1e-5,
  proposalBox: 1e-2,
  /** Proposals from the image (window goldens: our P and RPN maps): score 1.2e-5, box 2.4e-2 px. */
  proposalScoreFromImage: 1e-4,
  proposalBoxFromImage: 5e-2,
  /**
   * Rows may differ only at the top-N cut-off, within this score of it (measured: no row differs with
   * the oracle's maps; from the image, chelsea swaps 1 pair at the cut-off).
   */
  tie: 1e-5,
  detIoU: 0.99,
  /** Detection scores, stage-fed: 2.4e-7; end to end: 1.3e-4. */
  detScore: 1e-3,
  /**
   * Coordinates of degenerate (< 4 px² legacy area) detections, matched by coordinates since IoU is
   * meaningless there: end to end 3.5e-2 px (random K=8 weights make many such boxes).
   */
  degenerateBox: 0.1,
  /** raw_masks on the oracle's boxes: 2.2e-5. */
  mask: 1e-3,
  /** raw_masks end to end (our boxes, up to 3.5e-2 px off on degenerate boxes): 3.8e-3. */
  maskEndToEnd: 1e-2,
  /**
   * Pasted masks: IoU ≥ 0.99, or (tiny masks) at most `pastedXor` pixels different. Measured min IoU
   * 0.983 (a 58-pixel mask, 1 pixel off, chelsea end to end); max pixels off: 1.
   */
  pastedIoU: 0.99,
  pastedXor: 2,
};

/**
 * What runs on the (slow, under jest) cpu backend: the stage tests of the fit goldens, proposals and
 * masks of the fit goldens (masks on astronaut), end to end on astronaut_fit. wasm runs everything.
 */
function runsOn(backend: string, golden: string, test: 'stages' | 'proposals' | 'masks' | 'e2e'): boolean {
  if (backend !== 'cpu') return true;
  if (test === 'stages' || test === 'proposals') return golden.endsWith('_fit');
  return golden === 'astronaut_fit';
}

const cfg = resolveConfig(widthDivOverrides(8));
const weightArrays = tfjsWeightArrays(path.join(ORACLE_K8, 'weights_0049'));
const dumps = new Map<string, TensorDump>(GOLDENS.map((g) => [g, readTensorDump(path.join(ORACLE_K8, g))]));

function expectStats(stats: Record<string, { maxAbs: number }>, names: readonly string[], tol: number): void {
  expect(Object.keys(stats).sort()).toEqual([...names].sort());
  for (const [name, st] of Object.entries(stats)) expect({ name, ok: st.maxAbs <= tol }).toEqual({ name, ok: true });
}

function expectEndToEnd(e: EndToEnd, maskTol: number): void {
  const det = e.detections;
  expect(det.actualCount).toBe(det.expectedCount);
  expect(det.match.unmatchedExpected).toEqual([]);
  expect(det.match.unmatchedActual).toEqual([]);
  expect(det.maxScoreDiff).toBeLessThanOrEqual(TOL.detScore);
  expect(det.minIoU).toBeGreaterThanOrEqual(TOL.detIoU);
  expect(e.maskMaxAbs).toBeLessThanOrEqual(maskTol);
  expect(e.pastedCompared).toBe(det.expectedCount);
  for (const r of e.pastedBelow) expect({ row: r.row, xorWithinTolerance: r.xor <= TOL.pastedXor }).toEqual({ row: r.row, xorWithinTolerance: true });
}

/** The golden's network input: its im_data, or @mrcnn/model's preprocessing of the image (light goldens). */
function networkInput(d: TensorDump, golden: string): { imData: tf.Tensor4D; imInfo: tf.Tensor2D } {
  if (d.has('im_data')) return { imData: goldenTensor(d, 'im_data') as tf.Tensor4D, imInfo: goldenTensor(d, 'im_info') as tf.Tensor2D };
  const image = dumps.get(`${golden.split('_')[0]}_fit`)!.get('image_rgb');
  const rgb = tf.tensor3d(Int32Array.from(image.data), image.shape as [number, number, number], 'int32');
  try {
    const p = prepareRgbTensor(rgb, d.meta.policy as 'fit' | 'window', cfg.input);
    return { imData: p.imData, imInfo: p.imInfo };
  } finally {
    rgb.dispose();
  }
}

describe.each(BACKENDS)('0049 K=8 parity on %s', (backend) => {
  let weights: tf.NamedTensorMap;
  let model: MaskRCNN;
  beforeAll(async () => {
    await initBackend(backend);
    weights = toTensorMap(weightArrays);
    model = new MaskRCNN(weights, cfg);
  });
  afterAll(() => {
    model.dispose();
    tf.dispose(Object.values(weights));
  });

  describe.each(GOLDENS)('%s', (golden) => {
    const d = dumps.get(golden)!;
    const has = (n: string): boolean => d.has(n);
    const fromImage = !has('im_data');
    let s: StageInputs;
    let input: { imData: tf.Tensor4D; imInfo: tf.Tensor2D };
    let before: number;
    beforeAll(() => {
      before = tf.memory().numTensors;
      input = networkInput(d, golden);
      s = new StageInputs(model, d, input.imData);
    });
    afterAll(() => {
      s.dispose();
      tf.dispose([input.imData, input.imInfo]);
      expect(tf.memory().numTensors).toBe(before);
    });

    if (fromImage) {
      it('input: @mrcnn/model\'s preprocessing gives the oracle\'s im_info', async () => {
        expect(Array.from(await read(input.imInfo))).toEqual(Array.from(d.get('im_info').data));
        expect(input.imData.shape).toEqual([1, 3, 320, 480]);
      });
    }
    const cs = ['C2', 'C3', 'C4', 'C5'].filter(has);
    const ps = ['P2', 'P3', 'P4', 'P5', 'P6'].filter(has);
    const maps = [...d.tensors.keys()].filter((n) => n.startsWith('rpn_'));
    if (runsOn(backend, golden, 'stages')) {
      if (cs.length > 0) {
        it(`backbone from im_data: ${cs.join(', ')}`, async () => {
          expectStats(await checkBackbone(s), cs, TOL.backbone);
        });
      }
      if (ps.length > 0) {
        it(`FPN: ${ps.join(', ')}`, async () => {
          const r = await checkFpn(s);
          expect(r.oracleInputs).toEqual(cs);
          expectStats(r.stats, ps, TOL.fpn);
        });
      }
      if (maps.length > 0) {
        it(`RPN head: ${maps.length} maps`, async () => {
          const r = await checkRpn(s);
          expect(r.source).toBe(ps.length === 5 ? 'oracle' : 'ours');
          expectStats(r.stats, maps, TOL.rpn);
        });
      }
      if (has('fixed_rois')) {
        it('RoIAlign features of fixed_rois (every level P2..P5)', async () => {
          expect(new Set(d.get('fixed_roi_levels').data)).toEqual(new Set([0, 1, 2, 3]));
          expect((await checkRoiFeatures(s)).maxAbs).toBeLessThanOrEqual(TOL.roiFeats);
        });
      }
      if (has('cls_logits')) {
        it('box head on the oracle\'s proposals', async () => {
          expectStats(await checkBoxHead(s), ['cls_logits', 'bbox_deltas'].filter(has), TOL.logits);
        });
        it('detection output on the oracle\'s proposals and logits', async () => {
          const det = await checkDetectionOutput(s, TOL.detIoU, TOL.degenerateBox);
          expect(det.actualCount).toBe(det.expectedCount);
          expect(det.match.unmatchedExpected).toEqual([]);
          expect(det.match.unmatchedActual).toEqual([]);
          expect(det.byCoords).toBe(0);
          expect(det.maxScoreDiff).toBeLessThanOrEqual(TOL.detScore);
        });
      }
    }
    if (runsOn(backend, golden, 'proposals')) {
      it(`proposals from ${fromImage ? 'the image' : `${maps.length} oracle RPN maps`}: the same set up to ties`, async () => {
        const { cmp, oracleMaps } = fromImage
          ? await checkProposals(s, TOL.proposalScoreFromImage, TOL.proposalBoxFromImage, TOL.tie)
          : await checkProposals(s, TOL.proposalScore, TOL.proposalBox, TOL.tie);
        expect(oracleMaps).toBe(maps.length);
        expect(cmp.actual).toBe(cmp.expected);
        expect(cmp.unmatchedOffBoundary).toBe(0);
      });
    }
    if (runsOn(backend, golden, 'masks')) {
      it(`mask head on the oracle's boxes (${ps.length === 5 ? 'oracle' : 'our'} P2..P5): every row's own-class mask`, async () => {
        const m = await checkMaskHead(s);
        expect(m.rows).toBe(100);
        expect(m.maxAbs).toBeLessThanOrEqual(TOL.mask);
      });
    }
    if (runsOn(backend, golden, 'e2e')) {
      it(`end to end from ${fromImage ? 'the image' : 'im_data'}: detections, raw and pasted masks`, async () => {
        const e = await checkExecute(model, d, input.imData, input.imInfo, TOL.detIoU, TOL.degenerateBox, TOL.pastedIoU);
        expectEndToEnd(e, TOL.maskEndToEnd);
      });
    }
  });
});
