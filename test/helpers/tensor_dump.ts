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

/** Reads only the byte ranges of `entries` from an uncompressed .bin (no whole-file buffer). */
function readRanges(file: string, entries: readonly HeaderEntry[]): Map<string, Buffer> {
  const fd = fs.openSync(file, 'r');
  try {
    const out = new Map<string, Buffer>();
    for (const e of entries) {
      const b = Buffer.alloc(e.byteLength);
      if (fs.readSync(fd, b, 0, e.byteLength, e.offset) !== e.byteLength) throw new Error(`${file}: tensor ${e.name} is truncated`);
      out.set(e.name, b);
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads a dump; with `names`, only those tensors (the others are neither read nor kept: a full-size
 * golden holds hundreds of MB of stage tensors a benchmark input does not need).
 */
export function readTensorDump(stem: string, names?: readonly string[]): TensorDump {
  const header = JSON.parse(fs.readFileSync(`${stem}.json`, 'utf8')) as {
    format: string; meta?: Record<string, unknown>; tensors: HeaderEntry[];
  };
  if (header.format !== 'mrcnn-tensors/1') throw new Error(`${stem}.json: unknown format ${header.format}`);
  const entries = names ? header.tensors.filter((e) => names.includes(e.name)) : header.tensors;
  const plain = fs.existsSync(`${stem}.bin`);
  const ranges = plain && names ? readRanges(`${stem}.bin`, entries) : undefined;
  const buf = ranges ? undefined : plain ? fs.readFileSync(`${stem}.bin`) : zlib.gunzipSync(fs.readFileSync(`${stem}.bin.gz`));
  const tensors = new Map<string, DumpTensor>();
  for (const e of entries) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    const bytesPer = e.dtype === 'uint8' ? 1 : 4;
    const src = ranges?.get(e.name);
    if (n * bytesPer !== e.byteLength || (buf !== undefined && e.offset + e.byteLength > buf.length)) {
      throw new Error(`${stem}: tensor ${e.name} has inconsistent size`);
    }
    const data = src ? view(src, { ...e, offset: 0 }) : view(buf as Buffer, e);
    tensors.set(e.name, { name: e.name, dtype: e.dtype, shape: e.shape, data });
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
