/**
 * Constants of an IR: `Const` layers decoded from the `.bin` (every offset/size checked against
 * the file and the shape), and constant subgraphs folded the way the runtime would before
 * inference: Convert (f16/i8/u8 -> f32, FP16 IRs and compressed weights) and the elementwise
 * Multiply/Subtract/Add/Divide of decompression (INT8 weights · scale − zero point), and
 * FakeQuantize on constant weights (INT8 IRs), evaluated with the opset1 formula.
 */
import { WeightsFormatError } from '../errors';
import { NamedTensor, numElements } from '../types';
import { copyBytes } from '../util/bytes';
import { broadcastShape, indexer } from '../util/elementwise';
import { halfArrayToFloat32 } from '../util/half';
import { IrLayer } from './xml';

const ELEMENT: Record<string, { bytes: number; read: (b: Uint8Array, n: number) => Float32Array | Int32Array }> = {
  f32: { bytes: 4, read: (b) => new Float32Array(b.buffer) },
  f16: { bytes: 2, read: (b) => halfArrayToFloat32(new Uint16Array(b.buffer)) },
  i64: { bytes: 8, read: (b) => Int32Array.from(new BigInt64Array(b.buffer), (v) => Number(BigInt.asIntN(32, v))) },
  i32: { bytes: 4, read: (b) => new Int32Array(b.buffer) },
  i8: { bytes: 1, read: (b) => Float32Array.from(new Int8Array(b.buffer)) },
  u8: { bytes: 1, read: (b) => Float32Array.from(b) },
};

export function parseShape(s: string | undefined, layer: IrLayer, file: string): number[] {
  if (s === undefined || s.trim() === '') return [];
  const dims = s.split(',').map((x) => Number(x.trim()));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new WeightsFormatError(`shape "${s}" is not a list of sizes`, { file, op: `${layer.type} ${layer.name}` });
  return dims;
}

export function decodeConst(layer: IrLayer, bin: Uint8Array, file: string): NamedTensor {
  const op = `Const ${layer.name} (id ${layer.id})`;
  const et = layer.data.element_type;
  const el = ELEMENT[et];
  if (el === undefined) throw new WeightsFormatError(`Const element_type ${et} is not supported`, { file, op });
  const shape = parseShape(layer.data.shape, layer, file);
  const offset = Number(layer.data.offset);
  const size = Number(layer.data.size);
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(size) || size < 0) {
    throw new WeightsFormatError(`offset ${layer.data.offset} / size ${layer.data.size} are not byte counts`, { file, op });
  }
  const n = numElements(shape);
  if (size !== n * el.bytes) throw new WeightsFormatError(`size ${size} bytes, shape [${shape}] of ${et} needs ${n * el.bytes}`, { file, op });
  if (offset + size > bin.length) throw new WeightsFormatError(`data [${offset}, ${offset + size}) lies past the end of the .bin (${bin.length} bytes)`, { file, op });
  const data = el.read(copyBytes(bin, offset, size), n);
  return { name: `${layer.name}@${offset}`, shape, dtype: data instanceof Float32Array ? 'float32' : 'int32', data };
}

const BINARY: Record<string, (x: number, y: number) => number> = {
  Multiply: (x, y) => Math.fround(x * y), Subtract: (x, y) => Math.fround(x - y), Add: (x, y) => Math.fround(x + y), Divide: (x, y) => Math.fround(x / y),
};

/** Folds `layer` when all its inputs are constants; undefined when it is not a foldable op. */
export function foldConstant(layer: IrLayer, inputs: NamedTensor[], file: string): NamedTensor | undefined {
  const name = `${layer.type}:${layer.name}`;
  if (layer.type === 'Convert' && inputs.length === 1) {
    const t = inputs[0];
    const dst = layer.data.destination_type;
    if (dst === 'f32' || dst === 'f16') return { name, shape: t.shape, dtype: 'float32', data: Float32Array.from(t.data) };
    return undefined;
  }
  if (layer.type === 'FakeQuantize' && inputs.length === 5) return fakeQuantize(layer, inputs, name, file);
  const f = BINARY[layer.type];
  if (f === undefined || inputs.length !== 2) return undefined;
  const [a, b] = inputs;
  const shape = broadcastShape(a.shape, b.shape);
  if (shape === undefined) throw new WeightsFormatError(`cannot broadcast [${a.shape}] with [${b.shape}]`, { file, op: `${layer.type} ${layer.name}` });
  const n = numElements(shape);
  const ia = indexer(a.shape, shape);
  const ib = indexer(b.shape, shape);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f(a.data[ia(i)], b.data[ib(i)]);
  return { name, shape, dtype: 'float32', data: out };
}

/** opset1 FakeQuantize of a constant: x, input_low, input_high, output_low, output_high (numpy broadcast). */
function fakeQuantize(layer: IrLayer, inputs: NamedTensor[], name: string, file: string): NamedTensor {
  const levels = Number(layer.data.levels);
  const op = `${layer.type} ${layer.name}`;
  if (!Number.isInteger(levels) || levels < 2) throw new WeightsFormatError(`levels ${layer.data.levels} is not an integer >= 2`, { file, op });
  let shape = inputs[0].shape;
  for (const t of inputs.slice(1)) {
    const b = broadcastShape(shape, t.shape);
    if (b === undefined) throw new WeightsFormatError(`cannot broadcast [${shape}] with [${t.shape}]`, { file, op });
    shape = b;
  }
  const idx = inputs.map((t) => indexer(t.shape, shape));
  const n = numElements(shape);
  const out = new Float32Array(n);
  const [x, il, ih, ol, oh] = inputs.map((t) => t.data);
  for (let i = 0; i < n; i++) {
    const v = x[idx[0](i)]; const lo = il[idx[1](i)]; const hi = ih[idx[2](i)];
    const olo = ol[idx[3](i)]; const ohi = oh[idx[4](i)];
    if (v <= Math.min(lo, hi)) out[i] = olo;
    else if (v > Math.max(lo, hi)) out[i] = ohi;
    else out[i] = Math.fround((Math.round(((v - lo) / (hi - lo)) * (levels - 1)) / (levels - 1)) * (ohi - olo) + olo);
  }
  return { name, shape, dtype: 'float32', data: out };
}
