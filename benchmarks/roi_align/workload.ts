/**
 * The RoIAlign micro-benchmark workload: FPN maps P2..P5 of a 320x480 input with C = 256 and
 * RoIs inside the image (log-uniform sizes 8..400 px, so every level is used), as the box head
 * (1000 RoIs, 7x7) and the mask head (100 RoIs, 14x14) of 0049 see them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_ROI_ALIGN_0049, MultiLevelRoIAlignAttrs } from '@mrcnn/engine';
import { prng } from '@mrcnn/weights-converter/internal';

export const IMAGE_H = 320;
export const IMAGE_W = 480;
export const STRIDES = [4, 8, 16, 32] as const;

export interface RoiAlignCase {
  name: string;
  numRois: number;
  attrs: MultiLevelRoIAlignAttrs;
}

export function benchCases(channels: number): { channels: number; cases: RoiAlignCase[] } {
  return {
    channels,
    cases: [
      { name: `box ${1000} RoIs 7x7`, numRois: 1000, attrs: { ...DEFAULT_ROI_ALIGN_0049, outputSize: 7 } },
      { name: `mask ${100} RoIs 14x14`, numRois: 100, attrs: { ...DEFAULT_ROI_ALIGN_0049, outputSize: 14 } },
    ],
  };
}

/**
 * R RoIs x1,y1,x2,y2 inside [0, W - 32] x [0, H - 32] (so every sample point lies inside every
 * level's pixel grid, where cropAndResize and RoIAlign interpolate alike), sizes log-uniform 8..400 px.
 */
export function benchRois(count: number, seed: number): Float32Array {
  const r = prng(seed); // deterministic, so every backend sees the same RoIs
  const out = new Float32Array(count * 4);
  const logSize = (): number => Math.exp(Math.log(8) + r() * (Math.log(400) - Math.log(8)));
  const maxX = IMAGE_W - STRIDES[STRIDES.length - 1];
  const maxY = IMAGE_H - STRIDES[STRIDES.length - 1];
  for (let i = 0; i < count; i++) {
    const w = Math.min(logSize(), maxX);
    const h = Math.min(logSize(), maxY);
    const x1 = r() * (maxX - w);
    const y1 = r() * (maxY - h);
    out.set([x1, y1, x1 + w, y1 + h], 4 * i);
  }
  return out;
}

/** P2..P5 NHWC on the current backend, uniform in [-1, 1). */
export function benchFeatures(channels: number, seed: number): tf.Tensor4D[] {
  return STRIDES.map((s, i) => tf.randomUniform([1, IMAGE_H / s, IMAGE_W / s, channels], -1, 1, 'float32', seed + i));
}
