/**
 * RPN proposals (segmentoly proposal.py; OpenVINO GenerateProposalsSingleImage + TopKROIs):
 * per level: top-k anchors by objectness (sigmoid) → decode (weights 1,1,1,1; dw/dh clamped) →
 * clip to im_info (H, W) → drop boxes under minSize → NMS → keep ≤ postNmsTopNPerLevel;
 * then the top postNmsTopN over all levels by score (ties: level order, then rank).
 *
 * Top-k and decoding run as tfjs ops; NMS runs on the CPU after `await data()` (here, in
 * `generateProposals`) — the only read-back of this stage.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AnchorsConfig, RpnConfig } from '../config';
import { levelAnchors } from './anchors';
import { clipBoxes, decodeBoxes } from './box_coder';
import { nms, sortDescending } from './nms';
import type { RpnLevelOutput } from './rpn_head';

export interface Proposals {
  /** [R, 4] x1, y1, x2, y2 in processed-image pixels, score descending. Owned by the caller. */
  readonly rois: tf.Tensor2D;
  /** [R] objectness (sigmoid). Owned by the caller. */
  readonly scores: tf.Tensor1D;
}

interface LevelCandidates { boxes: Float32Array; scores: Float32Array }

function levelCandidates(out: RpnLevelOutput, level: number, anchorsCfg: AnchorsConfig, cfg: RpnConfig,
  imH: number, imW: number): { boxes: tf.Tensor2D; scores: tf.Tensor1D } {
  return tf.tidy(() => {
    const [, h, w, a] = out.logits.shape;
    const n = h * w * a;
    const scores = tf.sigmoid(tf.reshape(out.logits, [n]));
    const k = Math.min(cfg.preNmsTopNPerLevel, n);
    const top = tf.topk(scores, k, true);
    const anchors: tf.Tensor2D = tf.tensor2d(levelAnchors(anchorsCfg, level, h, w), [n, 4]);
    const deltas = tf.reshape<tf.Rank.R2>(out.deltas, [n, 4]);
    const decoded = decodeBoxes(tf.gather<tf.Tensor2D>(anchors, top.indices), tf.gather<tf.Tensor2D>(deltas, top.indices),
      { weights: cfg.deltaWeights, clampLogWh: cfg.clampLogWh, plusOne: cfg.boxPlusOne });
    return { boxes: clipBoxes(decoded, imH, imW, cfg.boxPlusOne), scores: top.values as tf.Tensor1D };
  });
}

/** Per-level NMS on read-back candidates; returns the kept boxes/scores. */
function levelNms(c: LevelCandidates, cfg: RpnConfig): LevelCandidates {
  const o = cfg.boxPlusOne ? 1 : 0;
  const cand: number[] = [];
  for (let i = 0; i < c.scores.length; i++) {
    const w = c.boxes[i * 4 + 2] - c.boxes[i * 4] + o;
    const h = c.boxes[i * 4 + 3] - c.boxes[i * 4 + 1] + o;
    if (w >= cfg.minSize && h >= cfg.minSize) cand.push(i); // also drops NaN boxes
  }
  const keep = nms(c.boxes, c.scores, {
    iouThreshold: cfg.nmsThreshold, plusOne: cfg.boxPlusOne, maxKeep: cfg.postNmsTopNPerLevel,
  }, cand);
  const boxes = new Float32Array(keep.length * 4);
  const scores = new Float32Array(keep.length);
  keep.forEach((i, r) => {
    boxes.set(c.boxes.subarray(i * 4, i * 4 + 4), r * 4);
    scores[r] = c.scores[i];
  });
  return { boxes, scores };
}

/** rpn: the head's outputs for P2..P6. Inputs are borrowed; the result belongs to the caller. */
export async function generateProposals(rpn: readonly RpnLevelOutput[], anchorsCfg: AnchorsConfig, cfg: RpnConfig,
  imH: number, imW: number): Promise<Proposals> {
  const levels: LevelCandidates[] = [];
  for (let l = 0; l < rpn.length; l++) {
    const t = levelCandidates(rpn[l], l, anchorsCfg, cfg, imH, imW);
    try {
      const [boxes, scores] = await Promise.all([t.boxes.data(), t.scores.data()]);
      levels.push(levelNms({ boxes: Float32Array.from(boxes), scores: Float32Array.from(scores) }, cfg));
    } finally {
      t.boxes.dispose();
      t.scores.dispose();
    }
  }
  const total = levels.reduce((s, l) => s + l.scores.length, 0);
  const allBoxes = new Float32Array(total * 4);
  const allScores = new Float32Array(total);
  let off = 0;
  for (const l of levels) {
    allBoxes.set(l.boxes, off * 4);
    allScores.set(l.scores, off);
    off += l.scores.length;
  }
  const order = sortDescending(allScores).slice(0, cfg.postNmsTopN);
  const rois = new Float32Array(order.length * 4);
  const scores = new Float32Array(order.length);
  order.forEach((i, r) => {
    rois.set(allBoxes.subarray(i * 4, i * 4 + 4), r * 4);
    scores[r] = allScores[i];
  });
  return { rois: tf.tensor2d(rois, [order.length, 4]), scores: tf.tensor1d(scores) };
}
