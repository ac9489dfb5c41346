/**
 * Evaluation of the ONNX ops through which exporters route constant values to a weight layer:
 * Identity (torch.onnx's deduplicated initializers), Cast, Reshape / Flatten / Squeeze / Unsqueeze /
 * Transpose, elementwise Add / Sub / Mul / Div / Pow and Sqrt / Reciprocal / Neg (FrozenBatchNorm's
 * scale and shift exported without constant folding), DequantizeLinear (QDQ weights). Float results
 * are rounded to float32 after every op, as the runtime computes them. `evalConstOp` returns
 * undefined for any other op: its output is then data, not a constant.
 */
import { WeightsFormatError } from '../errors';
import { NamedTensor, numElements } from '../types';
import { broadcastShape, indexer } from '../util/elementwise';
import { floatToHalf, halfToFloat } from '../util/half';
import { dtypeName, onnxDType } from './dtypes';
import { NodeProto } from './schema';

export const CONST_OPS: ReadonlySet<string> = new Set([
  'Identity', 'Cast', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Transpose',
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Reciprocal', 'Neg', 'DequantizeLinear',
]);

type Values = Float32Array | Int32Array;

const BINARY: Record<string, (x: number, y: number) => number> = {
  Add: (x, y) => x + y, Sub: (x, y) => x - y, Mul: (x, y) => x * y, Div: (x, y) => x / y, Pow: (x, y) => x ** y,
};
const UNARY: Record<string, (x: number) => number> = { Sqrt: Math.sqrt, Reciprocal: (x) => 1 / x, Neg: (x) => -x };

/** Whether `n` can be evaluated when all its inputs are constants (op known, inputs present). */
export function isConstFoldable(n: NodeProto): boolean {
  const k = n.input.filter((i) => i !== '').length;
  if (!CONST_OPS.has(n.opType) || k === 0 || n.output.length !== 1) return false;
  if (n.opType === 'Reshape' || n.opType === 'DequantizeLinear') return k >= 2;
  if (BINARY[n.opType] !== undefined) return k === 2;
  return true;
}

function intAttr(n: NodeProto, name: string): number | undefined {
  const a = n.attribute.find((x) => x.name === name);
  return a === undefined ? undefined : Number(a.i);
}

function intsAttr(n: NodeProto, name: string): number[] | undefined {
  const a = n.attribute.find((x) => x.name === name);
  return a === undefined ? undefined : a.ints.map(Number);
}


export function evalConstOp(n: NodeProto, inputs: NamedTensor[], file: string): NamedTensor | undefined {
  const op = `${n.opType} ${n.name || n.output[0]}`;
  const err = (msg: string): WeightsFormatError => new WeightsFormatError(msg, { file, op, tensor: n.output[0] });
  const name = n.output[0];
  const x = inputs[0];
  if (x === undefined) return undefined;
  const like = (shape: number[], data: Values = x.data): NamedTensor => {
    if (numElements(shape) !== data.length) throw err(`shape [${shape}] does not hold the ${data.length} values of [${x.shape}]`);
    return { name, shape, dtype: data instanceof Float32Array ? 'float32' : 'int32', data };
  };
  const axesOf = (rank: number): number[] | undefined => {
    const axes = inputs[1] !== undefined ? Array.from(inputs[1].data) : intsAttr(n, 'axes');
    return axes?.map((a) => (a < 0 ? a + rank : a));
  };
  switch (n.opType) {
    case 'Identity': return { ...x, name };
    case 'Cast': return cast(x, intAttr(n, 'to') ?? 0, name, err);
    case 'Reshape': {
      if (inputs[1] === undefined) return undefined;
      const spec = Array.from(inputs[1].data);
      const allowZero = intAttr(n, 'allowzero') === 1;
      const shape = spec.map((d, i) => (d === 0 && !allowZero ? x.shape[i] : d));
      const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      if (shape.filter((d) => d === -1).length > 1 || shape.some((d) => d === undefined || d < -1) || (shape.includes(-1) && known > 0 && x.data.length % known !== 0)) {
        throw err(`cannot reshape [${x.shape}] to [${spec}]`);
      }
      return like(shape.map((d) => (d === -1 ? (known === 0 ? 0 : x.data.length / known) : d)));
    }
    case 'Flatten': {
      const r = x.shape.length;
      let axis = intAttr(n, 'axis') ?? 1;
      if (axis < 0) axis += r;
      if (axis < 0 || axis > r) throw err(`axis ${axis} is outside rank ${r}`);
      return like([numElements(x.shape.slice(0, axis)), numElements(x.shape.slice(axis))]);
    }
    case 'Squeeze': {
      const axes = axesOf(x.shape.length);
      if (axes !== undefined && axes.some((a) => x.shape[a] !== 1)) throw err(`cannot squeeze axes [${axes}] of [${x.shape}]`);
      return like(x.shape.filter((d, i) => (axes === undefined ? d !== 1 : !axes.includes(i))));
    }
    case 'Unsqueeze': {
      const r = x.shape.length + (axesOf(0)?.length ?? 0);
      const axes = axesOf(r);
      if (axes === undefined || axes.some((a) => a < 0 || a >= r)) throw err(`Unsqueeze axes are missing or outside rank ${r}`);
      const shape: number[] = [];
      for (let i = 0, j = 0; i < r; i++) shape.push(axes.includes(i) ? 1 : x.shape[j++]);
      return like(shape);
    }
    case 'Transpose': return transpose(x, intsAttr(n, 'perm'), name, err);
    case 'Sqrt': case 'Reciprocal': case 'Neg': {
      const f = UNARY[n.opType];
      return like(x.shape, x.data instanceof Float32Array ? x.data.map((v) => Math.fround(f(v))) : x.data.map((v) => f(v)));
    }
    case 'Add': case 'Sub': case 'Mul': case 'Div': case 'Pow': {
      if (inputs.length !== 2) return undefined;
      return binary(n.opType, x, inputs[1], name, err);
    }
    case 'DequantizeLinear': {
      const [q, scale, zero] = inputs;
      if (scale === undefined) return undefined;
      let axis = intAttr(n, 'axis') ?? 1;
      if (axis < 0) axis += q.shape.length;
      const per = (t: NamedTensor | undefined): NamedTensor | undefined => {
        if (t === undefined || t.shape.length === 0 || numElements(t.shape) === 1) return t === undefined ? undefined : { ...t, shape: [] };
        return { ...t, shape: q.shape.map((d, i) => (i === axis ? d : 1)) };
      };
      const shifted = zero === undefined ? q : binary('Sub', q, per(zero)!, name, err);
      return binary('Mul', { ...shifted, dtype: 'float32', data: Float32Array.from(shifted.data) }, per(scale)!, name, err);
    }
    default: return undefined;
  }
}

function binary(opType: string, a: NamedTensor, b: NamedTensor, name: string, err: (m: string) => WeightsFormatError): NamedTensor {
  const shape = broadcastShape(a.shape, b.shape);
  if (shape === undefined) throw err(`cannot broadcast [${a.shape}] with [${b.shape}]`);
  const f = BINARY[opType];
  const isFloat = a.data instanceof Float32Array || b.data instanceof Float32Array;
  const n = numElements(shape);
  const ia = indexer(a.shape, shape);
  const ib = indexer(b.shape, shape);
  if (isFloat) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = f(a.data[ia(i)], b.data[ib(i)]);
    return { name, shape, dtype: 'float32', data: out };
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = opType === 'Div' ? Math.trunc(a.data[ia(i)] / b.data[ib(i)]) : f(a.data[ia(i)], b.data[ib(i)]);
  return { name, shape, dtype: 'int32', data: out };
}

function cast(x: NamedTensor, to: number, name: string, err: (m: string) => WeightsFormatError): NamedTensor {
  const d = onnxDType(to);
  if (d === undefined || d.kind === undefined) throw err(`Cast to ${dtypeName(to)} cannot be converted to numbers`);
  const src = x.data;
  if (d.kind === 'float32') {
    const out = Float32Array.from(src);
    if (to === 10) for (let i = 0; i < out.length; i++) out[i] = halfToFloat(floatToHalf(out[i]));
    if (to === 16) {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < bits.length; i++) {
        const b = bits[i];
        bits[i] = ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) << 16; // round to nearest even
      }
    }
    return { name, shape: x.shape, dtype: 'float32', data: out };
  }
  const out = Int32Array.from(src, (v) => (to === 9 ? (v !== 0 ? 1 : 0) : Math.trunc(v)));
  return { name, shape: x.shape, dtype: 'int32', data: out };
}

function transpose(x: NamedTensor, permAttr: number[] | undefined, name: string, err: (m: string) => WeightsFormatError): NamedTensor {
  const r = x.shape.length;
  const perm = permAttr ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) throw err(`perm [${perm}] is not a permutation of rank ${r}`);
  const shape = perm.map((p) => x.shape[p]);
  const inStrides = new Array<number>(r).fill(1);
  for (let d = r - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1] * x.shape[d + 1];
  const n = x.data.length;
  const out = x.data instanceof Float32Array ? new Float32Array(n) : new Int32Array(n);
  const idx = new Array<number>(r).fill(0);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let d = 0; d < r; d++) src += idx[d] * inStrides[perm[d]];
    out[i] = x.data[src];
    for (let d = r - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
  }
  return { name, shape, dtype: x.dtype, data: out };
}
