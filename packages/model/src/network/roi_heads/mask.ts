/**
 * Light mask head (0049) / torchvision mask head: RoIAlign 14x14 on the detection boxes (all rows,
 * padding rows included, as the IR does) → `convs` x (3x3 conv + relu) → ConvTranspose 2x2 stride 2
 * + relu → 1x1 conv → numClasses → sigmoid. Returns raw masks NCHW [N, numClasses, 28, 28] as the card.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MASK_HEAD, MASK_PREDICTOR, type MaskConfig, type RoiConfig } from '@mrcnn/schema';
import { ShapeMismatchError, shapeString } from '../../errors';
import { conv, step, weight } from '../layers';
import type { NetworkWeights } from '../prepared_layers';
import { roiFeatures } from './roi_align';

/**
 * ConvTranspose kh x kw, stride (kh, kw) (+ bias, relu); weight [kh, kw, out, in]. With stride equal
 * to the kernel the output pixels do not overlap: it is one matMul [N·h·w, in] x [in, kh·kw·out]
 * (bias and relu fused) and a reshuffle of (kh, kw) onto the grid, ~8x faster on tfjs-wasm than
 * tf.conv2dTranspose (benchmarks/levers), equal within float32 rounding.
 */
function deconv(x: tf.Tensor4D, w: NetworkWeights, name: string): tf.Tensor4D {
  const f = weight(w.tensors, `${name}.weight`);
  if (f.rank !== 4 || f.shape[3] !== x.shape[3]) {
    throw new ShapeMismatchError(`${name}.weight`, `[kh,kw,out,${x.shape[3]}]`, shapeString(f.shape));
  }
  const [kh, kw, out] = f.shape;
  const b = weight(w.tensors, `${name}.bias`, [out]);
  const [n, h, wd] = x.shape;
  const c = x.shape[3];
  const fm = tf.reshape<tf.Rank.R2>(tf.transpose(f, [3, 0, 1, 2]), [c, kh * kw * out]);
  const y = tf.fused.matMul({
    a: tf.reshape<tf.Rank.R2>(x, [n * h * wd, c]), b: fm, bias: tf.tile(b, [kh * kw]), activation: 'relu',
  });
  const grid = tf.transpose(tf.reshape(y, [n, h, wd, kh, kw, out]), [0, 1, 3, 2, 4, 5]);
  return tf.reshape<tf.Rank.R4>(grid, [n, h * kh, wd * kw, out]);
}

/** convs + deconv on RoI features [N, s, s, C] → [N, 2s, 2s, M], before the 1x1 predictor. */
function maskTower(feats: tf.Tensor4D, w: NetworkWeights, cfg: MaskConfig): tf.Tensor4D {
  let x = feats;
  for (let i = 1; i <= cfg.convs; i++) {
    const input = x;
    x = step(input, () => conv(input, w, `${MASK_HEAD}.mask_fcn${i}`, { pad: 1, relu: true }), input === feats);
  }
  const last = x;
  return step(last, () => deconv(last, w, `${MASK_PREDICTOR}.conv5_mask`), last === feats);
}

/**
 * The head on RoI features [N, s, s, C] → sigmoid masks [N, K, 2s, 2s] (NCHW); `feats` is disposed
 * here once the tower (convs + deconv) has run. Call inside tf.tidy.
 */
export function maskHeadOnFeatures(feats: tf.Tensor4D, w: NetworkWeights, cfg: MaskConfig): tf.Tensor4D {
  const x = step(feats, () => maskTower(feats, w, cfg));
  const masks = step(x, () => conv(x, w, `${MASK_PREDICTOR}.mask_fcn_logits`, { activation: 'sigmoid' }));
  return step(masks, () => tf.transpose(masks, [0, 3, 1, 2]));
}

/** p: P2..P5 (extra levels ignored); boxes [N, 4]. Returns sigmoid masks [N, K, 2s, 2s]. Call inside tf.tidy. */
export function maskHead(p: readonly tf.Tensor4D[], boxes: tf.Tensor2D, w: NetworkWeights,
  roi: RoiConfig, cfg: MaskConfig): tf.Tensor4D {
  return maskHeadOnFeatures(roiFeatures(p, boxes, roi, roi.maskOutputSize), w, cfg);
}
