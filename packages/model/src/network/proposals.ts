/**
 * RPN proposals (segmentoly proposal.py; OpenVINO GenerateProposalsSingleImage + TopKROIs):
 * per level: top-k anchors by objectness (sigmoid) → decode (weights 1,1,1,1; dw/dh clamped) →
 * clip to im_info (H, W) → drop boxes under minSize → NMS → keep ≤ postNmsTopNPerLevel;
 * then the top postNmsTopN over all levels by score (ties: level order, then rank).
 *
 * Sigmoid, top-k and the gather of the selected deltas run as tfjs ops; the k scores, indices and
 * deltas of all levels are packed into one tensor and read back with one `await data()` (here, in
 * `generateProposals`), the only read-back of this stage; decoding + NMS run on the CPU (box_coder.ts,
 * nms.ts) and the proposals stay there, as typed arrays: the caller uploads them for the ops that
 * need a tensor (RoIAlign) and hands the host copy to the detection output.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AnchorsConfig, RpnConfig } from '@mrcnn/schema';
import { ShapeMismatchError, shapeString } from '../errors';
import { levelAnchors } from './anchors';
import { decodeClipInto } from './box_coder';
import { nms, sortDescending } from './nms';
import type { RpnLevelOutput } from './rpn_head';

/** The proposals on the host (no tensors). */
export interface Proposals {
  /** [count·4] x1, y1, x2, y2 in processed-image pixels, score descending. */
  readonly rois: Float32Array;
  /** [count] objectness (sigmoid). */
  readonly scores: Float32Array;
  readonly count: number;
}

interface LevelCandidates { boxes: Float32Array; scores: Float32Array }

/** k of a level: its top-k size. */
function levelK(out: RpnLevelOutput, cfg: RpnConfig): number {
  const [, h, w, a] = out.logits.shape;
  const n = h * w * a;
  if (n > 2 ** 24) throw new ShapeMismatchError('rpn logits', 'at most 2^24 anchors per level', shapeString(out.logits.shape));
  return Math.min(cfg.preNmsTopNPerLevel, n);
}

/**
 * Device part of a level, packed flat: the top-k scores (sigmoid) [k], their anchor indices [k]
 * (as float32: exact, below 2^24) and deltas [k·4]. Call inside tf.tidy.
 */
function levelTopK(out: RpnLevelOutput, k: number): tf.Tensor1D {
  const [, h, w, a] = out.logits.shape;
  const n = h * w * a;
  const scores = tf.sigmoid(tf.reshape(out.logits, [n]));
  const top = tf.topk(scores, k, true);
  const deltas = tf.gather(tf.reshape<tf.Rank.R2>(out.deltas, [n, 4]), top.indices);
  return tf.concat([top.values, tf.cast(top.indices, 'float32'), tf.reshape(deltas, [k * 4])]) as tf.Tensor1D;
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

/**
 * rpn: the head's outputs for P2..P6 (borrowed). Returns the proposals on the host; one read-back.
 */
export async function generateProposals(rpn: readonly RpnLevelOutput[], anchorsCfg: AnchorsConfig, cfg: RpnConfig,
  imH: number, imW: number): Promise<Proposals> {
  // The padded input size: the finest level's grid times its stride (inputs are multiples of 32).
  const inputH = rpn[0].logits.shape[1] * anchorsCfg.strides[0];
  const inputW = rpn[0].logits.shape[2] * anchorsCfg.strides[0];
  // Every level's top-k in one tensor: one read-back for the stage.
  const ks = rpn.map((out) => levelK(out, cfg));
  const packed = tf.tidy(() => tf.concat(rpn.map((out, l) => levelTopK(out, ks[l]))));
  let host: Float32Array;
  try {
    host = (await packed.data()) as Float32Array;
  } finally {
    packed.dispose();
  }
  const levels: LevelCandidates[] = [];
  let off = 0;
  rpn.forEach((out, l) => {
    const k = ks[l];
    const [, h, w] = out.logits.shape;
    const [sy, sx] = levelStrides(anchorsCfg, l, h, w, inputH, inputW);
    const anchors = levelAnchors(anchorsCfg, l, h, w, sy, sx);
    const scores = host.subarray(off, off + k);
    const indices = Int32Array.from(host.subarray(off + k, off + 2 * k));
    const deltas = host.subarray(off + 2 * k, off + 6 * k);
    off += 6 * k;
    levels.push(levelNms(scores, indices, deltas, anchors, cfg, imH, imW));
  });
  const total = levels.reduce((s, l) => s + l.scores.length, 0);
  const allBoxes = new Float32Array(total * 4);
  const allScores = new Float32Array(total);
  off = 0;
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
  return { rois, scores, count: order.length };
}
