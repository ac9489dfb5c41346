/**
 * RPN head shared by all levels: 3x3 conv F→F + relu, 1x1 conv → A objectness logits,
 * 1x1 conv → 4A deltas (channel = anchor·4 + k). NHWC outputs, so a plain reshape flattens them
 * in (y, x, anchor) order.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RPN } from '@mrcnn/schema';
import { conv } from './layers';
import type { NetworkWeights } from './prepared_layers';

export interface RpnLevelOutput {
  /** [1, h, w, A] objectness logits. */
  readonly logits: tf.Tensor4D;
  /** [1, h, w, 4A] box deltas (dx, dy, dw, dh per anchor). */
  readonly deltas: tf.Tensor4D;
}

/** Call inside tf.tidy. */
export function rpnHead(p: readonly tf.Tensor4D[], w: NetworkWeights): RpnLevelOutput[] {
  return p.map((x) => {
    const t = conv(x, w, `${RPN}.conv`, { pad: 1, relu: true });
    return { logits: conv(t, w, `${RPN}.cls_logits`), deltas: conv(t, w, `${RPN}.bbox_pred`) };
  });
}
