/**
 * Box decoding and clipping as tfjs ops.
 * Legacy (Detectron/segmentoly, `plusOne`): w = x2 − x1 + 1, cx = x1 + 0.5·w,
 *   x1' = w·(dx − e/2) + cx, x2' = w·(dx − e/2 + e) + cx − 1 with e = exp(min(dw, clamp));
 *   clip x to [0, W − 1], y to [0, H − 1]. The arithmetic order follows the oracle (tools/oracle/boxes.py).
 * torchvision: w = x2 − x1, the same without the −1, clip to [0, W], [0, H].
 * Deltas are divided by `weights` (wx, wy, ww, wh) first.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Quad } from '../config';

export interface BoxCoding {
  readonly weights: Quad;
  readonly clampLogWh: number;
  readonly plusOne: boolean;
}

/** boxes [N, 4], deltas [N, 4·C] → [N, 4·C] decoded boxes (class-specific when C > 1). */
export function decodeBoxes(boxes: tf.Tensor2D, deltas: tf.Tensor2D, coding: BoxCoding): tf.Tensor2D {
  return tf.tidy(() => {
    const n = deltas.shape[0];
    const c = deltas.shape[1] / 4;
    const d = tf.reshape(deltas, [n, c, 4]);
    const [wx, wy, ww, wh] = coding.weights;
    const [d0, d1, d2, d3] = tf.split(d, 4, 2);
    const dx = tf.div(d0, wx);
    const dy = tf.div(d1, wy);
    const dw = tf.minimum(tf.div(d2, ww), coding.clampLogWh);
    const dh = tf.minimum(tf.div(d3, wh), coding.clampLogWh);
    const ew = tf.mul(tf.exp(dw), 0.5);
    const eh = tf.mul(tf.exp(dh), 0.5);
    const dx0 = tf.sub(dx, ew);
    const dy0 = tf.sub(dy, eh);
    const dx1 = tf.add(tf.mul(ew, 2), dx0);
    const dy1 = tf.add(tf.mul(eh, 2), dy0);
    const b = tf.reshape(boxes, [n, 1, 4]);
    const [x0, y0, x1, y1] = tf.split(b, 4, 2);
    const o = coding.plusOne ? 1 : 0;
    const w = tf.add(tf.sub(x1, x0), o);
    const h = tf.add(tf.sub(y1, y0), o);
    const cx = tf.add(x0, tf.mul(w, 0.5));
    const cy = tf.add(y0, tf.mul(h, 0.5));
    const ox1 = tf.add(tf.mul(w, dx0), cx);
    const oy1 = tf.add(tf.mul(h, dy0), cy);
    const ox2 = tf.sub(tf.add(tf.mul(w, dx1), cx), o);
    const oy2 = tf.sub(tf.add(tf.mul(h, dy1), cy), o);
    return tf.reshape(tf.concat([ox1, oy1, ox2, oy2], 2), [n, c * 4]);
  });
}

/** Clips [N, 4·C] boxes to the image (height, width); legacy mode clips to W − 1 / H − 1. */
export function clipBoxes(boxes: tf.Tensor2D, height: number, width: number, plusOne: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const n = boxes.shape[0];
    const c = boxes.shape[1] / 4;
    const o = plusOne ? 1 : 0;
    const b = tf.reshape(boxes, [n, c, 2, 2]);
    const hi = tf.tensor1d([width - o, height - o]);
    return tf.reshape(tf.maximum(tf.minimum(b, hi), 0), [n, c * 4]);
  });
}
