/**
 * Feature pyramid: lateral 1x1 convs (`inner_blocks`), top-down nearest x2 upsampling + add,
 * 3x3 output convs (`layer_blocks`) → P2..P5; P6 = max pool kernel 1, stride 2 of P5 (RPN only).
 */
import * as tf from '@tensorflow/tfjs-core';
import { FPN } from '@mrcnn/schema';
import type { BackboneFeatures } from './backbone/resnet';
import { conv } from './layers';
import type { NetworkWeights } from './prepared_layers';

export type PyramidFeatures = readonly [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];

/** Nearest-neighbour x2 upsampling to `size` (exact 2x for inputs padded to a multiple of 32). */
function upsampleTo(x: tf.Tensor4D, size: readonly [number, number]): tf.Tensor4D {
  return tf.image.resizeNearestNeighbor(x, [size[0], size[1]]);
}

/** c: C2..C5 (NHWC). Returns P2..P6. Call inside tf.tidy. */
export function fpn(c: BackboneFeatures, w: NetworkWeights): PyramidFeatures {
  const p: tf.Tensor4D[] = new Array<tf.Tensor4D>(4);
  let inner = conv(c[3], w, `${FPN}.inner_blocks.3`);
  p[3] = conv(inner, w, `${FPN}.layer_blocks.3`, { pad: 1 });
  for (let i = 2; i >= 0; i--) {
    // lateral 1x1 conv + the upsampled coarser level, the add fused into the conv (layers.ts `residual`)
    inner = conv(c[i], w, `${FPN}.inner_blocks.${i}`, { residual: upsampleTo(inner, [c[i].shape[1], c[i].shape[2]]) });
    p[i] = conv(inner, w, `${FPN}.layer_blocks.${i}`, { pad: 1 });
  }
  const p6 = tf.maxPool(p[3], 1, 2, 'valid');
  return [p[0], p[1], p[2], p[3], p6];
}
