/**
 * The packed-GEMM weight layout and the reference GEMM in plain TypeScript (the cpu kernel, and
 * what csrc/gemm.c is tested against). Layout: B [k, n] row-major → ceil(n/8) panels, panel q =
 * columns 8q..8q+7 as [k][8], zero past n. Summation as csrc/gemm.c without FMA: in float32, from
 * the bias, one product at a time in k order, then + residual, then relu.
 */
import { PACKED_GEMM_PANEL } from '../../kernel_names';
import { packedGemmLength, PackedGemmGeometry } from '../../packed_gemm_attrs';

/** B [k, n] (row-major, e.g. a dense layer's [in, out] or a 1x1 filter's [in, out]) packed. */
export function packGemmWeights(b: Float32Array, k: number, n: number): Float32Array {
  if (b.length !== k * n) throw new RangeError(`packGemmWeights: ${b.length} values for [${k}, ${n}]`);
  const out = new Float32Array(packedGemmLength(k, n));
  let o = 0;
  for (let q = 0; q < n; q += PACKED_GEMM_PANEL) {
    const cols = Math.min(PACKED_GEMM_PANEL, n - q);
    for (let p = 0; p < k; p++, o += PACKED_GEMM_PANEL) out.set(b.subarray(p * n + q, p * n + q + cols), o);
  }
  return out;
}

/** B[p, j] of packed weights (batch entry offset `base`). */
function packedAt(packed: Float32Array, base: number, k: number, p: number, j: number): number {
  const panel = Math.floor(j / PACKED_GEMM_PANEL);
  return packed[base + (panel * k + p) * PACKED_GEMM_PANEL + (j % PACKED_GEMM_PANEL)];
}

export function packedGemmImpl(a: Float32Array, packed: Float32Array, g: PackedGemmGeometry, relu: boolean,
  bias?: Float32Array, residual?: Float32Array): Float32Array {
  const out = new Float32Array(g.batch * g.m * g.n);
  const hw = g.ho * g.wo;
  const f = Math.fround;
  for (let b = 0; b < g.batch; b++) {
    for (let i = 0; i < g.m; i++) {
      const img = Math.floor(i / hw);
      const rem = i - img * hw;
      const y = Math.floor(rem / g.wo);
      const row = b * g.aBatchStride + img * g.sb + y * g.sy + (rem - y * g.wo) * g.sx;
      for (let j = 0; j < g.n; j++) {
        let acc = bias ? bias[j] : 0;
        for (let p = 0; p < g.k; p++) acc = f(acc + f(a[row + p] * packedAt(packed, b * g.packedBatchStride, g.k, p, j)));
        const o = b * g.outBatchStride + i * g.n + j;
        if (residual) acc = f(acc + residual[o]);
        out[o] = relu && acc < 0 ? 0 : acc;
      }
    }
  }
  return out;
}
