/**
 * ResNet50 body (frozen BN folded into the convs): stem 7x7/2 + max pool 3x3/2, then four stages
 * of bottlenecks. Caffe/MSRA style (0049) puts a stage's stride 2 on the first 1x1 conv;
 * torchvision puts it on the 3x3. Returns C2..C5 (strides 4..32), NHWC.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BODY, type BackboneConfig } from '@mrcnn/schema';
import { conv, step } from '../layers';

export type BackboneFeatures = readonly [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];

function bottleneck(x: tf.Tensor4D, w: tf.NamedTensorMap, name: string, stride: number,
  strideOn: BackboneConfig['strideOn'], hasDownsample: boolean): tf.Tensor4D {
  const s1 = strideOn === '1x1' ? stride : 1;
  const s3 = strideOn === '3x3' ? stride : 1;
  const a = conv(x, w, `${name}.conv1`, { stride: s1, relu: true });
  const b = step(a, () => conv(a, w, `${name}.conv2`, { stride: s3, pad: 1, relu: true }));
  const c = step(b, () => conv(b, w, `${name}.conv3`));
  const identity = hasDownsample ? conv(x, w, `${name}.downsample.0`, { stride }) : x;
  return step(c, () => tf.relu(tf.add<tf.Tensor4D>(c, identity)));
}

/** Stem: conv1 7x7/2 pad 3 + relu, max pool 3x3/2 pad 1 (PyTorch's symmetric paddings). */
export function stem(x: tf.Tensor4D, w: tf.NamedTensorMap): tf.Tensor4D {
  const c1 = conv(x, w, `${BODY}.conv1`, { stride: 2, pad: 3, relu: true });
  return tf.maxPool(c1, 3, 2, 1);
}

/** x: [1, H, W, 3] normalised input (NHWC). Call inside tf.tidy. */
export function resnetBody(x: tf.Tensor4D, w: tf.NamedTensorMap, cfg: BackboneConfig): BackboneFeatures {
  let h = tf.tidy(() => stem(x, w));
  const outs: tf.Tensor4D[] = [];
  cfg.blocks.forEach((n, stage) => {
    const stride = stage === 0 ? 1 : 2;
    for (let i = 0; i < n; i++) {
      const input = h;
      // Each block in its own tidy; its input is freed unless it is a stage output (C2..C5).
      h = step(input, () => bottleneck(input, w, `${BODY}.layer${stage + 1}.${i}`, i === 0 ? stride : 1, cfg.strideOn, i === 0),
        outs.includes(input));
    }
    outs.push(h);
  });
  return [outs[0], outs[1], outs[2], outs[3]];
}
