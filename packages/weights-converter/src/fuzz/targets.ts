/** The readers under fuzzing, each with a small valid seed input. */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { ConverterError } from '../errors';
import { readIr } from '../ir/read';
import { readOnnx } from '../onnx/read';
import { onnxModelType } from '../onnx/schema';
import { readPth } from '../readers/pth';

export const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'converter');

const file = (name: string): Uint8Array => {
  const b = fs.readFileSync(path.join(FIXTURES, name));
  return new Uint8Array(name.endsWith('.gz') ? zlib.gunzipSync(b) : b);
};

/** A tiny ONNX graph: Conv(+bias) -> Mul -> Add -> Relu with fp32 raw, float_data and fp16 initializers. */
export function tinyOnnx(): Uint8Array {
  const type = onnxModelType();
  const f32 = (v: number[]): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);
  return type.encode(type.fromObject({
    irVersion: 7, producerName: 'fuzz', opsetImport: [{ domain: '', version: 11 }],
    graph: {
      name: 'g',
      initializer: [
        { name: 'backbone.body.conv1.weight', dims: [2, 3, 1, 1], dataType: 1, rawData: f32([1, 2, 3, 4, 5, 6]) },
        { name: 'b', dims: [2], dataType: 1, floatData: [0.5, -0.5] },
        { name: 's', dims: [1, 2, 1, 1], dataType: 10, rawData: new Uint8Array(new Uint16Array([0x3c00, 0x4000]).buffer) },
      ],
      node: [
        { input: ['x', 'backbone.body.conv1.weight', 'b'], output: ['y'], opType: 'Conv', attribute: [{ name: 'group', i: 1, type: 2 }] },
        { input: ['y', 's'], output: ['z'], opType: 'Mul' },
        { input: ['z'], output: ['r'], opType: 'Relu' },
      ],
    },
  })).finish();
}

export interface Target { name: string; seed: () => Uint8Array; read: (b: Uint8Array) => unknown }

export function targets(): Target[] {
  let irBin: Uint8Array | undefined;
  return [
    { name: 'pth', seed: () => file('views.pth'), read: (b) => readPth(b, 'fuzz.pth') },
    { name: 'pth-model', seed: () => file('tiny_k16.pth'), read: (b) => readPth(b, 'fuzz.pth') },
    { name: 'onnx', seed: tinyOnnx, read: (b) => readOnnx(b, 'fuzz.onnx') },
    // Real exporters' files: torchvision's own export (dynamic-shape subgraphs, a BOOL constant), tied initializers behind Identity.
    { name: 'onnx-torchvision', seed: () => file('zoo/tv_k32_op17.onnx.gz'), read: (b) => readOnnx(b, 'fuzz.onnx') },
    { name: 'onnx-tied', seed: () => file('zoo/o49_k32_tied_op11.onnx.gz'), read: (b) => readOnnx(b, 'fuzz.onnx') },
    {
      name: 'ir-xml-int8',
      seed: () => file('zoo/o49_k32_ir11_int8.xml.gz'),
      read: (b) => readIr(b, file('zoo/o49_k32_ir11_int8.bin.gz'), 'fuzz.xml'),
    },
    {
      name: 'ir-xml',
      seed: () => file('oracle_k8_ir16.xml.gz'),
      read: (b) => readIr(b, (irBin ??= file('oracle_k8_ir16.bin.gz')), 'fuzz.xml'),
    },
  ];
}

/** Typed converter errors are the only acceptable failures. */
export const isTypedError = (e: unknown): boolean => e instanceof ConverterError;
