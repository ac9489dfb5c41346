/**
 * Reader for the oracle's named-tensor dump `mrcnn-tensors/1` (docs/CONVENTIONS.md):
 * `<stem>.json` header + `<stem>.bin` or `<stem>.bin.gz`. `parseTensorDump` reads one from bytes
 * already in memory (a browser page: the fs and zlib imports are then never used).
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

function view(buf: Uint8Array, e: HeaderEntry): DumpArray {
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

type DumpHeader = { format: string; meta?: Record<string, unknown>; tensors: HeaderEntry[] };

function checkFormat(header: DumpHeader, source: string): void {
  if (header.format !== 'mrcnn-tensors/1') throw new Error(`${source}.json: unknown format ${header.format}`);
}

/**
 * The dump of `entries` read from `bytes` (the whole uncompressed .bin, `buf`) or from per-tensor
 * byte ranges (`ranges`, offsets 0).
 */
function dumpOf(header: DumpHeader, entries: readonly HeaderEntry[], source: string,
  buf: Uint8Array | undefined, ranges: Map<string, Uint8Array> | undefined): TensorDump {
  const tensors = new Map<string, DumpTensor>();
  for (const e of entries) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    const bytesPer = e.dtype === 'uint8' ? 1 : 4;
    const src = ranges?.get(e.name);
    if (n * bytesPer !== e.byteLength || (buf !== undefined && e.offset + e.byteLength > buf.length)) {
      throw new Error(`${source}: tensor ${e.name} has inconsistent size`);
    }
    const data = src ? view(src, { ...e, offset: 0 }) : view(buf as Uint8Array, e);
    tensors.set(e.name, { name: e.name, dtype: e.dtype, shape: e.shape, data });
  }
  return {
    meta: header.meta ?? {},
    tensors,
    has: (name) => tensors.has(name),
    get(name) {
      const t = tensors.get(name);
      if (!t) throw new Error(`${source}: no tensor named ${name}`);
      return t;
    },
  };
}

/**
 * A dump from its parsed `.json` header and the uncompressed `.bin` bytes, without the file system
 * (a browser page fetches both); `source` names it in errors.
 */
export function parseTensorDump(header: unknown, bin: Uint8Array, source: string): TensorDump {
  const h = header as DumpHeader;
  checkFormat(h, source);
  return dumpOf(h, h.tensors, source, bin, undefined);
}

/**
 * Reads a dump; with `names`, only those tensors (the others are neither read nor kept: a full-size
 * golden holds hundreds of MB of stage tensors a benchmark input does not need).
 */
export function readTensorDump(stem: string, names?: readonly string[]): TensorDump {
  const header = JSON.parse(fs.readFileSync(`${stem}.json`, 'utf8')) as DumpHeader;
  checkFormat(header, stem);
  const entries = names ? header.tensors.filter((e) => names.includes(e.name)) : header.tensors;
  const plain = fs.existsSync(`${stem}.bin`);
  const ranges = plain && names ? readRanges(`${stem}.bin`, entries) : undefined;
  const buf = ranges ? undefined : readTensorDumpBin(stem);
  return dumpOf(header, entries, stem, buf, ranges);
}

/** The uncompressed `.bin` of a dump (`<stem>.bin`, or `<stem>.bin.gz` inflated). */
export function readTensorDumpBin(stem: string): Buffer {
  return fs.existsSync(`${stem}.bin`) ? fs.readFileSync(`${stem}.bin`) : zlib.gunzipSync(fs.readFileSync(`${stem}.bin.gz`));
}

/**
 * Writes `<stem>.json` + `<stem>.bin` (uncompressed, 8-byte aligned), the layout tools/oracle/tensorio.py
 * writes; used for inputs the harness derives itself (benchmarks' torchvision workload).
 */
export function writeTensorDump(stem: string, tensors: ReadonlyArray<{ name: string; shape: number[]; data: DumpArray }>,
  meta: Record<string, unknown> = {}): void {
  const entries: HeaderEntry[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const t of tensors) {
    const dtype: DumpDType = t.data instanceof Float32Array ? 'float32' : t.data instanceof Int32Array ? 'int32' : 'uint8';
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    entries.push({ name: t.name, dtype, shape: t.shape, offset, byteLength: bytes.length });
    const pad = (8 - (bytes.length % 8)) % 8;
    chunks.push(bytes, Buffer.alloc(pad));
    offset += bytes.length + pad;
  }
  fs.writeFileSync(`${stem}.bin`, Buffer.concat(chunks));
  fs.writeFileSync(`${stem}.json`, `${JSON.stringify({ format: 'mrcnn-tensors/1', meta, tensors: entries }, null, 1)}\n`);
}
