import * as zlib from 'zlib';
import { WeightsFormatError } from '../errors';
import { toTfjsWeightMap } from '../transform';
import { WeightMap } from '../types';
import { dump, fixture, ORACLE_K8, readBytes } from '../../../../test/helpers/converter_fixtures';
import { readOnnx } from './read';
import { onnxModelType, ONNX_DTYPE } from './schema';
import * as path from 'path';

const gunzip = (file: string): Uint8Array => new Uint8Array(zlib.gunzipSync(readBytes(file)));

function canonicalTfjs(): WeightMap {
  const d = dump(path.join(ORACLE_K8, 'weights_0049'));
  const sd: WeightMap = new Map();
  for (const [name, t] of d.tensors) sd.set(name, { name, shape: t.shape, dtype: 'float32', data: t.data as Float32Array });
  return toTfjsWeightMap(sd);
}

/** A minimal ONNX model with the given initializers, encoded with the same schema. */
function encodeOnnx(initializer: Record<string, unknown>[], opset = 13): Uint8Array {
  const type = onnxModelType();
  const msg = type.fromObject({
    irVersion: 7, producerName: 'test', opsetImport: [{ domain: '', version: opset }],
    graph: { name: 'g', node: [], initializer },
  });
  return type.encode(msg).finish();
}

describe('readOnnx', () => {
  it.each([
    ['learned layers, constant-folded FrozenBN (Conv -> Mul -> Add)', fixture('oracle_k8_learned.onnx.gz')],
    ['whole network, BatchNormalization nodes, RoiAlign/NMS between the heads', path.join(ORACLE_K8, 'model_0049.onnx.gz')],
  ])('maps the K=8 oracle ONNX export (%s) by graph structure; equals the canonical weights after BN folding', (_what, file) => {
    const res = readOnnx(gunzip(file), path.basename(file));
    expect(res.mappedBy).toBe('structure');
    expect(res.opset).toBe(11);
    expect(res.producer).toMatch(/pytorch/);
    const got = toTfjsWeightMap(res.weights);
    const want = canonicalTfjs();
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    let worst = 0;
    for (const [name, w] of want) {
      const g = got.get(name)!;
      expect({ name, shape: g.shape }).toEqual({ name, shape: w.shape });
      let scale = 0;
      for (let i = 0; i < w.data.length; i++) scale = Math.max(scale, Math.abs(w.data[i]));
      for (let i = 0; i < w.data.length; i++) worst = Math.max(worst, Math.abs(g.data[i] - w.data[i]) / Math.max(scale, 1e-6));
    }
    // torch folds FrozenBN as Mul/Add in float32, we fold in float64: a few float32 ulps of each tensor's range.
    expect(worst).toBeLessThan(1e-6);
  });

  it('decodes raw_data, float_data and fp16 initializers by canonical names when there is no graph', () => {
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x3800]); // 1, -2, 0.5
    const raw = new Float32Array([0.25, -1.5]);
    const bytes = encodeOnnx([
      { name: 'rpn.head.conv.weight', dims: [1, 1, 1, 3], dataType: ONNX_DTYPE.FLOAT16, rawData: new Uint8Array(f16.buffer) },
      { name: 'rpn.head.conv.bias', dims: [1], dataType: ONNX_DTYPE.FLOAT, floatData: [7] },
      { name: 'rpn.head.cls_logits.weight', dims: [2, 1, 1, 1], dataType: ONNX_DTYPE.FLOAT, rawData: new Uint8Array(raw.buffer) },
      { name: 'backbone.body.conv1.weight', dims: [1, 3, 1, 1], dataType: ONNX_DTYPE.FLOAT, floatData: [1, 2, 3] },
    ]);
    const res = readOnnx(bytes, 'tiny.onnx');
    expect(res.mappedBy).toBe('names');
    expect(Array.from(res.weights.get('rpn.head.conv.weight')!.data)).toEqual([1, -2, 0.5]);
    expect(Array.from(res.weights.get('rpn.head.conv.bias')!.data)).toEqual([7]);
    expect(Array.from(res.weights.get('rpn.head.cls_logits.weight')!.data)).toEqual([0.25, -1.5]);
    expect(res.weights.get('rpn.head.cls_logits.weight')!.shape).toEqual([2, 1, 1, 1]);
  });

  it('refuses external data, huge dims, wrong raw sizes and non-ONNX bytes with typed errors', () => {
    const ext = encodeOnnx([{ name: 'backbone.body.conv1.weight', dims: [8, 3, 7, 7], dataType: 1, dataLocation: 1,
      externalData: [{ key: 'location', value: 'weights.data' }] }]);
    expect(() => readOnnx(ext, 'ext.onnx')).toThrow(WeightsFormatError);
    expect(() => readOnnx(ext, 'ext.onnx')).toThrow(/externally in weights\.data.*ext\.onnx.*backbone\.body\.conv1\.weight/);
    const huge = encodeOnnx([{ name: 'backbone.body.conv1.weight', dims: [1 << 30, 1 << 30, 7, 7], dataType: 1, rawData: new Uint8Array(16) }]);
    expect(() => readOnnx(huge, 'huge.onnx')).toThrow(/backbone\.body\.conv1\.weight/);
    expect(() => readOnnx(huge, 'huge.onnx')).toThrow(/more than the 268435456 a weight may hold/);
    const short = encodeOnnx([{ name: 'backbone.body.conv1.weight', dims: [2, 3], dataType: 1, rawData: new Uint8Array(20) }]);
    expect(() => readOnnx(short, 'short.onnx')).toThrow(/raw_data holds 20 bytes, shape \[2,3\] needs 24/);
    const negative = encodeOnnx([{ name: 'backbone.body.conv1.weight', dims: [-1, 3], dataType: 1, rawData: new Uint8Array(0) }]);
    expect(() => readOnnx(negative, 'neg.onnx')).toThrow(/not non-negative integers/);
    expect(() => readOnnx(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]), 'junk.onnx')).toThrow(WeightsFormatError);
    const truncated = gunzip(fixture('oracle_k8_learned.onnx.gz')).subarray(0, 500000);
    expect(() => readOnnx(truncated, 'cut.onnx')).toThrow(WeightsFormatError);
  });
});
