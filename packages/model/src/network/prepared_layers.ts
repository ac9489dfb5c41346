/**
 * What the layer functions read (layers.ts): the weight map, and the kernel plan's prepared layers
 * as explicit data — built once by `prepareLayers` (kernel_plan.ts) and owned by the model that
 * built them. A layer runs the fast way exactly when its name is a key here; nothing is found by
 * probing the weight map for derived names.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { isPackedWinogradFilters } from '@mrcnn/engine';
import type { PackedGemmWeights, WinogradFilters } from '@mrcnn/engine';

/** One column block of a dense layer: weight [in, width], bias [width]. */
export interface DenseBlock {
  readonly weight: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
}

export interface PreparedLayers {
  /**
   * conv name (e.g. `rpn.head.conv`) → its Winograd-transformed filters: that 3x3 stride-1 conv runs
   * by Winograd (its `.weight` is then not read): 16 tensors [in, out] for F(2x2, 3x3) on tfjs
   * matMuls, or 16 / 36 packed for F(2x2) / F(4x4, 3x3) on one batched PackedGemm.
   */
  readonly winograd: ReadonlyMap<string, WinogradFilters>;
  /**
   * dense layer name (e.g. `roi_heads.box_head.fc6`) → its column blocks in order: the layer runs
   * as one matMul per block, concatenated (its `.weight` and `.bias` are then not read).
   */
  readonly denseBlocks: ReadonlyMap<string, readonly DenseBlock[]>;
  /**
   * dense layer or 1x1 conv name → its weight [in, out] packed for @mrcnn/engine's PackedGemm: the
   * layer runs as `packedGemm` (bias, residual and relu fused; its `.weight` is then not read).
   */
  readonly packed: ReadonlyMap<string, PackedGemmWeights>;
}

/** No layer prepared: every layer runs as tfjs's own conv2d / matMul on the weight map. */
export const NO_PREPARED_LAYERS: PreparedLayers = Object.freeze({ winograd: new Map(), denseBlocks: new Map(), packed: new Map() });

/** Every tensor of the prepared layers (to dispose them). */
export function preparedTensors(p: PreparedLayers): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (const filters of p.winograd.values()) out.push(...(isPackedWinogradFilters(filters) ? [filters.packed] : filters));
  for (const blocks of p.denseBlocks.values()) for (const b of blocks) out.push(b.weight, b.bias);
  for (const w of p.packed.values()) out.push(w.packed);
  return out;
}

/** The weights the layer functions receive. Borrowed by every layer; owned by the model. */
export interface NetworkWeights {
  /** The tfjs weight map (docs/CONVENTIONS.md §3); the originals a prepared layer replaced may be absent. */
  readonly tensors: tf.NamedTensorMap;
  readonly prepared: PreparedLayers;
}
