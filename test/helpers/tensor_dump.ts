/**
 * Reader for the oracle's named-tensor dump `mrcnn-tensors/1` (docs/CONVENTIONS.md):
 * `<stem>.json` header + `<stem>.bin` or `<stem>.bin.gz`.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';

export type DumpDType = 'float32' | 'int32' | 'uint8';
export type DumpArray = Float32Array | Int32Array | Uint8Array;

export interface DumpTensor {
  name: string;
  dtype: DumpDType;
  shape: number[];
  data: DumpArray;
}

export interface TensorDump {
  meta: Record<string, unknown>;
  tensors: Map<string, DumpTensor>;
  /** The named tensor; throws naming the dump and the tensor when it is absent. */
  get(name: string): DumpTensor;
  has(name: string): boolean;
}

interface HeaderEntry { name: string; dtype: DumpDType; shape: number[]; offset: number; byteLength: number }

function view(buf: Buffer, e: HeaderEntry): DumpArray {
  const copy = new Uint8Array(e.byteLength);
  copy.set(buf.subarray(e.offset, e.offset + e.byteLength));
  switch (e.dtype) {
    case 'float32': return new Float32Array(copy.buffer);
    case 'int32': return new Int32Array(copy.buffer);
    case 'uint8': return copy;
    default: throw new Error(`tensor ${e.name}: unknown dtype ${String(e.dtype)}`);
  }
}

export function tensorDumpExists(stem: string): boolean {
  return fs.existsSync(`${stem}.json`) && (fs.existsSync(`${stem}.bin`) || fs.existsSync(`${stem}.bin.gz`));
}

export function readTensorDump(stem: string): TensorDump {
  const header = JSON.parse(fs.readFileSync(`${stem}.json`, 'utf8')) as {
    format: string; meta?: Record<string, unknown>; tensors: HeaderEntry[];
  };
  if (header.format !== 'mrcnn-tensors/1') throw new Error(`${stem}.json: unknown format ${header.format}`);
  const buf = fs.existsSync(`${stem}.bin`)
    ? fs.readFileSync(`${stem}.bin`)
    : zlib.gunzipSync(fs.readFileSync(`${stem}.bin.gz`));
  const tensors = new Map<string, DumpTensor>();
  for (const e of header.tensors) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    const bytesPer = e.dtype === 'uint8' ? 1 : 4;
    if (n * bytesPer !== e.byteLength || e.offset + e.byteLength > buf.length) {
      throw new Error(`${stem}: tensor ${e.name} has inconsistent size`);
    }
    tensors.set(e.name, { name: e.name, dtype: e.dtype, shape: e.shape, data: view(buf, e) });
  }
  return {
    meta: header.meta ?? {},
    tensors,
    has: (name) => tensors.has(name),
    get(name) {
      const t = tensors.get(name);
      if (!t) throw new Error(`${stem}: no tensor named ${name}`);
      return t;
    },
  };
}
