/**
 * Detection output (segmentoly detection_output.py / OpenVINO ExperimentalDetectronDetectionOutput):
 * softmax → class-specific decode (10, 10, 5, 5) → clip → for every class but background: score >
 * threshold → NMS → ≤ postNmsPerClass. Ordering ('classMajor', the spec's rule): if more than
 * maxDetections survive, keep the top maxDetections by score descending (ties: earlier in class-major
 * order); otherwise class ascending, score descending. 'score': score descending always.
 * Rows are padded to maxDetections with class 0, score 0, box 0.
 *
 * Decoding runs as tfjs ops; the boxes and probabilities are read back with `await data()` here
 * (`detectionOutput`) for the NMS on the CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DetectionConfig } from '../config';
import { clipBoxes, decodeBoxes } from './box_coder';
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

/**
 * The CPU part: probs [R·K] and decoded, clipped boxes [R·K·4] (row-major by RoI, then class).
 */
export function selectDetections(probs: Float32Array, boxes: Float32Array, numRois: number, numClasses: number,
  cfg: DetectionConfig): DetectionRows {
  const o = cfg.boxPlusOne ? 1 : 0;
  const cand: number[] = [];
  const classOf = new Int32Array(numRois * numClasses);
  for (let i = 0; i < numRois; i++) {
    for (let j = 1; j < numClasses; j++) {
      const q = i * numClasses + j;
      classOf[q] = j;
      if (!(probs[q] > cfg.scoreThreshold)) continue;
      if (cfg.minSize > 0) {
        const w = boxes[q * 4 + 2] - boxes[q * 4] + o;
        const h = boxes[q * 4 + 3] - boxes[q * 4 + 1] + o;
        if (!(w >= cfg.minSize && h >= cfg.minSize)) continue;
      }
      cand.push(q);
    }
  }
  const kept = batchedNms(boxes, probs, classOf, {
    iouThreshold: cfg.nmsThreshold, plusOne: cfg.boxPlusOne, maxPerClass: cfg.postNmsPerClass,
  }, cand);
  const survivors = kept.length;
  // kept is score-descending overall; class-major = stable sort by class.
  const classMajor = kept.map((q, rank) => ({ q, rank })).sort((a, b) => (classOf[a.q] - classOf[b.q]) || (a.rank - b.rank))
    .map((e) => e.q);
  let rows: number[];
  if (cfg.ordering === 'score') rows = kept.slice(0, cfg.maxDetections);
  else if (survivors > cfg.maxDetections) {
    rows = classMajor.map((q, pos) => ({ q, pos })).sort((a, b) => (probs[b.q] - probs[a.q]) || (a.pos - b.pos))
      .slice(0, cfg.maxDetections).map((e) => e.q);
  } else rows = classMajor;
  const m = cfg.maxDetections;
  const out: DetectionRows = {
    classes: new Int32Array(m), scores: new Float32Array(m), boxes: new Float32Array(m * 4), survivors,
  };
  rows.forEach((q, r) => {
    out.classes[r] = classOf[q];
    out.scores[r] = probs[q];
    out.boxes.set(boxes.subarray(q * 4, q * 4 + 4), r * 4);
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
  const t = tf.tidy(() => ({
    probs: tf.softmax(clsLogits),
    boxes: clipBoxes(decodeBoxes(rois, bboxDeltas, {
      weights: cfg.deltaWeights, clampLogWh: cfg.clampLogWh, plusOne: cfg.boxPlusOne,
    }), imH, imW, cfg.boxPlusOne),
  }));
  let rows: DetectionRows;
  try {
    const [probs, boxes] = await Promise.all([t.probs.data(), t.boxes.data()]);
    rows = selectDetections(Float32Array.from(probs), Float32Array.from(boxes), numRois, numClasses, cfg);
  } finally {
    t.probs.dispose();
    t.boxes.dispose();
  }
  const m = cfg.maxDetections;
  return {
    classes: tf.tensor1d(rows.classes, 'int32'),
    scores: tf.tensor1d(rows.scores),
    boxes: tf.tensor2d(rows.boxes, [m, 4]),
  };
}
