/**
 * PNG-aware mutations: edits that get past the chunk CRCs and the zlib checksum, so the fuzzer
 * reaches the decoder's header checks, filters and bit unpacking instead of stopping at a CRC.
 * A mutant rewrites the IHDR fields (huge/zero sizes, odd bit depths, colour types, interlace),
 * edits the inflated scanlines (then deflates them again), drops or repeats chunks, or applies
 * raw byte edits; every chunk's CRC is then recomputed.
 */
import * as fc from 'fast-check';
import * as zlib from 'zlib';
import { mutantOf } from './mutations';

interface Chunk { type: string; data: Uint8Array }

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function crc32(bytes: Uint8Array): number {
  const fromZlib = (zlib as { crc32?: (b: Uint8Array) => number }).crc32;
  if (fromZlib) return fromZlib(bytes) >>> 0;
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** The chunks of a well-formed PNG (the seeds are). */
export function readChunks(png: Uint8Array): Chunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  for (let at = 8; at + 12 <= png.length;) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    chunks.push({ type, data: png.slice(at + 8, at + 8 + len) });
    at += 12 + len;
  }
  return chunks;
}

/** Serialises chunks with correct lengths and CRCs (the data may be anything). */
export function writeChunks(chunks: readonly Chunk[]): Uint8Array {
  const parts: Uint8Array[] = [SIGNATURE];
  for (const c of chunks) {
    const out = new Uint8Array(12 + c.data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, c.data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = c.type.charCodeAt(i) & 0xff;
    out.set(c.data, 8);
    view.setUint32(8 + c.data.length, crc32(out.subarray(4, 8 + c.data.length)));
    parts.push(out);
  }
  return Uint8Array.from(Buffer.concat(parts));
}

type PngEdit =
  | { kind: 'ihdr'; field: 'width' | 'height'; value: number }
  | { kind: 'ihdrByte'; offset: 8 | 9 | 10 | 11 | 12; value: number }
  | { kind: 'scanlines'; raw: Uint8Array }
  | { kind: 'drop'; index: number }
  | { kind: 'repeat'; index: number };

function withIdat(chunks: Chunk[], raw: Uint8Array): Chunk[] {
  const out = chunks.filter((c) => c.type !== 'IDAT');
  const at = Math.max(1, chunks.findIndex((c) => c.type === 'IDAT'));
  out.splice(Math.min(at, out.length), 0, { type: 'IDAT', data: new Uint8Array(zlib.deflateSync(raw)) });
  return out;
}

function applyPngEdit(chunks: Chunk[], e: PngEdit): Chunk[] {
  const ihdr = chunks.find((c) => c.type === 'IHDR');
  switch (e.kind) {
    case 'ihdr':
      if (ihdr) new DataView(ihdr.data.buffer, ihdr.data.byteOffset).setUint32(e.field === 'width' ? 0 : 4, e.value >>> 0);
      return chunks;
    case 'ihdrByte':
      if (ihdr && ihdr.data.length > e.offset) ihdr.data[e.offset] = e.value;
      return chunks;
    case 'scanlines': return withIdat(chunks, e.raw);
    case 'drop': return chunks.filter((_, i) => i !== e.index % chunks.length);
    case 'repeat': {
      const i = e.index % chunks.length;
      return [...chunks.slice(0, i + 1), { ...chunks[i], data: chunks[i].data.slice() }, ...chunks.slice(i + 1)];
    }
  }
}

function inflated(chunks: Chunk[]): Uint8Array {
  const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
  try {
    return new Uint8Array(zlib.inflateSync(idat));
  } catch {
    return new Uint8Array(0);
  }
}

/** A mutant of one of the PNG `seeds` with valid CRCs (and, for scanline edits, a valid zlib stream). */
export function pngMutantOf(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const parsed = seeds.map(readChunks);
  const raws = parsed.map(inflated);
  // Small sizes, or huge ones that the pixel limit must refuse (10001² > 1e8); 10001 x 256 still decodes.
  const dims = fc.oneof(fc.constantFrom(0, 1, 2, 3, 7, 10001, 0x7fffffff, 0x80000000, 0xffffffff), fc.nat({ max: 256 }));
  const structural = fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(fc.oneof(
    fc.record({ kind: fc.constant('ihdr' as const), field: fc.constantFrom('width' as const, 'height' as const), value: dims }),
    fc.record({ kind: fc.constant('ihdrByte' as const), offset: fc.constantFrom(8 as const, 9 as const, 10 as const, 11 as const, 12 as const),
      value: fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 255), fc.nat({ max: 255 })) }),
    fc.record({ kind: fc.constant('drop' as const), index: fc.nat() }),
    fc.record({ kind: fc.constant('repeat' as const), index: fc.nat() }),
    fc.nat({ max: raws.length - 1 }).chain((i) => mutantOf([raws[i]], 4)).map((raw) => ({ kind: 'scanlines' as const, raw })),
  ) as fc.Arbitrary<PngEdit>, { minLength: 1, maxLength: 4 }))
    .map(([i, edits]) => {
      let chunks: Chunk[] = parsed[i].map((c) => ({ type: c.type, data: c.data.slice() }));
      for (const e of edits) chunks = applyPngEdit(chunks, e);
      return writeChunks(chunks);
    });
  // Raw byte edits too, with the CRCs repaired where the chunk layout survived.
  const repaired = mutantOf(seeds).map((b) => {
    try {
      return writeChunks(readChunks(b));
    } catch {
      return b;
    }
  });
  return fc.oneof({ arbitrary: structural, weight: 3 }, { arbitrary: repaired, weight: 1 });
}

