/**
 * Box head and predictor: RoIAlign 7x7 → flatten (7, 7, C) (the converter permuted fc6's rows to
 * this NHWC order) → fc6 + relu → fc7 + relu → cls_score [R, K], bbox_pred [R, 4K].
 */
import * as tf from '@tensorflow/tfjs-core';
import { BOX_HEAD, BOX_PREDICTOR, type RoiConfig } from '@mrcnn/schema';
import { dense, step } from '../layers';
import type { NetworkWeights } from '../prepared_layers';
import { roiFeatures } from './roi_align';

export interface BoxHeadOutput {
  /** [R, numClasses] logits (softmax → scores). */
  readonly clsLogits: tf.Tensor2D;
  /** [R, 4·numClasses] class-specific deltas (class·4 + k). */
  readonly bboxDeltas: tf.Tensor2D;
}

/**
 * The FC part on RoI features [R, s, s, C]; `feats` is disposed here once used (50 MB at 1000 RoIs:
 * freed before the caller's tidy ends). Call inside tf.tidy.
 */
export function boxHeadOnFeatures(feats: tf.Tensor4D, w: NetworkWeights): BoxHeadOutput {
  const out = tf.tidy(() => {
    const [r, s1, s2, c] = feats.shape;
    const x = tf.reshape<tf.Rank.R2>(feats, [r, s1 * s2 * c]);
    const h6 = dense(x, w, `${BOX_HEAD}.fc6`, true);
    const h7 = step(h6, () => dense(h6, w, `${BOX_HEAD}.fc7`, true));
    return [dense(h7, w, `${BOX_PREDICTOR}.cls_score`, false), dense(h7, w, `${BOX_PREDICTOR}.bbox_pred`, false)];
  });
  feats.dispose();
  return { clsLogits: out[0], bboxDeltas: out[1] };
}

/** p: P2..P5 (or P2..P6; extra levels ignored); rois [R, 4]. Call inside tf.tidy. */
export function boxHead(p: readonly tf.Tensor4D[], rois: tf.Tensor2D, w: NetworkWeights, cfg: RoiConfig): BoxHeadOutput {
  return boxHeadOnFeatures(roiFeatures(p, rois, cfg, cfg.boxOutputSize), w);
}
