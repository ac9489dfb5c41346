/**
 * Folds per-output-channel affine ops that follow a weight layer (Mul by s, Add c, an unfused
 * BatchNorm) into its weight and bias, the way Model Optimizer / constant folding would:
 * W'[o] = W[o]·s[o], b'[o] = b[o]·s[o] (then + c[o]). Float32 arithmetic.
 */
import { NamedTensor, numElements } from '../types';
import { ParamInfo } from './graph';

export function outChannels(p: ParamInfo): number {
  return p.kind === 'deconv' ? p.weight.shape[1] : p.weight.shape[0];
}

/**
 * The per-channel values of a constant broadcast against the layer's output (NCHW or [N,C]):
 * a scalar, or a shape whose only non-1 dim is the channel dim. Undefined when not per-channel.
 */
export function perChannel(c: NamedTensor, p: ParamInfo): Float32Array | undefined {
  if (!(c.data instanceof Float32Array)) return undefined;
  const outC = outChannels(p);
  const n = numElements(c.shape);
  if (n === 1) return new Float32Array(outC).fill(c.data[0]);
  if (n !== outC) return undefined;
  const rankOut = p.kind === 'fc' ? 2 : 4;
  const s = c.shape;
  if (s.length > rankOut) return undefined;
  const channelAxisFromEnd = rankOut - 1 - 1; // NCHW: C is 3rd from the end; [N,C]: last
  const axis = s.length - 1 - channelAxisFromEnd;
  if (axis < 0 || s[axis] !== outC) return undefined;
  return Float32Array.from(c.data);
}

function biasOf(p: ParamInfo): Float32Array {
  return p.bias === undefined ? new Float32Array(outChannels(p)) : Float32Array.from(p.bias.data);
}

export function scaleParam(p: ParamInfo, s: Float32Array): ParamInfo {
  const w = Float32Array.from(p.weight.data);
  const outC = outChannels(p);
  const sh = p.weight.shape;
  if (p.kind === 'deconv') {
    const inner = sh[2] * sh[3];
    for (let i = 0; i < sh[0]; i++) for (let o = 0; o < outC; o++) {
      const base = (i * outC + o) * inner;
      for (let k = 0; k < inner; k++) w[base + k] = Math.fround(w[base + k] * s[o]);
    }
  } else {
    const per = w.length / outC;
    for (let o = 0; o < outC; o++) for (let k = 0; k < per; k++) w[o * per + k] = Math.fround(w[o * per + k] * s[o]);
  }
  const b = biasOf(p);
  for (let o = 0; o < outC; o++) b[o] = Math.fround(b[o] * s[o]);
  return { ...p, weight: { ...p.weight, data: w }, bias: biasTensor(p, b) };
}

export function shiftParam(p: ParamInfo, c: Float32Array): ParamInfo {
  const b = biasOf(p);
  for (let o = 0; o < b.length; o++) b[o] = Math.fround(b[o] + c[o]);
  return { ...p, bias: biasTensor(p, b) };
}

/** BatchNorm(gamma, beta, mean, var, eps) as scale then shift. */
export function batchNormParam(p: ParamInfo, gamma: Float32Array, beta: Float32Array, mean: Float32Array, variance: Float32Array, eps: number): ParamInfo {
  const s = new Float32Array(gamma.length);
  const c = new Float32Array(gamma.length);
  for (let o = 0; o < s.length; o++) {
    s[o] = Math.fround(gamma[o] / Math.sqrt(variance[o] + eps));
    c[o] = Math.fround(beta[o] - mean[o] * s[o]);
  }
  return shiftParam(scaleParam(p, s), c);
}

function biasTensor(p: ParamInfo, b: Float32Array): NamedTensor {
  return { name: p.bias?.name ?? `${p.weight.name}:bias`, shape: [b.length], dtype: 'float32', data: b };
}
