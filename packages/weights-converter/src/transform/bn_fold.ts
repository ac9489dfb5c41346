/**
 * Folds an inference-mode BatchNorm into the preceding conv:
 *   s = gamma / sqrt(var + eps);  W'[o] = W[o] * s[o];  b'[o] = (b[o] - mean[o]) * s[o] + beta[o]
 * computed in float64 and rounded once to float32.
 */
export interface BnParams {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
}

export interface FoldedConv {
  weight: Float32Array;
  bias: Float32Array;
}

/** `weight` is OIHW (any trailing dims): out channel = leading index. `bias` may be absent. */
export function foldBatchNorm(weight: Float32Array, bias: Float32Array | undefined, bn: BnParams, eps: number): FoldedConv {
  const outC = bn.gamma.length;
  const per = weight.length / outC;
  const w = new Float32Array(weight.length);
  const b = new Float32Array(outC);
  for (let o = 0; o < outC; o++) {
    const s = bn.gamma[o] / Math.sqrt(bn.variance[o] + eps);
    const base = o * per;
    for (let k = 0; k < per; k++) w[base + k] = weight[base + k] * s;
    const b0 = bias === undefined ? 0 : bias[o];
    b[o] = (b0 - bn.mean[o]) * s + bn.beta[o];
  }
  return { weight: w, bias: b };
}
