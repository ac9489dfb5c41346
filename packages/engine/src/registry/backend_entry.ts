/**
 * The contract of a backend registry entry (in the spirit of onnxruntime-web's `registerBackend`):
 * everything the engine and the model need to know about one tfjs backend, so that no code spells
 * out backend names. The built-in entries are cpu_entry.ts, wasm_entry.ts, webgl_entry.ts and webgpu_entry.ts.
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import type { EnabledBackend, InitBackendOptions } from './enabled_backend';

/** Where a backend can run. */
export type BackendEnvironment = 'node' | 'browser';

/** What a backend can do, as the model, the CLI and the kernel suite ask it. */
export interface BackendCapabilities {
  /** Honours `threads` > 1 (computes on a thread pool). */
  readonly threads: boolean;
  /** Runs SIMD code (a SIMD binary where the runtime has it). */
  readonly simd: boolean;
  /** Keeps tensors in float textures (needs a float-renderable texture extension). */
  readonly floatTextures: boolean;
  /** Computes on a GPU. */
  readonly gpu: boolean;
  /** The environments `init` can succeed in; elsewhere it throws EngineBackendError. */
  readonly environments: readonly BackendEnvironment[];
}

/**
 * How the model's heaviest layers run on this backend (@mrcnn/model's kernel plan):
 * - `winograd`: 3x3 stride-1 convs with at most `winogradMaxWeights` filter entries per tap
 *   (in·out) run as Winograd F(2x2, 3x3) on this package's transform kernels;
 * - `denseColumnBlocks`: the large fully connected layer (fc6) as that many column blocks;
 * - `packedGemm` (absent: false): dense layers, 1x1 convs (bias, residual add and relu fused) and
 *   Winograd's products run on this package's PackedGemm kernel, on weights packed at load;
 * - `winogradOutputTile` (absent: 2; with `packedGemm` only): Winograd F(2x2, 3x3) or F(4x4, 3x3);
 * - `winogradPyramidOutputTile` (absent: `winogradOutputTile`): the same for the FPN's output convs
 *   and the RPN head's conv (256 → 256 on every pyramid level), where the wasm plan runs F(4x4)
 *   while the backbone and the mask head keep F(2x2) (benchmarks/levers/README.md, round 3).
 * Measured per backend in benchmarks/README.md ("Levers").
 */
export interface BackendKernelPlan {
  readonly winograd: boolean;
  readonly winogradMaxWeights: number;
  readonly denseColumnBlocks: number;
  readonly packedGemm?: boolean;
  readonly winogradOutputTile?: 2 | 4;
  readonly winogradPyramidOutputTile?: 2 | 4;
}

/** tfjs's own ops for every layer: the plan of a backend no lever was measured on. */
export const STOCK_KERNEL_PLAN: BackendKernelPlan = Object.freeze({
  winograd: false, winogradMaxWeights: 256 * 256, denseColumnBlocks: 1, packedGemm: false,
});

export interface BackendEntry<N extends string = string> {
  /** The tfjs backend name (`tf.getBackend()` once it runs). */
  readonly name: N;
  readonly capabilities: BackendCapabilities;
  readonly kernelPlan: BackendKernelPlan;
  /**
   * Loads the tfjs backend, registers this package's kernels for it (`registerKernels`), makes it
   * the global backend and reports what actually runs. A backend tfjs already created is reused
   * as it is. Bad options throw EngineArgumentError, a backend tfjs cannot set up EngineBackendError.
   */
  init(opts: InitBackendOptions): Promise<EnabledBackend<N>>;
  /** Registers this package's kernels for the backend (idempotent; switches nothing). */
  registerKernels(): Promise<void>;
  /**
   * Optional: overwrites the values of a tensor this backend holds, in place (same dtype and
   * length), where it keeps them in memory the host can write (cpu: a typed array; wasm: its heap).
   * Returns false when it cannot (`backend` is not this kind, or does not hold `tensor`). Absent on
   * backends whose tensors live on a device (webgl textures, webgpu buffers): callers make a new tensor instead.
   * Called through `overwriteTensor`, which validates the arguments.
   */
  writeInPlace?(backend: KernelBackend, tensor: TensorInfo, values: Float32Array | Int32Array): boolean;
}
