/**
 * The same multi-level RoIAlign composed from stock tfjs ops, the baseline of the micro-benchmark:
 * level mapping with tf ops (one read-back of R level indices to split the RoIs), then per level
 * cropAndResize to the (size x samplingRatio)^2 sample grid followed by avgPool(samplingRatio),
 * and a gather back to the input RoI order. For RoIs inside the image and aligned = false it
 * samples exactly the points RoIAlign samples (Caffe2 geometry: RoI size clamped to >= 1 px).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MultiLevelRoIAlignAttrs } from '@mrcnn/engine';

export class StockCompositionError extends Error {
  constructor(message: string) {
    super(`stock RoIAlign composition: ${message}`);
    this.name = 'StockCompositionError';
  }
}

/** Level index per RoI, as tf ops: floor(c + log2(sqrt((w+o)(h+o)) / S + eps)) - first, clamped. */
function levelIndices(rois: tf.Tensor2D, a: MultiLevelRoIAlignAttrs, numLevels: number): tf.Tensor {
  return tf.tidy(() => {
    const [x1, y1, x2, y2] = tf.split(rois, 4, 1);
    const o = a.areaMode === 'legacyPlusOne' ? 1 : 0;
    const area = tf.mul(tf.relu(tf.add(tf.sub(x2, x1), o)), tf.relu(tf.add(tf.sub(y2, y1), o)));
    const log2 = tf.div(tf.log(tf.add(tf.div(tf.sqrt(area), a.canonicalScale), a.eps)), Math.LN2);
    const lvl = tf.sub(tf.floor(tf.add(log2, a.canonicalLevel)), a.firstLevel);
    return tf.reshape(tf.cast(tf.clipByValue(lvl, 0, numLevels - 1), 'int32'), [-1]);
  });
}

/** Normalised cropAndResize boxes (y1,x1,y2,x2) whose grid corners are RoIAlign's first/last sample points. */
function sampleGridBoxes(rois: tf.Tensor2D, scale: number, h: number, w: number, grid: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [x1, y1, x2, y2] = tf.split(tf.mul(rois, scale), 4, 1);
    const sx = tf.div(tf.maximum(tf.sub(x2, x1), 1), grid);
    const sy = tf.div(tf.maximum(tf.sub(y2, y1), 1), grid);
    const gx1 = tf.add(x1, tf.mul(sx, 0.5));
    const gy1 = tf.add(y1, tf.mul(sy, 0.5));
    const gx2 = tf.add(gx1, tf.mul(sx, grid - 1));
    const gy2 = tf.add(gy1, tf.mul(sy, grid - 1));
    const norm = (t: tf.Tensor, size: number): tf.Tensor2D => tf.div<tf.Tensor2D>(t, size - 1);
    return tf.concat([norm(gy1, h), norm(gx1, w), norm(gy2, h), norm(gx2, w)], 1);
  });
}

export function stockMultiLevelRoIAlign(features: readonly tf.Tensor4D[], rois: tf.Tensor2D, a: MultiLevelRoIAlignAttrs): tf.Tensor4D {
  if (a.aligned) throw new StockCompositionError('aligned = true is not modelled');
  const sr = a.samplingRatio;
  if (sr < 1) throw new StockCompositionError('adaptive samplingRatio (0) has no fixed grid');
  const grid = a.outputSize * sr;
  const levelOf = levelIndices(rois, a, features.length);
  const levels = levelOf.dataSync();
  levelOf.dispose();
  return tf.tidy(() => {
    const pieces: tf.Tensor4D[] = [];
    const order: number[] = [];
    features.forEach((f, li) => {
      const idx: number[] = [];
      levels.forEach((l, i) => { if (l === li) idx.push(i); });
      if (idx.length === 0) return;
      const sel = tf.gather(rois, idx);
      const boxes = sampleGridBoxes(sel, a.spatialScales[li], f.shape[1], f.shape[2], grid);
      const crops = tf.image.cropAndResize(f, boxes, tf.zeros([idx.length], 'int32'), [grid, grid], 'bilinear');
      pieces.push(tf.avgPool(crops, sr, sr, 'valid'));
      order.push(...idx);
    });
    const [size, c] = [a.outputSize, features[0].shape[3]];
    if (pieces.length === 0) return tf.zeros<tf.Rank.R4>([0, size, size, c]);
    const inverse = new Int32Array(order.length);
    order.forEach((roi, pos) => { inverse[roi] = pos; });
    return tf.gather(tf.concat(pieces, 0), Array.from(inverse));
  });
}
