/**
 * Detection output (segmentoly detection_output.py / OpenVINO ExperimentalDetectronDetectionOutput):
 * softmax → class-specific decode (10, 10, 5, 5) → clip → for every class but background: score >
 * threshold → NMS → ≤ postNmsPerClass. Ordering ('classMajor', the spec's rule): if more than
 * maxDetections survive, keep the top maxDetections by score descending (ties: earlier in class-major
 * order); otherwise class ascending, score descending. 'score': score descending always.
 * Rows are padded to maxDetections with class 0, score 0, box 0.
 *
 * Softmax runs as a tfjs op; the probabilities, deltas and RoIs are read back in one `await data()`
 * round (here, in `detectionOutput`) because the NMS needs them on the CPU; only the (RoI, class)
 * pairs above the score threshold are decoded (box_coder.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DetectionConfig } from '@mrcnn/schema';
import { decodeClipInto } from './box_coder';
import { batchedNms } from './nms';

export interface Detections {
  /** [maxDetections] int32 class ids, 0 = padding. */
  readonly classes: tf.Tensor1D;
  /** [maxDetections] float32 scores. */
  readonly scores: tf.Tensor1D;
  /** [maxDetections, 4] x1, y1, x2, y2 in processed-image pixels. */
  readonly boxes: tf.Tensor2D;
}

/** Plain arrays of the detections, before they become tensors. */
export interface DetectionRows { classes: Int32Array; scores: Float32Array; boxes: Float32Array; survivors: number }

/** The box head's outputs on the CPU: probs [R·K], rois [R·4], class-specific deltas [R·4K]. */
export interface BoxHeadArrays {
  readonly probs: ArrayLike<number>;
  readonly rois: ArrayLike<number>;
  readonly deltas: ArrayLike<number>;
  readonly numRois: number;
  readonly numClasses: number;
}

/** The CPU part: threshold, decode + clip the candidates, per-class NMS, ordering, padding. */
export function selectDetections(a: BoxHeadArrays, imH: number, imW: number, cfg: DetectionConfig): DetectionRows {
  const { probs, rois, deltas, numRois, numClasses } = a;
  const o = cfg.boxPlusOne ? 1 : 0;
  const coding = { weights: cfg.deltaWeights, clampLogWh: cfg.clampLogWh, plusOne: cfg.boxPlusOne };
  const clip = { height: imH, width: imW };
  // Candidates in (RoI, class) row-major order, so ties within a class keep the lower RoI first.
  const candQ: number[] = [];
  for (let i = 0; i < numRois; i++) {
    for (let j = 1; j < numClasses; j++) if (probs[i * numClasses + j] > cfg.scoreThreshold) candQ.push(i * numClasses + j);
  }
  const n = candQ.length;
  const boxes = new Float32Array(n * 4);
  const scores = new Float32Array(n);
  const classOf = new Int32Array(n);
  const valid: number[] = [];
  for (let c = 0; c < n; c++) {
    const q = candQ[c];
    const i = (q / numClasses) | 0;
    classOf[c] = q - i * numClasses;
    scores[c] = probs[q];
    decodeClipInto(boxes, c * 4, rois, i * 4, deltas, q * 4, coding, clip);
    if (cfg.minSize > 0) {
      const w = boxes[c * 4 + 2] - boxes[c * 4] + o;
      const h = boxes[c * 4 + 3] - boxes[c * 4 + 1] + o;
      if (!(w >= cfg.minSize && h >= cfg.minSize)) continue;
    }
    valid.push(c);
  }
  const kept = batchedNms(boxes, scores, classOf, {
    iouThreshold: cfg.nmsThreshold, plusOne: cfg.boxPlusOne, maxPerClass: cfg.postNmsPerClass,
  }, valid);
  const survivors = kept.length;
  // kept is score-descending overall; class-major = stable sort by class.
  const classMajor = kept.map((c, rank) => ({ c, rank })).sort((x, y) => (classOf[x.c] - classOf[y.c]) || (x.rank - y.rank))
    .map((e) => e.c);
  let rows: number[];
  if (cfg.ordering === 'score') rows = kept.slice(0, cfg.maxDetections);
  else if (survivors > cfg.maxDetections) {
    rows = classMajor.map((c, pos) => ({ c, pos })).sort((x, y) => (scores[y.c] - scores[x.c]) || (x.pos - y.pos))
      .slice(0, cfg.maxDetections).map((e) => e.c);
  } else rows = classMajor;
  const m = cfg.maxDetections;
  const out: DetectionRows = {
    classes: new Int32Array(m), scores: new Float32Array(m), boxes: new Float32Array(m * 4), survivors,
  };
  rows.forEach((c, r) => {
    out.classes[r] = classOf[c];
    out.scores[r] = scores[c];
    out.boxes.set(boxes.subarray(c * 4, c * 4 + 4), r * 4);
  });
  return out;
}

/**
 * rois [R, 4], clsLogits [R, K], bboxDeltas [R, 4K]; imH/imW from im_info. Inputs are borrowed;
 * the result belongs to the caller.
 */
export async function detectionOutput(rois: tf.Tensor2D, clsLogits: tf.Tensor2D, bboxDeltas: tf.Tensor2D,
  imH: number, imW: number, cfg: DetectionConfig): Promise<Detections> {
  const [numRois, numClasses] = clsLogits.shape;
  const probsT = tf.softmax(clsLogits);
  let rows: DetectionRows;
  try {
    const [probs, r, deltas] = await Promise.all([probsT.data(), rois.data(), bboxDeltas.data()]);
    rows = selectDetections({ probs, rois: r, deltas, numRois, numClasses }, imH, imW, cfg);
  } finally {
    probsT.dispose();
  }
  const m = cfg.maxDetections;
  return {
    classes: tf.tensor1d(rows.classes, 'int32'),
    scores: tf.tensor1d(rows.scores),
    boxes: tf.tensor2d(rows.boxes, [m, 4]),
  };
}
