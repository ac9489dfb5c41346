/**
 * Shared steps of the converter's end-to-end tests: convert a file into a temp directory, load it
 * with the model package's loader, run `execute` on a golden's im_data/im_info and compare the
 * detections with the oracle's.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { convert, ConvertOptions, ConvertSummary } from '@mrcnn/weights-converter';
import { loadWeights, MaskRCNN } from '@mrcnn/model';
import type { DeepPartial, ModelConfig } from '@mrcnn/schema';
import { detectionsFrom, matchDetections, maskIoU } from '../helpers/compare';
import { TensorDump } from '../helpers/tensor_dump';
import { tempDir } from '../helpers/converter_fixtures';

export { removeTempDirs } from '../helpers/converter_fixtures';

export interface RunResult {
  classes: Int32Array;
  scores: Float32Array;
  boxes: Float32Array;
  /** [N,28,28] sigmoid mask of each row's own class. */
  masksSel: Float32Array;
}

/** Converts into `<temp>/model`; the temp directories go away with `removeTempDirs()` (afterAll). */
export async function convertToTemp(input: string, opts: ConvertOptions = {}): Promise<{ dir: string; summary: ConvertSummary }> {
  const dir = path.join(tempDir('mrcnn-e2e-'), 'model');
  const summary = await convert(input, dir, opts);
  return { dir, summary };
}

/** Loads `dir`, runs execute on the golden's input, disposes everything it made. */
export async function runConverted(dir: string, golden: TensorDump,
  overrides?: DeepPartial<ModelConfig>): Promise<{ result: RunResult; config: ModelConfig }> {
  const before = tf.memory().numTensors;
  const { weights, config } = await loadWeights(dir, { config: overrides });
  const model = new MaskRCNN(weights, config, { ownsWeights: true });
  const imData = tf.tensor4d(golden.get('im_data').data as Float32Array, golden.get('im_data').shape as [number, number, number, number]);
  const imInfo = tf.tensor2d(golden.get('im_info').data as Float32Array, [1, 3]);
  try {
    const out = await model.execute(imData, imInfo);
    const classes = Int32Array.from(await out.classes.data());
    const n = classes.length;
    const k = config.numClasses;
    const raw = await out.rawMasks.data();
    const masksSel = new Float32Array(n * 784);
    for (let i = 0; i < n; i++) masksSel.set(raw.subarray((i * k + classes[i]) * 784, (i * k + classes[i] + 1) * 784), i * 784);
    const result = { classes, scores: Float32Array.from(await out.scores.data()), boxes: Float32Array.from(await out.boxes.data()), masksSel };
    tf.dispose(Object.values(out));
    return { result, config };
  } finally {
    tf.dispose([imData, imInfo]);
    model.dispose();
    if (tf.memory().numTensors !== before) throw new Error(`leaked ${tf.memory().numTensors - before} tensors`);
  }
}

export interface ParityStats {
  expected: number;
  matched: number;
  minIoU: number;
  maxScoreDiff: number;
  /** Largest |coordinate difference| (pixels) over matched boxes. */
  maxBoxDiff: number;
  /** Oracle detections with score >= 0.5, and how many of them were matched. */
  confident: number;
  confidentMatched: number;
  /** Mean IoU of the matched rows' 28x28 masks thresholded at 0.5. */
  meanMaskIoU: number;
}

/**
 * Each detection row's mask of its own class, [rows, 28, 28] flattened: the golden's raw_masks_sel
 * (K=8 goldens), or selected from the full raw_masks [100, 81, 28, 28] (K=1 goldens).
 */
function ownClassMasks(golden: TensorDump): ArrayLike<number> | undefined {
  if (golden.has('raw_masks_sel')) return golden.get('raw_masks_sel').data;
  if (!golden.has('raw_masks')) return undefined;
  const full = golden.get('raw_masks');
  const [rows, classes, h, w] = full.shape;
  const cls = golden.get('classes').data;
  const out = new Float32Array(rows * h * w);
  for (let i = 0; i < rows; i++) {
    const src = (i * classes + cls[i]) * h * w;
    for (let j = 0; j < h * w; j++) out[i * h * w + j] = full.data[src + j];
  }
  return out;
}

/** Detections of `r` against the golden's (classes, scores, boxes, raw_masks_sel), matched by class and IoU. */
export function compareWithGolden(r: RunResult, golden: TensorDump, minIoU: number): ParityStats {
  // 0049 boxes use the legacy +1 convention (width = x2 - x1 + 1; tiny boxes may have x2 < x1):
  // shifting x2, y2 by +1 makes the plain IoU of matchDetections the legacy one.
  const legacy = (b: ArrayLike<number>): Float32Array => Float32Array.from(b, (v, i) => (i % 4 >= 2 ? v + 1 : v));
  const exp = detectionsFrom(golden.get('classes').data, golden.get('scores').data, legacy(golden.get('boxes').data));
  const act = detectionsFrom(r.classes, r.scores, legacy(r.boxes));
  const m = matchDetections(act, exp, minIoU);
  const gm = ownClassMasks(golden);
  let iouSum = 0;
  let minIoUSeen = 1;
  let maxScoreDiff = 0;
  let maxBoxDiff = 0;
  let confidentMatched = 0;
  const eb = golden.get('boxes').data;
  const es = golden.get('scores').data;
  for (const x of m.matched) {
    for (let k = 0; k < 4; k++) maxBoxDiff = Math.max(maxBoxDiff, Math.abs(r.boxes[x.actual * 4 + k] - eb[x.expected * 4 + k]));
    if (es[x.expected] >= 0.5) confidentMatched++;
    minIoUSeen = Math.min(minIoUSeen, x.iou);
    maxScoreDiff = Math.max(maxScoreDiff, x.scoreDiff);
    if (gm !== undefined) {
      const bin = (a: ArrayLike<number>, row: number): Uint8Array => Uint8Array.from({ length: 784 }, (_, j) => (a[row * 784 + j] >= 0.5 ? 1 : 0));
      iouSum += maskIoU(bin(r.masksSel, x.actual), bin(gm, x.expected));
    }
  }
  return {
    expected: exp.filter((d) => d.classId > 0).length,
    matched: m.matched.length,
    minIoU: m.matched.length > 0 ? minIoUSeen : 0,
    maxScoreDiff,
    maxBoxDiff,
    confident: exp.filter((d) => d.classId > 0 && d.score >= 0.5).length,
    confidentMatched,
    meanMaskIoU: gm === undefined || m.matched.length === 0 ? NaN : iouSum / m.matched.length,
  };
}
