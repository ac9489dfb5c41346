/**
 * Constant values of ONNX graphs: every TensorProto data type decoded (or refused by name) only when a
 * weight needs it, and the ops exporters route weights through (const_ops.ts) evaluated like the
 * runtime. Files: the real exporters' (test/fixtures/converter/zoo), rewritten in place where a test
 * needs a data type torch does not write.
 */
import * as path from 'path';
import * as zlib from 'zlib';
import { toTfjsWeightMap } from '../transform';
import { NamedTensor } from '../types';
import { floatToHalf } from '../util/half';
import { fixture, readBytes } from '../../../../test/helpers/converter_fixtures';
import { evalConstOp } from './const_ops';
import { decodeRaw, onnxDType } from './dtypes';
import { readOnnx } from './read';
import { NodeProto, onnxModelType, TensorProto } from './schema';

const gunzip = (file: string): Uint8Array => new Uint8Array(zlib.gunzipSync(readBytes(file)));
const zooBytes = (name: string): Uint8Array => gunzip(fixture(path.join('zoo', name)));

const f32 = (shape: number[], v: number[]): NamedTensor => ({ name: 'x', shape, dtype: 'float32', data: Float32Array.from(v) });
const i32 = (shape: number[], v: number[]): NamedTensor => ({ name: 's', shape, dtype: 'int32', data: Int32Array.from(v) });
const node = (opType: string, attribute: Partial<NodeProto['attribute'][number]>[] = []): NodeProto => ({
  input: ['a', 'b', 'c'], output: ['y'], name: `${opType}_1`, opType, domain: '',
  attribute: attribute.map((a) => ({ name: '', f: 0, i: 0, s: new Uint8Array(0), ints: [], floats: [], type: 0, ...a })),
});

describe('ONNX data types', () => {
  const raw = (code: number, bytes: number[], n: number): number[] => Array.from(decodeRaw(onnxDType(code)!, Uint8Array.from(bytes), n));
  it('decodes every numeric type from raw_data (little-endian) to float32 or int32', () => {
    expect(raw(1, [0, 0, 0x80, 0x3f], 1)).toEqual([1]);
    expect(raw(10, [0x00, 0x3c, 0x00, 0xc0], 2)).toEqual([1, -2]); // FLOAT16
    expect(raw(16, [0x80, 0x3f, 0x40, 0xc0], 2)).toEqual([1, -3]); // BFLOAT16 0x3f80, 0xc040
    expect(raw(11, [0, 0, 0, 0, 0, 0, 0xf8, 0x3f], 1)).toEqual([1.5]); // DOUBLE
    expect(raw(17, [0x38, 0xb8, 0x7f, 0x01], 4).map(String)).toEqual(['1', '-1', 'NaN', String(2 ** -9)]); // E4M3FN: 0x01 = 2^-6 * 1/8
    expect(raw(18, [0x40, 0x80], 2).map(String)).toEqual(['1', 'NaN']); // E4M3FNUZ: bias 8, 0x80 NaN
    expect(raw(19, [0x3c, 0x7c, 0x7d], 3).map(String)).toEqual(['1', 'Infinity', 'NaN']); // E5M2
    expect(raw(20, [0x40, 0x80], 2).map(String)).toEqual(['1', 'NaN']); // E5M2FNUZ: bias 16
    expect(raw(2, [255, 7], 2)).toEqual([255, 7]);
    expect(raw(3, [255, 7], 2)).toEqual([-1, 7]);
    expect(raw(4, [0xff, 0xff], 1)).toEqual([65535]);
    expect(raw(5, [0xff, 0xff], 1)).toEqual([-1]);
    expect(raw(6, [0xfe, 0xff, 0xff, 0xff], 1)).toEqual([-2]);
    expect(raw(7, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 5, 0, 0, 0, 0, 0, 0, 0], 2)).toEqual([2147483647, 5]); // INT64 clamped
    expect(raw(12, [0xff, 0xff, 0xff, 0xff], 1)).toEqual([2147483647]);
    expect(raw(13, [3, 0, 0, 0, 0, 0, 0, 0], 1)).toEqual([3]);
    expect(raw(9, [0, 1, 1], 3)).toEqual([0, 1, 1]); // BOOL
    expect(raw(21, [0x2f], 2)).toEqual([15, 2]); // UINT4, low nibble first
    expect(raw(22, [0x8f], 2)).toEqual([-1, -8]); // INT4
    for (const code of [8, 14, 15]) expect(onnxDType(code)!.kind).toBeUndefined(); // STRING, COMPLEX: not numbers
  });

  /** The tied 0049 export with one initializer rewritten by `edit` (protobufjs, the reader's own schema). */
  const rewritten = (name: string, edit: (t: TensorProto) => void): Uint8Array => {
    const type = onnxModelType();
    const msg = type.toObject(type.decode(zooBytes('o49_k32_tied_op11.onnx.gz')), { longs: Number, defaults: true, arrays: true }) as { graph: { initializer: TensorProto[] } };
    edit(msg.graph.initializer.find((t) => t.name === name)!);
    return type.encode(type.fromObject(msg)).finish();
  };

  it('a weight stored as DOUBLE, FLOAT16 or BFLOAT16 is converted; one stored as STRING or INT8 is refused by name', () => {
    const base = readOnnx(zooBytes('o49_k32_tied_op11.onnx.gz'), 'tied.onnx').weights.get('rpn.head.conv.weight')!;
    const asDouble = rewritten('rpn.head.conv.weight', (t) => { t.rawData = new Uint8Array(Float64Array.from(base.data).buffer); t.dataType = 11; });
    expect(Array.from(readOnnx(asDouble, 'double.onnx').weights.get('rpn.head.conv.weight')!.data)).toEqual(Array.from(base.data));
    // The fixture's weights have 8 significant bits: FLOAT16 and BFLOAT16 hold them exactly.
    const halfBits = Uint16Array.from(base.data, floatToHalf);
    const asHalf = rewritten('rpn.head.conv.weight', (t) => { t.rawData = new Uint8Array(halfBits.buffer); t.dataType = 10; });
    expect(Array.from(readOnnx(asHalf, 'half.onnx').weights.get('rpn.head.conv.weight')!.data)).toEqual(Array.from(base.data));
    const bf = Uint16Array.from(new Uint32Array(Float32Array.from(base.data).buffer), (b) => b >>> 16);
    const asBf16 = rewritten('rpn.head.conv.weight', (t) => { t.rawData = new Uint8Array(bf.buffer); t.dataType = 16; });
    const gotBf = readOnnx(asBf16, 'bf16.onnx').weights.get('rpn.head.conv.weight')!.data;
    let worst = 0;
    for (let i = 0; i < base.data.length; i++) worst = Math.max(worst, Math.abs(gotBf[i] - base.data[i]) / Math.max(Math.abs(base.data[i]), 1e-30));
    expect(worst).toBeLessThan(2 ** -7); // bfloat16 keeps 8 significant bits, truncated here
    const asString = rewritten('rpn.head.conv.weight', (t) => { t.dataType = 8; });
    expect(() => readOnnx(asString, 'string.onnx')).toThrow(/data_type STRING \(8\) cannot be converted to numbers.*tensor rpn\.head\.conv\.weight/);
    const asInt8 = rewritten('rpn.head.conv.weight', (t) => { t.rawData = new Uint8Array(base.data.length); t.dataType = 3; });
    expect(() => readOnnx(asInt8, 'int8.onnx')).toThrow(/input rpn\.head\.conv\.weight holds int32 values, a weight must be floating point/);
  });

  it("a constant the weights do not need is never decoded, whatever its type: torchvision's BOOL transform constant, an undecodable initializer", () => {
    const type = onnxModelType();
    const tv = type.toObject(type.decode(zooBytes('tv_k32_op17.onnx.gz')), { defaults: true, arrays: true }) as { graph: { node: NodeProto[]; initializer: TensorProto[] } };
    const bools = tv.graph.node.filter((n) => n.opType === 'Constant' && n.attribute.some((a) => a.t?.dataType === 9));
    expect(bools.map((n) => n.output[0])).toEqual(['/transform/Constant_7_output_0']);
    expect(readOnnx(zooBytes('tv_k32_op17.onnx.gz'), 'tv.onnx').mappedBy).toBe('structure');
    // An unused initializer that cannot be decoded at all (COMPLEX64, 3 bytes for 2 elements) changes nothing.
    const plain = toTfjsWeightMap(readOnnx(zooBytes('o49_k32_tied_op11.onnx.gz'), 'tied.onnx').weights);
    const type2 = onnxModelType();
    const msg = type2.toObject(type2.decode(zooBytes('o49_k32_tied_op11.onnx.gz')), { longs: Number, defaults: true, arrays: true }) as { graph: { initializer: Partial<TensorProto>[] } };
    msg.graph.initializer.push({ name: 'unused_complex', dims: [2], dataType: 14, rawData: new Uint8Array(3) });
    const withUnused = toTfjsWeightMap(readOnnx(type2.encode(type2.fromObject(msg)).finish(), 'unused.onnx').weights);
    expect(withUnused.size).toBe(148); // weight + bias of each of the 74 layers (BN folded into biases)
    for (const [name, t] of plain) expect({ name, same: Buffer.from(withUnused.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)) }).toEqual({ name, same: true });
  });
});

describe('constant ops (const_ops.ts)', () => {
  it('reshape-like ops: Reshape (0 copies, -1 infers), Flatten, Squeeze / Unsqueeze (axes attribute <= opset 12, input >= 13), Transpose', () => {
    const x = f32([2, 3, 1], [1, 2, 3, 4, 5, 6]);
    expect(evalConstOp(node('Reshape'), [x, i32([2], [0, -1])], 'f')!.shape).toEqual([2, 3]);
    expect(evalConstOp(node('Flatten', [{ name: 'axis', i: 2 }]), [x], 'f')!.shape).toEqual([6, 1]);
    expect(evalConstOp(node('Squeeze', [{ name: 'axes', ints: [-1] }]), [x], 'f')!.shape).toEqual([2, 3]);
    expect(evalConstOp(node('Squeeze'), [x, i32([1], [2])], 'f')!.shape).toEqual([2, 3]);
    expect(evalConstOp(node('Unsqueeze', [{ name: 'axes', ints: [0, 3] }]), [f32([2, 3], [1, 2, 3, 4, 5, 6])], 'f')!.shape).toEqual([1, 2, 3, 1]);
    expect(evalConstOp(node('Unsqueeze'), [f32([3], [1, 2, 3]), i32([2], [1, -1])], 'f')!.shape).toEqual([3, 1, 1]);
    const t = evalConstOp(node('Transpose', [{ name: 'perm', ints: [1, 0, 2] }]), [x], 'f')!;
    expect({ shape: t.shape, data: Array.from(t.data) }).toEqual({ shape: [3, 2, 1], data: [1, 4, 2, 5, 3, 6] });
    expect(() => evalConstOp(node('Reshape'), [x, i32([2], [4, -1])], 'f')).toThrow(/cannot reshape \[2,3,1\] to \[4,-1\]/);
    expect(() => evalConstOp(node('Reshape'), [x, i32([2], [4, 2])], 'f')).toThrow(/shape \[4,2\] does not hold the 6 values/);
    expect(() => evalConstOp(node('Squeeze', [{ name: 'axes', ints: [0] }]), [x], 'f')).toThrow(/cannot squeeze axes \[0\]/);
  });

  it('arithmetic in float32 with broadcasting; Cast rounds to FLOAT16 / BFLOAT16; DequantizeLinear per axis', () => {
    const v = f32([2, 1], [1, 3]);
    expect(Array.from(evalConstOp(node('Div'), [f32([1], [1]), evalConstOp(node('Sqrt'), [v], 'f')!], 'f')!.data)).toEqual([1, Math.fround(1 / Math.fround(Math.sqrt(3)))]);
    const s = evalConstOp(node('Sub'), [f32([2, 1], [1, 2]), f32([1, 3], [0.5, 1, 2])], 'f')!;
    expect({ shape: s.shape, data: Array.from(s.data) }).toEqual({ shape: [2, 3], data: [0.5, 0, -1, 1.5, 1, 0] });
    expect(Array.from(evalConstOp(node('Div'), [i32([2], [7, -7]), i32([1], [2])], 'f')!.data)).toEqual([3, -3]); // integer division truncates
    expect(Array.from(evalConstOp(node('Cast', [{ name: 'to', i: 10 }]), [f32([2], [1 + 2 ** -12, 1 + 2 ** -10 + 2 ** -12])], 'f')!.data)).toEqual([1, 1 + 2 ** -10]);
    expect(Array.from(evalConstOp(node('Cast', [{ name: 'to', i: 16 }]), [f32([1], [1 + 2 ** -8 + 2 ** -12])], 'f')!.data)).toEqual([1 + 2 ** -7]);
    expect(Array.from(evalConstOp(node('Cast', [{ name: 'to', i: 7 }]), [f32([2], [2.7, -2.7])], 'f')!.data)).toEqual([2, -2]);
    expect(() => evalConstOp(node('Cast', [{ name: 'to', i: 8 }]), [f32([1], [1])], 'f')).toThrow(/Cast to STRING \(8\)/);
    const q = evalConstOp(node('DequantizeLinear', [{ name: 'axis', i: 0 }]), [i32([2, 2], [-6, 10, 4, 20]), f32([2], [0.5, 0.25]), i32([2], [0, 4])], 'f')!;
    expect({ dtype: q.dtype, data: Array.from(q.data) }).toEqual({ dtype: 'float32', data: [-3, 5, 0, 4] });
  });
});
