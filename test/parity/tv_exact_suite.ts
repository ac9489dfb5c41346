/**
 * Parity with torchvision run as torchvision runs it (tools/oracle/torchvision_exact.py): its own
 * MaskRCNN classes and GeneralizedRCNNTransform, fed the original image, at 800/1333 and 320/480,
 * v1 and v2 models. The user's route is taken: the seeded checkpoint (.pth in torchvision's layout)
 * is converted with `convert`, loaded with `load`, and the image (the PNG decoded, cropped or
 * transposed as the golden's `meta.source` says) goes through:
 * 1. `preprocess()` (the torchvision transform) → im_data equal to torchvision's normalised,
 *    resized, padded batch (sizes exact; values: every one at K=1, 512 samples at K=8);
 * 2. `execute()` on that im_data → detections before torchvision's postprocess (classes, scores,
 *    boxes in resized pixels) and the masks of each row's class;
 * 3. `detect()` end to end → instances in original pixels and pasted masks (> 0.5).
 * Detections are matched by class and IoU; unmatched rows are allowed only at the top-100 cut-off
 * (score within `tie` of the 100th). Every call leaves tf.memory().numTensors as it was.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import type { EngineBackendName } from '@mrcnn/engine';
import { load, Model, pasteMaskTorchvision, preprocess } from '@mrcnn/model';
import { torchvisionExpandedBox } from '@mrcnn/model/internal';
import type { PixelArray } from '@mrcnn/model';
import { closeStats, Detection, detectionsFrom, maskIoU, matchDetections } from '../helpers/compare';
import { readTensorDump, TensorDump } from '../helpers/tensor_dump';
import { TvSource, tvSourcePixels } from '../helpers/tv_sources';
import { convertToTemp, removeTempDirs } from '../converter/convert_run';

export interface TvExactTolerances {
  /** im_data: largest |ours − torchvision| (normalised units). */
  imData: number;
  detIoU: number;
  detScore: number;
  /** Unmatched rows allowed only with a score within this of the 100th (cut-off) score. */
  tie: number;
  /** Masks (probabilities) of matched rows: execute on the same im_data. */
  mask: number;
  /**
   * Pasted masks: IoU ≥ pastedIoU, or at most pastedXor pixels different (tiny masks), or — when our
   * box expands to another integer box than torchvision's (`expand_boxes` + truncation: a 0.002 px
   * box difference can move an edge by a whole pixel and rescale the map) — IoU ≥ pastedIoU between our
   * mask and torchvision's probabilities pasted into our box.
   */
  pastedIoU: number;
  pastedXor: number;
}

export interface TvExactSuite {
  title: string;
  /** The checkpoint of each model version (torchvision's state_dict layout). */
  checkpoints: Readonly<Record<'v1' | 'v2', string>>;
  goldenDir: string;
  /** Golden stems `<version>_<image>_<min size>` (tools/oracle/make_tv_exact.py). */
  goldens: readonly string[];
  backends: readonly EngineBackendName[];
  tol: Readonly<Record<'v1' | 'v2', TvExactTolerances>>;
  /** Which parts run for a golden (default: all). */
  runs?: (backend: EngineBackendName, golden: string, part: 'imData' | 'network' | 'detect') => boolean;
}

const REPORT = process.env.PARITY_REPORT === '1';
function report(what: string, value: unknown): void {
  if (REPORT) process.stdout.write(`[tv-exact] ${expect.getState().currentTestName ?? ''} ${what}: ${JSON.stringify(value)}\n`);
}

interface Matched {
  rows: number;
  pairs: Array<{ expected: number; actual: number }>;
  minIoU: number;
  maxScoreDiff: number;
  /** Unmatched rows (both sides) and the largest distance of their score above the cut-off. */
  unmatched: number;
  unmatchedAboveCutoff: number;
}

/** Matches by class + IoU; reports unmatched rows relative to the 100th-score cut-off. */
function match(actual: Detection[], expected: Detection[], minIoU: number): Matched {
  const m = matchDetections(actual, expected, minIoU);
  const cutoff = Math.min(...expected.map((d) => d.score), ...actual.map((d) => d.score));
  const rest = [...m.unmatchedExpected.map((i) => expected[i].score), ...m.unmatchedActual.map((i) => actual[i].score)];
  return {
    rows: expected.length,
    pairs: m.matched,
    minIoU: m.matched.reduce((a, p) => Math.min(a, p.iou), 1),
    maxScoreDiff: m.matched.reduce((a, p) => Math.max(a, p.scoreDiff), 0),
    unmatched: rest.length,
    unmatchedAboveCutoff: rest.reduce((a, s) => Math.max(a, s - cutoff), 0),
  };
}

function expectMatched(m: Matched, expectedRows: number, actualRows: number, tol: TvExactTolerances): void {
  report('detections', { rows: m.rows, actualRows, minIoU: m.minIoU, maxScoreDiff: m.maxScoreDiff, unmatched: m.unmatched, unmatchedAboveCutoff: m.unmatchedAboveCutoff });
  expect(actualRows).toBe(expectedRows);
  expect(m.pairs.length).toBeGreaterThan(0);
  expect(m.unmatchedAboveCutoff).toBeLessThanOrEqual(tol.tie);
  expect(m.minIoU).toBeGreaterThanOrEqual(tol.detIoU);
  expect(m.maxScoreDiff).toBeLessThanOrEqual(tol.detScore);
}

export function describeTvExact(suite: TvExactSuite): void {
  const runs = suite.runs ?? (() => true);
  const versions = [...new Set(suite.goldens.map((g) => g.split('_')[0]))] as Array<'v1' | 'v2'>;
  const converted = new Map<string, string>();
  afterAll(removeTempDirs);

  describe.each(suite.backends)(`${suite.title} on %s`, (backend) => {
    describe.each(versions)('%s', (version) => {
      let model: Model;
      const tol = suite.tol[version];
      beforeAll(async () => {
        if (!converted.has(version)) converted.set(version, (await convertToTemp(suite.checkpoints[version])).dir);
        model = await load(converted.get(version), { backend });
        expect(model.config.input.transform).toBe('torchvision');
      });
      afterAll(() => model?.dispose());

      const parts = ['imData', 'network', 'detect'] as const;
      // Jest refuses a describe whose hooks have no test: only goldens with a part on this backend.
      const goldens = suite.goldens.filter((g) => g.startsWith(`${version}_`) && parts.some((part) => runs(backend, g, part)));
      describe.each(goldens)('%s', (golden) => {
        let d: TensorDump;
        let pixels: PixelArray;
        let sizes: { minSize: number; maxSize: number };
        beforeAll(async () => {
          d = readTensorDump(path.join(suite.goldenDir, golden));
          pixels = await tvSourcePixels(d.meta.source as TvSource);
          sizes = { minSize: d.meta.min_size as number, maxSize: d.meta.max_size as number };
        });
        afterAll(() => { d = undefined as unknown as TensorDump; });
        const input = (): typeof model.config.input => ({ ...model.config.input, ...sizes });

        if (runs(backend, golden, 'imData')) {
          it('preprocess: torchvision\'s sizes and normalised, resized, padded im_data', async () => {
            const before = tf.memory().numTensors;
            const p = await preprocess(pixels, input());
            try {
              expect([pixels.height, pixels.width]).toEqual(d.meta.orig_hw);
              expect([p.geometry.height, p.geometry.width]).toEqual(d.meta.resized_hw);
              expect(p.imData.shape).toEqual([1, 3, ...(d.meta.padded_hw as number[])]);
              const ours = (await p.imData.data()) as Float32Array;
              let stats;
              if (d.has('im_data')) {
                stats = closeStats(ours, d.get('im_data').data, 1);
              } else {
                const idx = d.get('im_data_index').data;
                stats = closeStats(Array.from(idx, (i) => ours[i]), d.get('im_data_samples').data, 1);
              }
              report('im_data', { maxAbs: stats.maxAbs, values: d.has('im_data') ? ours.length : d.get('im_data_index').data.length });
              expect(stats.maxAbs).toBeLessThanOrEqual(tol.imData);
            } finally {
              tf.dispose([p.imData, p.imInfo]);
            }
            expect(tf.memory().numTensors).toBe(before);
          });
        }

        if (runs(backend, golden, 'network')) {
          it('execute on that im_data: detections before postprocess (resized pixels) and masks', async () => {
            const before = tf.memory().numTensors;
            const p = await preprocess(pixels, input());
            const out = await model.execute(p.imData, p.imInfo);
            tf.dispose([p.imData, p.imInfo]);
            try {
              const classes = (await out.classes.data()) as Int32Array;
              const n = classes.findIndex((c) => c === 0);
              const rows = n < 0 ? classes.length : n;
              const actual = detectionsFrom(classes.subarray(0, rows), await out.scores.data(), await out.boxes.data());
              const expected = detectionsFrom(d.get('classes').data, d.get('scores').data, d.get('boxes_resized').data);
              const m = match(actual, expected, tol.detIoU);
              expectMatched(m, expected.length, rows, tol);
              const sel = d.get('raw_masks_sel');
              const k = model.config.numClasses;
              const raw = (await out.rawMasks.data()) as Float32Array;
              let maskMax = 0;
              let compared = 0;
              for (const pr of m.pairs) {
                if (pr.expected >= sel.shape[0]) continue;
                const c = classes[pr.actual];
                const ours = raw.subarray((pr.actual * k + c) * 784, (pr.actual * k + c + 1) * 784);
                maskMax = Math.max(maskMax, closeStats(ours, sel.data.subarray(pr.expected * 784, (pr.expected + 1) * 784), 1).maxAbs);
                compared++;
              }
              report('masks', { compared, maxAbs: maskMax });
              expect(compared).toBeGreaterThan(0);
              expect(maskMax).toBeLessThanOrEqual(tol.mask);
            } finally {
              tf.dispose(Object.values(out));
            }
            expect(tf.memory().numTensors).toBe(before);
          });
        }

        if (runs(backend, golden, 'detect')) {
          it('detect end to end: instances in original pixels, pasted masks', async () => {
            const before = tf.memory().numTensors;
            const instances = await model.detect(pixels, { ...sizes, scoreThreshold: 0, maxDetections: 100 });
            expect(tf.memory().numTensors).toBe(before);
            const actual: Detection[] = instances.map((x, i) => ({ classId: x.classId, score: x.score, box: x.box, index: i }));
            const expected = detectionsFrom(d.get('classes').data, d.get('scores').data, d.get('boxes').data);
            const m = match(actual, expected, tol.detIoU);
            expectMatched(m, expected.length, instances.length, tol);
            const pasted = d.get('pasted_masks');
            const probs = d.get('raw_masks_sel');
            const [rows, h0, w0] = pasted.shape;
            let minIoU = 1;
            let maxXor = 0;
            let compared = 0;
            const shifted: Array<{ row: number; iou: number; iouOurBox: number }> = [];
            for (const pr of m.pairs) {
              if (pr.expected >= rows) continue;
              const { mask, box } = instances[pr.actual];
              expect([mask.height, mask.width]).toEqual([h0, w0]);
              const exp = pasted.data.subarray(pr.expected * h0 * w0, (pr.expected + 1) * h0 * w0);
              const iou = maskIoU(mask.data, exp);
              let xor = 0;
              for (let i = 0; i < exp.length; i++) if ((mask.data[i] > 0) !== (exp[i] > 0)) xor++;
              compared++;
              if (iou >= tol.pastedIoU || xor <= tol.pastedXor) {
                minIoU = Math.min(minIoU, iou);
                if (iou < tol.pastedIoU) maxXor = Math.max(maxXor, xor);
                continue;
              }
              const theirBox = d.get('boxes').data.subarray(pr.expected * 4, pr.expected * 4 + 4);
              const boxShifted = torchvisionExpandedBox(box, 30 / 28).some((v, i) => v !== torchvisionExpandedBox(theirBox, 30 / 28)[i]);
              const theirs = pasteMaskTorchvision(probs.data.subarray(pr.expected * 784, (pr.expected + 1) * 784), 28, box, w0, h0);
              const iouOurBox = maskIoU(mask.data, theirs.data);
              shifted.push({ row: pr.expected, iou, iouOurBox });
              expect({ row: pr.expected, iou, xor, boxShifted, ok: boxShifted && iouOurBox >= tol.pastedIoU })
                .toEqual({ row: pr.expected, iou, xor, boxShifted, ok: true });
            }
            report('pasted', { compared, minIoU, maxXorBelowIoU: maxXor, boxShifted: shifted });
            expect(compared).toBeGreaterThan(0);
          });
        }
      });
    });
  });
}
