/**
 * Box head and predictor: RoIAlign 7x7 → `convs` x (3x3 conv + relu) (torchvision v2: 4, BN folded;
 * 0049 and v1: none) → flatten (7, 7, C) (the converter permuted fc6's rows to this NHWC order) →
 * `fcs` x (FC + relu) (fc6, fc7; v2: fc6 only) → cls_score [R, K], bbox_pred [R, 4K].
 */
import * as tf from '@tensorflow/tfjs-core';
import { BOX_PREDICTOR, boxHeadConvName, boxHeadFcName, type BoxHeadConfig, type RoiConfig } from '@mrcnn/schema';
import { conv, dense, step } from '../layers';
import type { NetworkWeights } from '../prepared_layers';
import { roiFeatures } from './roi_align';

export interface BoxHeadOutput {
  /** [R, numClasses] logits (softmax → scores). */
  readonly clsLogits: tf.Tensor2D;
  /** [R, 4·numClasses] class-specific deltas (class·4 + k). */
  readonly bboxDeltas: tf.Tensor2D;
}

/**
 * The head (convs, FCs) and the predictor on RoI features [R, s, s, C]; `feats` is disposed here
 * once used (50 MB at 1000 RoIs: freed before the caller's tidy ends). Call inside tf.tidy.
 */
export function boxHeadOnFeatures(feats: tf.Tensor4D, w: NetworkWeights, head: BoxHeadConfig): BoxHeadOutput {
  const out = tf.tidy(() => {
    let x4 = feats;
    for (let i = 0; i < head.convs; i++) {
      const input = x4;
      x4 = step(input, () => conv(input, w, boxHeadConvName(i), { pad: 1, relu: true }), input === feats);
    }
    const [r, s1, s2, c] = x4.shape;
    const flat = tf.reshape<tf.Rank.R2>(x4, [r, s1 * s2 * c]);
    let x = tf.tidy(() => dense(flat, w, boxHeadFcName(0), true));
    flat.dispose();
    if (x4 !== feats) x4.dispose(); // the last conv's output (50 MB at 1000 RoIs) goes once fc6 has read it
    for (let i = 1; i < head.fcs; i++) {
      const input = x;
      x = step(input, () => dense(input, w, boxHeadFcName(i), true));
    }
    const h = x;
    return [dense(h, w, `${BOX_PREDICTOR}.cls_score`, false), dense(h, w, `${BOX_PREDICTOR}.bbox_pred`, false)];
  });
  feats.dispose();
  return { clsLogits: out[0], bboxDeltas: out[1] };
}

/** p: P2..P5 (or P2..P6; extra levels ignored); rois [R, 4]. Call inside tf.tidy. */
export function boxHead(p: readonly tf.Tensor4D[], rois: tf.Tensor2D, w: NetworkWeights, cfg: RoiConfig,
  head: BoxHeadConfig): BoxHeadOutput {
  return boxHeadOnFeatures(roiFeatures(p, rois, cfg, cfg.boxOutputSize), w, head);
}
