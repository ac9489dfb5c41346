/**
 * ResNet50 body (frozen BN folded into the convs): stem 7x7/2 + max pool 3x3/2, then four stages
 * of bottlenecks. Caffe/MSRA style (0049) puts a stage's stride 2 on the first 1x1 conv;
 * torchvision puts it on the 3x3. Returns C2..C5 (strides 4..32), NHWC.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BODY, type BackboneConfig } from '@mrcnn/schema';
import { conv, step } from '../layers';
import type { NetworkWeights } from '../prepared_layers';

export type BackboneFeatures = readonly [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];

interface BlockStrides { readonly conv1: number; readonly conv2: number; readonly downsample: number }

/**
 * Strides of block `i` of stage `stage` (0-based): stages 2..4 halve the size in their first block,
 * on the 1x1 conv1 (Caffe/MSRA, 0049) or on the 3x3 conv2 (torchvision); conv3 has stride 1.
 */
function blockStrides(cfg: BackboneConfig, stage: number, i: number): BlockStrides {
  const stride = stage > 0 && i === 0 ? 2 : 1;
  return { conv1: cfg.strideOn === '1x1' ? stride : 1, conv2: cfg.strideOn === '3x3' ? stride : 1, downsample: stride };
}

/**
 * Names of the body's convolutions with stride 2 (the stem's 7x7 and the strided convs of
 * `blockStrides`). Every other convolution of the network has stride 1 (kernel_plan.ts relies on it).
 */
export function stridedConvs(cfg: BackboneConfig): Set<string> {
  const out = new Set<string>([`${BODY}.conv1`]);
  cfg.blocks.forEach((n, stage) => {
    for (let i = 0; i < n; i++) {
      const s = blockStrides(cfg, stage, i);
      for (const conv of ['conv1', 'conv2', 'downsample'] as const) {
        if (s[conv] !== 1) out.add(`${BODY}.layer${stage + 1}.${i}.${conv === 'downsample' ? 'downsample.0' : conv}`);
      }
    }
  });
  return out;
}

/** relu(conv3(conv2(conv1(x))) + identity): the add and relu fused into conv3 (layers.ts `residual`). */
function bottleneck(x: tf.Tensor4D, w: NetworkWeights, name: string, s: BlockStrides, hasDownsample: boolean): tf.Tensor4D {
  const a = conv(x, w, `${name}.conv1`, { stride: s.conv1, relu: true });
  const b = step(a, () => conv(a, w, `${name}.conv2`, { stride: s.conv2, pad: 1, relu: true }));
  const identity = hasDownsample ? conv(x, w, `${name}.downsample.0`, { stride: s.downsample }) : x;
  return step(b, () => conv(b, w, `${name}.conv3`, { residual: identity, relu: true }));
}

/** Stem: conv1 7x7/2 pad 3 + relu, max pool 3x3/2 pad 1 (PyTorch's symmetric paddings). */
export function stem(x: tf.Tensor4D, w: NetworkWeights): tf.Tensor4D {
  const c1 = conv(x, w, `${BODY}.conv1`, { stride: 2, pad: 3, relu: true });
  return tf.maxPool(c1, 3, 2, 1);
}

/** x: [1, H, W, 3] normalised input (NHWC). Call inside tf.tidy. */
export function resnetBody(x: tf.Tensor4D, w: NetworkWeights, cfg: BackboneConfig): BackboneFeatures {
  let h = tf.tidy(() => stem(x, w));
  const outs: tf.Tensor4D[] = [];
  cfg.blocks.forEach((n, stage) => {
    for (let i = 0; i < n; i++) {
      const input = h;
      // Each block in its own tidy; its input is freed unless it is a stage output (C2..C5).
      h = step(input, () => bottleneck(input, w, `${BODY}.layer${stage + 1}.${i}`, blockStrides(cfg, stage, i), i === 0),
        outs.includes(input));
    }
    outs.push(h);
  });
  return [outs[0], outs[1], outs[2], outs[3]];
}
