/**
 * RPN proposals (segmentoly proposal.py; OpenVINO GenerateProposalsSingleImage + TopKROIs):
 * per level: top-k anchors by objectness (sigmoid) → decode (weights 1,1,1,1; dw/dh clamped) →
 * clip to im_info (H, W) → drop boxes under minSize → NMS → keep ≤ postNmsTopNPerLevel;
 * then the top postNmsTopN over all levels by score (ties: level order, then rank).
 *
 * Sigmoid, top-k and the gather of the selected deltas run as tfjs ops; the k scores, indices and
 * deltas of all levels are read back in one `await data()` round (here, in `generateProposals`), the
 * only read-back of this stage, and decoding + NMS run on the CPU (box_coder.ts, nms.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AnchorsConfig, RpnConfig } from '@mrcnn/schema';
import { levelAnchors } from './anchors';
import { decodeClipInto } from './box_coder';
import { nms, sortDescending } from './nms';
import type { RpnLevelOutput } from './rpn_head';

export interface Proposals {
  /** [R, 4] x1, y1, x2, y2 in processed-image pixels, score descending. Owned by the caller. */
  readonly rois: tf.Tensor2D;
  /** [R] objectness (sigmoid). Owned by the caller. */
  readonly scores: tf.Tensor1D;
}

interface LevelCandidates { boxes: Float32Array; scores: Float32Array }

/** Device part of a level: the top-k scores (sigmoid), their anchor indices and deltas [k, 4]. */
function levelTopK(out: RpnLevelOutput, cfg: RpnConfig): { scores: tf.Tensor1D; indices: tf.Tensor1D; deltas: tf.Tensor2D } {
  return tf.tidy(() => {
    const [, h, w, a] = out.logits.shape;
    const n = h * w * a;
    const scores = tf.sigmoid(tf.reshape(out.logits, [n]));
    const top = tf.topk(scores, Math.min(cfg.preNmsTopNPerLevel, n), true);
    const deltas = tf.gather(tf.reshape<tf.Rank.R2>(out.deltas, [n, 4]), top.indices);
    return { scores: top.values as tf.Tensor1D, indices: top.indices as tf.Tensor1D, deltas };
  });
}

/** CPU part of a level: decode + clip the top-k boxes, drop small ones, NMS. */
function levelNms(scores: Float32Array, indices: Int32Array, deltas: Float32Array, anchors: Float32Array,
  cfg: RpnConfig, imH: number, imW: number): LevelCandidates {
  const k = scores.length;
  const boxes = new Float32Array(k * 4);
  const coding = { weights: cfg.deltaWeights, clampLogWh: cfg.clampLogWh, plusOne: cfg.boxPlusOne };
  const clip = { height: imH, width: imW };
  for (let i = 0; i < k; i++) decodeClipInto(boxes, i * 4, anchors, indices[i] * 4, deltas, i * 4, coding, clip);
  const o = cfg.boxPlusOne ? 1 : 0;
  const cand: number[] = [];
  for (let i = 0; i < k; i++) {
    const w = boxes[i * 4 + 2] - boxes[i * 4] + o;
    const h = boxes[i * 4 + 3] - boxes[i * 4 + 1] + o;
    if (w >= cfg.minSize && h >= cfg.minSize) cand.push(i); // also drops NaN boxes
  }
  const keep = nms(boxes, scores, {
    iouThreshold: cfg.nmsThreshold, plusOne: cfg.boxPlusOne, maxKeep: cfg.postNmsTopNPerLevel,
  }, cand);
  const kept = { boxes: new Float32Array(keep.length * 4), scores: new Float32Array(keep.length) };
  keep.forEach((i, r) => {
    kept.boxes.set(boxes.subarray(i * 4, i * 4 + 4), r * 4);
    kept.scores[r] = scores[i];
  });
  return kept;
}

/**
 * Anchor grid stride of a level: the configured stride, or for torchvision's AnchorGenerator the
 * padded input size floor-divided by the grid size (its rule: P6 of a 480-wide input has 8 columns,
 * stride 60).
 */
function levelStrides(anchorsCfg: AnchorsConfig, level: number, gridH: number, gridW: number,
  inputH: number, inputW: number): [number, number] {
  const s = anchorsCfg.strides[level];
  if (anchorsCfg.kind !== 'sizesRatios') return [s, s];
  return [Math.floor(inputH / gridH), Math.floor(inputW / gridW)];
}

/** rpn: the head's outputs for P2..P6. Inputs are borrowed; the result belongs to the caller. */
export async function generateProposals(rpn: readonly RpnLevelOutput[], anchorsCfg: AnchorsConfig, cfg: RpnConfig,
  imH: number, imW: number): Promise<Proposals> {
  const levels: LevelCandidates[] = [];
  // The padded input size: the finest level's grid times its stride (inputs are multiples of 32).
  const inputH = rpn[0].logits.shape[1] * anchorsCfg.strides[0];
  const inputW = rpn[0].logits.shape[2] * anchorsCfg.strides[0];
  // Every level's top-k is queued first, then all are read back together: one round trip.
  const tops: Array<ReturnType<typeof levelTopK>> = [];
  try {
    for (const out of rpn) tops.push(levelTopK(out, cfg));
    const host = await Promise.all(tops.map((t) => Promise.all([t.scores.data(), t.indices.data(), t.deltas.data()])));
    host.forEach(([scores, indices, deltas], l) => {
      const [, h, w] = rpn[l].logits.shape;
      const [sy, sx] = levelStrides(anchorsCfg, l, h, w, inputH, inputW);
      const anchors = levelAnchors(anchorsCfg, l, h, w, sy, sx);
      levels.push(levelNms(Float32Array.from(scores), Int32Array.from(indices), Float32Array.from(deltas), anchors, cfg, imH, imW));
    });
  } finally {
    for (const t of tops) tf.dispose([t.scores, t.indices, t.deltas]);
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
