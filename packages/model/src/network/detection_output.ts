/**
 * Detection output (segmentoly detection_output.py / OpenVINO ExperimentalDetectronDetectionOutput):
 * softmax → class-specific decode (10, 10, 5, 5) → clip → for every class but background: score >
 * threshold → NMS → ≤ postNmsPerClass. Ordering ('classMajor', the spec's rule): if more than
 * maxDetections survive, keep the top maxDetections by score descending (ties: earlier in class-major
 * order); otherwise class ascending, score descending. 'score': score descending always.
 * Rows are padded to maxDetections with class 0, score 0, box 0.
 *
 * Softmax runs as a tfjs op; the probabilities and deltas are packed into one tensor and read back
 * with one `await data()` (here, in `detectionOutput`), the only read-back of this stage, because the
 * NMS needs them on the CPU. The RoIs are the proposals' host arrays (never read back). Only the
 * (RoI, class) pairs above the score threshold are decoded (box_coder.ts). The detection rows stay on
 * the host: the caller makes tensors of them only where an op or an output needs one.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DetectionConfig } from '@mrcnn/schema';
import { ShapeMismatchError, shapeString } from '../errors';
import { decodeClipInto } from './box_coder';
import { batchedNms } from './nms';

/** The detections on the host: maxDetections rows, padded with class 0, score 0, box 0. */
export interface DetectionRows {
  /** [maxDetections] class ids, 0 = padding. */
  readonly classes: Int32Array;
  /** [maxDetections] scores. */
  readonly scores: Float32Array;
  /** [maxDetections·4] x1, y1, x2, y2 in processed-image pixels. */
  readonly boxes: Float32Array;
  /** Detections that survived the NMS (before the cut to maxDetections). */
  readonly survivors: number;
}

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
 * rois: the proposals' [R·4] on the host; clsLogits [R, K], bboxDeltas [R, 4K] (borrowed); imH/imW
 * from im_info. One read-back; returns host arrays.
 */
export async function detectionOutput(rois: ArrayLike<number>, clsLogits: tf.Tensor2D, bboxDeltas: tf.Tensor2D,
  imH: number, imW: number, cfg: DetectionConfig): Promise<DetectionRows> {
  const [numRois, numClasses] = clsLogits.shape;
  if (rois.length !== numRois * 4) throw new ShapeMismatchError('rois', `${numRois}·4 values (one box per logits row)`, `${rois.length}`);
  if (bboxDeltas.shape[0] !== numRois || bboxDeltas.shape[1] !== 4 * numClasses) {
    throw new ShapeMismatchError('bboxDeltas', shapeString([numRois, 4 * numClasses]), shapeString(bboxDeltas.shape));
  }
  const packed = tf.tidy(() => tf.concat([tf.reshape(tf.softmax(clsLogits), [-1]), tf.reshape(bboxDeltas, [-1])]));
  let host: Float32Array;
  try {
    host = (await packed.data()) as Float32Array;
  } finally {
    packed.dispose();
  }
  const probs = host.subarray(0, numRois * numClasses);
  const deltas = host.subarray(numRois * numClasses);
  return selectDetections({ probs, rois, deltas, numRois, numClasses }, imH, imW, cfg);
}