/**
 * How the network's heaviest layers run on the current backend, and the weights derived for that
 * at construction (once, not per call):
 * - `winograd`: every 3x3 stride-1 convolution with at most `winogradMaxWeights` filter entries per
 *   tap (in·out) runs as Winograd F(2x2, 3x3) through @mrcnn/engine's kernels, from 16 transformed
 *   filters `${conv}.winograd{k}` [in, out]. res5's 512x512 convs are left direct: their maps are
 *   tiny (10x15) and the transformed filters would cost 50 MB for ~15 ms.
 * - `fc6Blocks`: fc6 (12544 → 1024) as that many column blocks `fc6.weight.block{j}`, concatenated:
 *   each block (6.4 MB at 8) stays in cache while XNNPACK streams the 1000 RoIs past it, instead of
 *   the whole 51 MB matrix streaming from memory for every row tile (1.7x faster on tfjs-wasm).
 * Measured in benchmarks/README.md ("Levers"). Both change only the float32 summation order
 * (parity tolerances unchanged: test/parity).
 */
import * as tf from '@tensorflow/tfjs-core';
import { winogradFilterValues, winogradSupported } from '@mrcnn/engine';
import { BODY, BOX_HEAD, FPN, MASK_HEAD, RPN, type ModelConfig } from '@mrcnn/schema';
import { blockName, winogradName } from './layers';

export interface KernelPlan {
  readonly winograd: boolean;
  /** Largest in·out of a 3x3 conv that runs by Winograd (default 256·256). */
  readonly winogradMaxWeights: number;
  /** fc6 in this many column blocks (1 = one matMul). Must divide fc6's output size. */
  readonly fc6Blocks: number;
}

/** wasm: both levers (they are what they were measured on); cpu and webgl: tfjs's own ops. */
export function defaultKernelPlan(backend: string): KernelPlan {
  return backend === 'wasm'
    ? { winograd: true, winogradMaxWeights: 256 * 256, fc6Blocks: 8 }
    : { winograd: false, winogradMaxWeights: 256 * 256, fc6Blocks: 1 };
}

export const FC6 = `${BOX_HEAD}.fc6`;

/** The 3x3 stride-1 pad-1 convs of the network (stride-2 3x3s of torchvision's first blocks excluded). */
function winogradConvs(weights: tf.NamedTensorMap, config: ModelConfig): string[] {
  const names: string[] = [];
  config.backbone.blocks.forEach((n, stage) => {
    for (let i = 0; i < n; i++) {
      if (config.backbone.strideOn === '3x3' && stage > 0 && i === 0) continue;
      names.push(`${BODY}.layer${stage + 1}.${i}.conv2`);
    }
  });
  for (let i = 0; i < 4; i++) names.push(`${FPN}.layer_blocks.${i}`);
  names.push(`${RPN}.conv`);
  for (let i = 1; i <= config.mask.convs; i++) names.push(`${MASK_HEAD}.mask_fcn${i}`);
  return names.filter((n) => weights[`${n}.weight`]?.shape[0] === 3);
}

export interface PlannedWeights {
  /** New tensors (owned by the model). */
  readonly derived: tf.NamedTensorMap;
  /** Original weights the derived ones replace (disposed already when `releaseReplaced`). */
  readonly replaced: readonly string[];
}

/**
 * Makes the plan's derived weights from the originals' values on the host. With `releaseReplaced`
 * (the model owns its weights) each original is disposed before its replacements are created, so
 * they reuse its memory: a wasm heap never shrinks, and making copies first would raise its peak.
 */
export function planWeights(weights: tf.NamedTensorMap, config: ModelConfig, plan: KernelPlan,
  releaseReplaced = false): PlannedWeights {
  const derived: tf.NamedTensorMap = {};
  const replaced: string[] = [];
  /** The weight's values (only read here, so the cpu backend's own array serves as is). */
  const take = (name: string): Float32Array => {
    const t = weights[name];
    const values = t.dataSync() as Float32Array;
    if (releaseReplaced) t.dispose();
    replaced.push(name);
    return values;
  };
  if (plan.winograd && winogradSupported()) {
    for (const conv of winogradConvs(weights, config)) {
      const [, , cin, cout] = weights[`${conv}.weight`].shape as [number, number, number, number];
      if (cin * cout > plan.winogradMaxWeights) continue;
      winogradFilterValues(take(`${conv}.weight`), cin, cout).forEach((u, k) => { derived[winogradName(conv, k)] = tf.tensor2d(u, [cin, cout]); });
    }
  }
  const w6 = weights[`${FC6}.weight`];
  const b6 = weights[`${FC6}.bias`];
  const [rows, cols] = (w6?.rank === 2 ? w6.shape : [0, 0]) as [number, number];
  if (plan.fc6Blocks > 1 && b6 && cols > 0 && cols % plan.fc6Blocks === 0) {
    const width = cols / plan.fc6Blocks;
    const bias = b6.dataSync();
    const all = take(`${FC6}.weight`);
    for (let j = 0; j < plan.fc6Blocks; j++) {
      const block = new Float32Array(rows * width);
      for (let r = 0; r < rows; r++) block.set(all.subarray(r * cols + j * width, r * cols + (j + 1) * width), r * width);
      derived[blockName(`${FC6}.weight`, j)] = tf.tensor2d(block, [rows, width]);
      derived[blockName(`${FC6}.bias`, j)] = tf.tensor1d(bias.slice(j * width, (j + 1) * width) as Float32Array);
    }
  }
  return { derived, replaced };
}
