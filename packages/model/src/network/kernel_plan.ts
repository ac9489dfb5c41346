/**
 * How the network's heaviest layers run on the current backend, and the prepared layers built for
 * that at construction (once, not per call) as explicit data (prepared_layers.ts):
 * - `winograd`: every 3x3 stride-1 convolution with at most `winogradMaxWeights` filter entries per
 *   tap (in·out) runs as Winograd through @mrcnn/engine's kernels: F(2x2, 3x3) from 16 transformed
 *   filters [in, out] on tfjs matMuls, or, with `packedGemm`, F(`winogradOutputTile` x
 *   `winogradOutputTile`, 3x3) from 16 / 36 filters packed for one batched PackedGemm (the FPN's and
 *   the RPN head's convs: `winogradPyramidOutputTile`, if set). res5's 512x512 convs are left direct: their maps are tiny (10x15) and the
 *   transformed filters would cost 50 MB for ~15 ms. Which convs are 3x3 stride 1 follows from the
 *   weight schema (`expectedWeightShapes`) and the backbone's strides (`stridedConvs`), nothing else.
 * - `denseColumnBlocks`: the box head's fc6 (12544 → 1024, the one dense layer large enough for it)
 *   as that many column blocks, concatenated: each block (6.4 MB at 8) stays in cache while XNNPACK
 *   streams the 1000 RoIs past it, instead of the whole 51 MB matrix streaming from memory for
 *   every row tile (1.7x faster on tfjs-wasm). 1 = one matMul. Not used where `packedGemm` packs fc6.
 * - `packedGemm`: every dense layer and every 1x1 conv but the mask predictor's (a fused sigmoid)
 *   runs on @mrcnn/engine's PackedGemm kernel, its weight packed here once (`packedLayers`).
 * Measured in benchmarks/README.md ("Levers"). Both change only the float32 summation order
 * (parity tolerances unchanged: test/parity).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  kernelPlanFor, packedGemmSupported, packedGemmWeights, winogradFilterValues, winogradPackedFilter, winogradPackedSupported,
  winogradSupported,
} from '@mrcnn/engine';
import type { BackendKernelPlan, PackedGemmWeights, WinogradFilters } from '@mrcnn/engine';
import { BOX_HEAD, expectedWeightShapes, FPN, MASK_PREDICTOR, RPN, type ModelConfig } from '@mrcnn/schema';
import { stridedConvs } from './backbone/resnet';
import type { DenseBlock, PreparedLayers } from './prepared_layers';

/**
 * How the heavy layers run: @mrcnn/engine's registry entry `kernelPlan` (winograd, winogradMaxWeights,
 * denseColumnBlocks — fc6 in that many column blocks, 1 = one matMul; must divide fc6's output size).
 */
export type KernelPlan = BackendKernelPlan;

/** The registered backend's plan (wasm: Winograd + fc6 in 8 blocks; cpu, webgl, unknown: tfjs's own ops). */
export function defaultKernelPlan(backend: string): KernelPlan {
  return kernelPlanFor(backend);
}

/** The dense layer `denseColumnBlocks` applies to. */
export const FC6 = `${BOX_HEAD}.fc6`;

interface Conv3x3 { readonly conv: string; readonly cin: number; readonly cout: number }

/** The network's 3x3 stride-1 convs, from the weight schema: every [3, 3, in, out] weight not strided. */
export function winogradConvs(config: ModelConfig): Conv3x3[] {
  const strided = stridedConvs(config.backbone);
  const out: Conv3x3[] = [];
  for (const [name, shape] of expectedWeightShapes(config)) {
    if (!name.endsWith('.weight') || shape.length !== 4 || shape[0] !== 3 || shape[1] !== 3) continue;
    const conv = name.slice(0, -'.weight'.length);
    if (!strided.has(conv)) out.push({ conv, cin: shape[2], cout: shape[3] });
  }
  return out;
}

/** The Winograd output tile of a packed conv: the FPN's and the RPN head's may differ from the rest. */
export function outputTileOf(conv: string, plan: KernelPlan): 2 | 4 {
  const tile = plan.winogradOutputTile ?? 2;
  return conv.startsWith(`${FPN}.`) || conv.startsWith(`${RPN}.`) ? plan.winogradPyramidOutputTile ?? tile : tile;
}

interface GemmLayer { readonly layer: string; readonly k: number; readonly n: number }

/** The 1x1 conv whose sigmoid stays fused in tfjs's conv2d (benchmarks/levers/README.md, "logits"). */
const SIGMOID_CONVS = new Set([`${MASK_PREDICTOR}.mask_fcn_logits`]);

/**
 * The layers `packedGemm` runs, from the weight schema: every dense [in, out] weight and every 1x1
 * conv [1, 1, in, out] but SIGMOID_CONVS.
 */
export function packedLayers(config: ModelConfig): GemmLayer[] {
  const out: GemmLayer[] = [];
  for (const [name, shape] of expectedWeightShapes(config)) {
    if (!name.endsWith('.weight')) continue;
    const layer = name.slice(0, -'.weight'.length);
    if (shape.length === 2) out.push({ layer, k: shape[0], n: shape[1] });
    else if (shape.length === 4 && shape[0] === 1 && shape[1] === 1 && !SIGMOID_CONVS.has(layer)) out.push({ layer, k: shape[2], n: shape[3] });
  }
  return out;
}

export interface Prepared {
  /** The prepared layers (new tensors, owned by the model). */
  readonly prepared: PreparedLayers;
  /** Names of the original weights the prepared layers replace (disposed already when `releaseReplaced`). */
  readonly replaced: readonly string[];
}

/**
 * Builds the plan's prepared layers from the originals' values on the host (`hostValues` where the
 * caller has them, else read back from the backend). `weights` must hold
 * the schema's shapes (MaskRCNN's constructor checks them first). With `releaseReplaced` (the model
 * owns its weights) each original is disposed before its replacements are created, so they reuse
 * its memory: a wasm heap never shrinks, and making copies first would raise its peak.
 */
export function prepareLayers(weights: tf.NamedTensorMap, config: ModelConfig, plan: KernelPlan,
  releaseReplaced = false, hostValues?: ReadonlyMap<string, Float32Array>): Prepared {
  const winograd = new Map<string, WinogradFilters>();
  const denseBlocks = new Map<string, DenseBlock[]>();
  const packed = new Map<string, PackedGemmWeights>();
  const replaced: string[] = [];
  /** The weight's values: the host copy when given, else read back (the cpu backend's own array serves as is). */
  const take = (name: string): Float32Array => {
    const t = weights[name];
    const host = hostValues?.get(name);
    const values = host !== undefined && host.length === t.size ? host : t.dataSync() as Float32Array;
    if (releaseReplaced) t.dispose();
    replaced.push(name);
    return values;
  };
  const packedWinograd = plan.packedGemm === true && winogradPackedSupported();
  if (plan.winograd && (packedWinograd || winogradSupported())) {
    for (const { conv, cin, cout } of winogradConvs(config)) {
      if (cin * cout > plan.winogradMaxWeights) continue;
      const g = take(`${conv}.weight`);
      winograd.set(conv, packedWinograd ? winogradPackedFilter(g, cin, cout, outputTileOf(conv, plan))
        : winogradFilterValues(g, cin, cout).map((u) => tf.tensor2d(u, [cin, cout])));
    }
  }
  if (plan.packedGemm === true && packedGemmSupported()) {
    for (const { layer, k, n } of packedLayers(config)) packed.set(layer, packedGemmWeights(take(`${layer}.weight`), k, n));
  }
  const [rows, cols] = weights[`${FC6}.weight`].shape as [number, number];
  const n = plan.denseColumnBlocks;
  if (n > 1 && cols % n === 0 && !packed.has(FC6)) {
    const width = cols / n;
    const bias = weights[`${FC6}.bias`].dataSync();
    const all = take(`${FC6}.weight`);
    const blocks: DenseBlock[] = [];
    for (let j = 0; j < n; j++) {
      const block = new Float32Array(rows * width);
      for (let r = 0; r < rows; r++) block.set(all.subarray(r * cols + j * width, r * cols + (j + 1) * width), r * width);
      blocks.push({ weight: tf.tensor2d(block, [rows, width]), bias: tf.tensor1d(bias.slice(j * width, (j + 1) * width) as Float32Array) });
    }
    denseBlocks.set(FC6, blocks);
  }
  return { prepared: { winograd, denseBlocks, packed }, replaced };
}
