/**
 * Tensor contents in the protocol's JSON form (row-major, flat or nested arrays) and BYTES elements
 * as base64 text, checked element by element: errors name the tensor, the element and the value.
 * Browser-safe (Buffer is used only where it exists).
 */
import { ProtocolError } from './errors';

/** Largest element count a tensor may declare (2^31 - 1: typed arrays and byte counts stay exact). */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** Product of `shape`, after checking every dimension is a non-negative integer; `what` names the tensor. */
export function elementCount(shape: unknown, what: string, maxRank = 8): number {
  if (!Array.isArray(shape) || shape.length > maxRank) {
    throw new ProtocolError(400, `${what}: "shape" must be an array of at most ${maxRank} dimensions, got ${preview(shape)}`);
  }
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ProtocolError(400, `${what}: shape ${preview(shape)}: every dimension must be a non-negative integer`);
    }
    n *= d;
    if (n > MAX_ELEMENTS) throw new ProtocolError(400, `${what}: shape ${preview(shape)} declares more than ${MAX_ELEMENTS} elements`);
  }
  return n;
}

/**
 * The elements of JSON tensor data, flat: `data` may be flat or nested up to `rank` levels deep
 * (deeper nesting, or a non-array, is an error). Stops early once more than `expected` elements appear.
 */
export function flattenData(data: unknown, rank: number, expected: number, what: string): unknown[] {
  if (!Array.isArray(data)) throw new ProtocolError(400, `${what}: "data" must be an array, got ${preview(data)}`);
  const out: unknown[] = [];
  const walk = (a: readonly unknown[], depth: number): void => {
    for (const v of a) {
      if (Array.isArray(v)) {
        if (depth + 1 >= Math.max(rank, 1)) throw new ProtocolError(400, `${what}: "data" is nested deeper than its ${rank} dimensions`);
        walk(v, depth + 1);
      } else {
        out.push(v);
      }
      if (out.length > expected) {
        throw new ProtocolError(400, `${what}: "data" holds more than the ${expected} elements its shape declares`);
      }
    }
  };
  walk(data, 0);
  if (out.length !== expected) throw new ProtocolError(400, `${what}: "data" holds ${out.length} elements, its shape declares ${expected}`);
  return out;
}

/** Float32 copy of numeric JSON elements; each must be a finite number. */
export function finiteFloat32(flat: readonly unknown[], what: string): Float32Array {
  const out = new Float32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number') throw new ProtocolError(400, `${what}: element ${i} is not a number (${preview(v)})`);
    const f = Math.fround(v);
    if (!Number.isFinite(f)) throw new ProtocolError(400, `${what}: element ${i} is ${v} as FP32: values must be finite`);
    out[i] = f;
  }
  return out;
}

/** Throws naming the first NaN or infinite element of `a`. */
export function checkFinite(a: Float32Array, what: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new ProtocolError(400, `${what}: element ${i} is ${a[i]}: values must be finite`);
  }
}

/** A short, safe description of a JSON value for an error message. */
export function preview(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

type BufferLike = { from(a: string | Uint8Array, enc?: string): Uint8Array & { toString(enc: string): string } };
const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

export function base64Encode(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined) return NodeBuffer.from(bytes).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Strict base64 (standard alphabet, optional padding, no other characters); `what` names the tensor. */
export function base64Decode(text: string, what: string): Uint8Array {
  if (text.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new ProtocolError(400, `${what}: a BYTES element in JSON must be base64 text (an encoded PNG or JPEG), got ${preview(text.slice(0, 40))}`);
  }
  if (NodeBuffer !== undefined) return NodeBuffer.from(text, 'base64');
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
