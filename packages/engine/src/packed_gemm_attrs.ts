/**
 * The PackedGemm kernel's attributes and geometry as every backend reads them: which of its three
 * forms `a` takes (dense [M, K], 1x1 convolution [N, H, W, K], batch [G, M, K]), the output shape,
 * and how row i of the GEMM's left matrix is found in `a` (the addressing csrc/gemm.c uses).
 */
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { EngineArgumentError } from './errors';
import { PACKED_GEMM_PANEL, PackedGemm } from './kernel_names';
import type { PackedGemmAttrs } from './kernel_names';

/** Floats of B [k, n] once packed: ceil(n / 8) panels of [k][8]. */
export function packedGemmLength(k: number, n: number): number {
  return Math.ceil(n / PACKED_GEMM_PANEL) * PACKED_GEMM_PANEL * k;
}

export interface PackedGemmGeometry {
  /** GEMMs in the call (G; 1 unless `a` is [G, M, K]). */
  batch: number;
  m: number;
  k: number;
  n: number;
  outShape: number[];
  /**
   * Row i of A, in floats from the start of its batch entry:
   * floor(i / (ho·wo))·sb + floor((i mod ho·wo) / wo)·sy + (i mod wo)·sx.
   */
  wo: number;
  ho: number;
  sx: number;
  sy: number;
  sb: number;
  /** Floats between batch entries of a, packed and the output. */
  aBatchStride: number;
  packedBatchStride: number;
  outBatchStride: number;
}

export function resolvePackedGemmAttrs(attrs: NamedAttrMap): PackedGemmAttrs {
  const { n, stride = 1, activation = 'linear' } = attrs;
  const act = activation === 'relu' ? 'relu' : activation === 'linear' ? 'linear' : undefined;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || typeof stride !== 'number' || !Number.isInteger(stride)
    || stride < 1 || act === undefined) {
    throw new EngineArgumentError(`${PackedGemm}: bad attrs ${JSON.stringify(attrs)} (n, stride: integers >= 1; activation: 'linear' | 'relu')`);
  }
  return { n, stride, activation: act };
}

function fail(message: string): never {
  throw new EngineArgumentError(`${PackedGemm}: ${message}`);
}

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** Checks the inputs' shapes against each other and the attrs; the call's geometry. */
export function packedGemmGeometry(aShape: readonly number[], packedShape: readonly number[], attrs: PackedGemmAttrs,
  biasShape?: readonly number[], residualShape?: readonly number[]): PackedGemmGeometry {
  const { n, stride } = attrs;
  if (stride !== 1 && aShape.length !== 4) fail(`stride ${stride} needs a [N, H, W, K] input, got [${aShape}]`);
  let g: PackedGemmGeometry;
  if (aShape.length === 2) {
    const [m, k] = aShape;
    g = { batch: 1, m, k, n, outShape: [m, n], wo: Math.max(m, 1), ho: 1, sx: k, sy: 0, sb: 0, aBatchStride: 0, packedBatchStride: 0, outBatchStride: 0 };
  } else if (aShape.length === 4) {
    const [b, h, w, k] = aShape;
    const ho = Math.ceil(h / stride);
    const wo = Math.ceil(w / stride);
    g = { batch: 1, m: b * ho * wo, k, n, outShape: [b, ho, wo, n], wo: Math.max(wo, 1), ho: Math.max(ho, 1), sx: stride * k,
      sy: stride * w * k, sb: h * w * k, aBatchStride: 0, packedBatchStride: 0, outBatchStride: 0 };
  } else if (aShape.length === 3) {
    const [batch, m, k] = aShape;
    g = { batch, m, k, n, outShape: [batch, m, n], wo: Math.max(m, 1), ho: 1, sx: k, sy: 0, sb: 0, aBatchStride: m * k,
      packedBatchStride: packedGemmLength(k, n), outBatchStride: m * n };
  } else {
    fail(`a must be [M, K], [N, H, W, K] or [G, M, K], got [${aShape}]`);
  }
  if (g.k < 1) fail(`a must have K >= 1 columns, got [${aShape}]`);
  const p = packedGemmLength(g.k, n);
  const expectPacked = g.batch === 1 && aShape.length !== 3 ? [[p], [1, p]] : [[g.batch, p]];
  if (!expectPacked.some((s) => same(s, packedShape))) {
    fail(`packed must be ${expectPacked.map((s) => `[${s}]`).join(' or ')} for a [${aShape}] and n = ${n}, got [${packedShape}]`);
  }
  if (biasShape !== undefined && !same(biasShape, [n])) fail(`bias must be [${n}], got [${biasShape}]`);
  if (residualShape !== undefined && aShape.length === 3) fail('residual is for [M, K] and [N, H, W, K] inputs only');
  if (residualShape !== undefined && !same(residualShape, g.outShape)) fail(`residual must be [${g.outShape}], got [${residualShape}]`);
  return g;
}
