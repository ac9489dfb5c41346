import { NamedTensor } from '../types';
import { decodeConst, foldConstant } from './consts';
import { IrLayer } from './xml';

const layer = (type: string, data: Record<string, string> = {}): IrLayer => ({ id: '7', name: `${type}_7`, type, version: 'opset1', data, inputs: [], outputs: [] });
const t = (shape: number[], values: number[]): NamedTensor => ({ name: 'c', shape, dtype: 'float32', data: Float32Array.from(values) });

describe('IR constant folding', () => {
  it('decompresses INT8 weights: Convert(i8) -> Subtract(zero point) -> Multiply(per-channel scale)', () => {
    const bin = new Uint8Array([250, 0, 10, 20]); // int8: -6, 0, 10, 20
    const q = decodeConst(layer('Const', { element_type: 'i8', shape: '2,2', offset: '0', size: '4' }), bin, 'm.bin');
    const f = foldConstant(layer('Convert', { destination_type: 'f32' }), [q], 'm.xml')!;
    expect(Array.from(f.data)).toEqual([-6, 0, 10, 20]);
    const zp = foldConstant(layer('Subtract'), [f, t([2, 1], [0, 10])], 'm.xml')!;
    const w = foldConstant(layer('Multiply'), [zp, t([2, 1], [0.5, 0.25])], 'm.xml')!;
    expect(w.shape).toEqual([2, 2]);
    expect(Array.from(w.data)).toEqual([-3, 0, 0, 2.5]);
  });

  it('evaluates FakeQuantize (3 levels, per-channel ranges) with the opset1 formula', () => {
    const x = t([2, 3], [-2, 0.3, 5, 0, 0.5, 1]);
    const r = foldConstant(layer('FakeQuantize', { levels: '3' }), [x, t([2, 1], [0, 0]), t([2, 1], [1, 1]), t([1], [-1]), t([1], [1])], 'm.xml')!;
    // row 0: -2 <= low -> -1; 0.3 -> round(0.6)/2 = 0.5 -> 0; 5 > high -> 1; row 1: 0 -> -1; 0.5 -> round(1)/2 -> 0; 1 -> 1
    expect(Array.from(r.data)).toEqual([-1, 0, 1, -1, 0, 1]);
  });

  it('checks Const sizes and offsets against the .bin', () => {
    const bin = new Uint8Array(8);
    expect(() => decodeConst(layer('Const', { element_type: 'f32', shape: '3', offset: '0', size: '12' }), bin, 'm.bin')).toThrow(/past the end of the \.bin \(8 bytes\).*m\.bin.*Const_7/);
    expect(() => decodeConst(layer('Const', { element_type: 'f32', shape: '3', offset: '0', size: '8' }), bin, 'm.bin')).toThrow(/size 8 bytes, shape \[3\] of f32 needs 12/);
    expect(() => decodeConst(layer('Const', { element_type: 'f32', shape: '-1', offset: '0', size: '4' }), bin, 'm.bin')).toThrow(/not a list of sizes/);
    expect(() => decodeConst(layer('Const', { element_type: 'bf16', shape: '1', offset: '0', size: '2' }), bin, 'm.bin')).toThrow(/element_type bf16 is not supported/);
  });
});
