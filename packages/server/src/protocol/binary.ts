/**
 * The binary tensor data extension's byte layout, for requests and responses alike: a body is the
 * JSON object (its byte length in the `Inference-Header-Content-Length` header) followed by the
 * binary tensors in the order the JSON lists them; numbers are little-endian, row-major, unpadded;
 * a BYTES element is a 4-byte little-endian length and its bytes. Browser-safe (no Buffer).
 *
 * Ownership: `numericBytes` returns a view of the array's memory on little-endian hosts; the other
 * functions return new memory or views of the body they were given.
 */
import { ProtocolError } from './errors';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export type NumericArray = Float32Array | Int32Array;

/** The little-endian bytes of `a` (a view of its memory on little-endian hosts, a copy elsewhere). */
export function numericBytes(a: NumericArray): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Float32Array) view.setFloat32(i * 4, a[i], true);
    else view.setInt32(i * 4, a[i], true);
  }
  return out;
}

/** A new (aligned) array from little-endian bytes; `bytes.length` must be a multiple of 4. */
export function numericFromBytes(bytes: Uint8Array, datatype: 'FP32' | 'INT32'): NumericArray {
  const n = bytes.byteLength >>> 2;
  const out = datatype === 'FP32' ? new Float32Array(n) : new Int32Array(n);
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer).set(bytes.subarray(0, n * 4));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) out[i] = datatype === 'FP32' ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true);
  return out;
}

/** BYTES elements in binary form. */
export function encodeBytesTensor(elements: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(elements.reduce((n, e) => n + 4 + e.byteLength, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const e of elements) {
    view.setUint32(at, e.byteLength, true);
    out.set(e, at + 4);
    at += 4 + e.byteLength;
  }
  return out;
}

/** The elements of a binary BYTES tensor (views of `bytes`); `what` names the tensor in errors. */
export function decodeBytesTensor(bytes: Uint8Array, what: string): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength;) {
    if (at + 4 > bytes.byteLength) throw new ProtocolError(400, `${what}: BYTES data ends inside an element's 4-byte length`);
    const n = view.getUint32(at, true);
    if (n > bytes.byteLength - at - 4) {
      throw new ProtocolError(400, `${what}: BYTES element ${out.length} declares ${n} bytes, only ${bytes.byteLength - at - 4} follow`);
    }
    out.push(bytes.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

const encoder = new TextEncoder();

/** A body of `header` as JSON followed by `chunks`; `headerLength` goes in Inference-Header-Content-Length. */
export function joinBody(header: unknown, chunks: readonly Uint8Array[]): { body: Uint8Array; headerLength: number } {
  const json = encoder.encode(JSON.stringify(header));
  const body = new Uint8Array(json.byteLength + chunks.reduce((n, c) => n + c.byteLength, 0));
  body.set(json, 0);
  let at = json.byteLength;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return { body, headerLength: json.byteLength };
}

/**
 * Splits a body into its JSON text and the binary part after it. `headerLength` is the
 * Inference-Header-Content-Length header (undefined: the whole body is JSON); `what` is 'request'
 * or 'response' for the messages.
 */
export function splitBody(body: Uint8Array, headerLength: string | number | undefined, what = 'request'): { json: string; binary: Uint8Array } {
  let n = body.byteLength;
  if (headerLength !== undefined) {
    const text = String(headerLength).trim();
    n = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n > body.byteLength) {
      throw new ProtocolError(400, `Inference-Header-Content-Length ${JSON.stringify(String(headerLength))}: expected a byte count ` +
        `no larger than the ${what} body (${body.byteLength} bytes)`);
    }
  }
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, n));
  } catch (cause) {
    throw new ProtocolError(400, `the ${what}'s JSON is not valid UTF-8`, { cause });
  }
  return { json, binary: body.subarray(n) };
}
