/**
 * RPN head shared by all levels: `convs` x (3x3 conv F→F + relu) (1; torchvision v2: 2),
 * 1x1 conv → A objectness logits, 1x1 conv → 4A deltas (channel = anchor·4 + k). NHWC outputs,
 * so a plain reshape flattens them in (y, x, anchor) order.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RPN, rpnConvName } from '@mrcnn/schema';
import { conv, step } from './layers';
import type { NetworkWeights } from './prepared_layers';

export interface RpnLevelOutput {
  /** [1, h, w, A] objectness logits. */
  readonly logits: tf.Tensor4D;
  /** [1, h, w, 4A] box deltas (dx, dy, dw, dh per anchor). */
  readonly deltas: tf.Tensor4D;
}

/** `convs`: the head's 3x3 conv count (RpnConfig.convs). Call inside tf.tidy. */
export function rpnHead(p: readonly tf.Tensor4D[], w: NetworkWeights, convs: number): RpnLevelOutput[] {
  return p.map((x) => {
    let t = conv(x, w, rpnConvName(0), { pad: 1, relu: true });
    for (let i = 1; i < convs; i++) {
      const input = t;
      t = step(input, () => conv(input, w, rpnConvName(i), { pad: 1, relu: true }));
    }
    return { logits: conv(t, w, `${RPN}.cls_logits`), deltas: conv(t, w, `${RPN}.bbox_pred`) };
  });
}
