/**
 * GEMM on weights packed once at load (the PackedGemm kernel: csrc/gemm.c on wasm, the TypeScript
 * reference on cpu): dense layers, 1x1 convolutions (any stride, read in place: no im2col) and
 * batches of GEMMs, with the bias, a residual add and relu fused into the GEMM's last K step.
 * On wasm it replaces tfjs's matMul / conv2d (XNNPACK) where it is faster
 * (benchmarks/levers/README.md): K blocked for the caches, its own threads, and the weights kept
 * once (XNNPACK keeps a second, packed copy of every weight it sees).
 * Inputs are borrowed; returned tensors belong to the caller.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineArgumentError } from '../errors';
import { PackedGemm } from '../kernel_names';
import { packGemmWeights } from '../kernels/cpu/packed_gemm_impl';
import { runEngineKernel } from './run_kernel';

/** B [k, n] packed (packGemmWeights), as a tensor the kernel reads: [P] or, for a batch, [G, P]. */
export interface PackedGemmWeights {
  readonly packed: tf.Tensor;
  readonly k: number;
  readonly n: number;
}

/** True when the backend (default: the current one) has the PackedGemm kernel. */
export function packedGemmSupported(backendName: string = tf.getBackend()): boolean {
  return tf.getKernel(PackedGemm, backendName) !== undefined;
}

/** Packs B [k, n] (row-major host values: a dense [in, out] or a 1x1 conv's [1, 1, in, out]) into a new tensor. */
export function packedGemmWeights(b: Float32Array, k: number, n: number): PackedGemmWeights {
  return { packed: tf.tensor1d(packGemmWeights(b, k, n)), k, n };
}

/** G matrices B_g [k, n] packed into one [G, P] tensor (a batched PackedGemm). */
export function packedGemmWeightsBatch(bs: readonly Float32Array[], k: number, n: number): PackedGemmWeights {
  const parts = bs.map((b) => packGemmWeights(b, k, n));
  const p = parts[0]?.length ?? 0;
  const all = new Float32Array(parts.length * p);
  parts.forEach((part, g) => all.set(part, g * p));
  return { packed: tf.tensor2d(all, [parts.length, p]), k, n };
}

export interface PackedGemmOptions {
  bias?: tf.Tensor1D;
  /** Added after the bias, before the activation; the output's shape. */
  residual?: tf.Tensor;
  activation?: 'linear' | 'relu';
  /** 1x1 convolution stride (x [N, H, W, K] only). */
  stride?: number;
}

/**
 * act(x · B + bias (+ residual)): x [M, K] → [M, n]; x [N, H, W, K] → [N, ceil(H/s), ceil(W/s), n]
 * (1x1 conv, stride s, no padding); x [G, M, K] with batched weights → [G, M, n].
 */
export function packedGemm<T extends tf.Tensor>(x: T, w: PackedGemmWeights, opts: PackedGemmOptions = {}): T {
  if (!(x instanceof tf.Tensor) || x.dtype !== 'float32') throw new EngineArgumentError('packedGemm: x must be a float32 tensor');
  if (x.shape[x.rank - 1] !== w.k) throw new EngineArgumentError(`packedGemm: x [${x.shape}] has ${x.shape[x.rank - 1]} columns, the weights take ${w.k}`);
  if (!packedGemmSupported()) throw new EngineArgumentError(`packedGemm: no PackedGemm kernel on backend '${tf.getBackend()}' (cpu and wasm have it)`);
  return runEngineKernel(PackedGemm, { a: x, packed: w.packed, bias: opts.bias, residual: opts.residual },
    { n: w.n, stride: opts.stride ?? 1, activation: opts.activation ?? 'linear' }) as T;
}
