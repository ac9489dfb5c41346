/**
 * The kernel suite's cases, run on whatever backend is current: the same functions serve jest in
 * Node (called directly) and the headless-Chromium page (browser/kernel_page.ts). Inputs and
 * outputs are plain arrays (JSON for the page); every tensor made here is disposed here, and each
 * result reports the tensor balance of the call (`leaked`, 0 when nothing is left behind).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  MultiLevelRoIAlignAttrs, WINOGRAD_POSITIONS, WinogradInputTransform, WinogradOutputTransform,
  winogradOutputTransformInputs,
} from '../kernel_names';
import { multiLevelRoIAlign } from '../ops/multi_level_roi_align';
import { runEngineKernel } from '../ops/run_kernel';

type Values = Float32Array | number[];

export interface RoIAlignCase {
  /** Names the feature maps: cases with the same key have the same levels (a page keeps them once). */
  levelsKey: string;
  levels: Array<{ shape: [number, number, number, number]; data: Values }>;
  rois: Values;
  numRois: number;
  attrs: MultiLevelRoIAlignAttrs;
}

export interface RoIAlignCaseResult { out: number[]; shape: number[]; leaked: number; ms: number }

export async function runRoIAlignCase(c: RoIAlignCase): Promise<RoIAlignCaseResult> {
  const before = tf.memory().numTensors;
  const feats = c.levels.map((l) => tf.tensor4d(l.data, l.shape));
  const rois = tf.tensor2d(c.rois, [c.numRois, 4]);
  const made: tf.Tensor[] = [...feats, rois];
  let result: Omit<RoIAlignCaseResult, 'leaked'>;
  try {
    const t0 = performance.now();
    const res = multiLevelRoIAlign(feats, rois, c.attrs);
    made.push(res);
    const data = await res.data();
    result = { out: Array.from(data), shape: res.shape, ms: performance.now() - t0 };
  } finally {
    tf.dispose(made);
  }
  return { ...result, leaked: tf.memory().numTensors - before };
}

/**
 * Both Winograd transform kernels on one input: the input transform of `x` (positions
 * firstPosition .. firstPosition + numPositions - 1) and the output transform of `products`
 * (16 matrices [T, C], e.g. the reference's input transform) + bias, relu.
 */
export interface WinogradCase {
  name: string;
  /** [N, H, W, C] */
  shape: [number, number, number, number];
  x: Values;
  firstPosition: number;
  numPositions: number;
  products: Values[];
  bias?: Values;
  relu: boolean;
}

export interface WinogradCaseResult {
  /** numPositions matrices [T, C] from the input transform. */
  transformed: number[][];
  transformedShapes: number[][];
  /** [N, H, W, C] from the output transform. */
  output: number[];
  outputShape: number[];
  leaked: number;
}

export async function runWinogradCase(c: WinogradCase): Promise<WinogradCaseResult> {
  const before = tf.memory().numTensors;
  const [n, h, w, ch] = c.shape;
  const tiles = n * Math.ceil(h / 2) * Math.ceil(w / 2);
  const x = tf.tensor4d(c.x, c.shape);
  const m = c.products.map((p) => tf.tensor2d(p, [tiles, ch]));
  const bias = c.bias === undefined ? undefined : tf.tensor1d(c.bias);
  const made: tf.Tensor[] = [x, ...m, ...(bias ? [bias] : [])];
  let result: Omit<WinogradCaseResult, 'leaked'>;
  try {
    if (m.length !== WINOGRAD_POSITIONS) throw new Error(`case ${c.name}: ${m.length} products, expected ${WINOGRAD_POSITIONS}`);
    const v = runEngineKernel(WinogradInputTransform, { x }, { firstPosition: c.firstPosition, numPositions: c.numPositions });
    made.push(...v);
    const out = runEngineKernel(WinogradOutputTransform, winogradOutputTransformInputs<tf.Tensor>(m, bias),
      { height: h, width: w, activation: c.relu ? 'relu' : 'linear' });
    made.push(out);
    result = {
      transformed: await Promise.all(v.map(async (t) => Array.from(await t.data()))),
      transformedShapes: v.map((t) => t.shape),
      output: Array.from(await out.data()),
      outputShape: out.shape,
    };
  } finally {
    tf.dispose(made);
  }
  return { ...result, leaked: tf.memory().numTensors - before };
}
