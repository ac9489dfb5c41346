/**
 * Reads an input file with progress (chunked) and bounded size; `.gz` inputs are gunzipped with a
 * hard output limit, so a gzip bomb fails with a typed error instead of exhausting memory.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { WeightsFormatError } from '../errors';

/** Largest input (or decompressed input) accepted: 4 GiB. */
export const MAX_INPUT_BYTES = 4 * 1024 ** 3;
const CHUNK = 16 * 1024 * 1024;

export type Progress = (done: number, total: number, what: string) => void;

/** `gunzip`: a `.gz` name is decompressed (bounded); false reads the bytes as they are. */
export function readInputFile(file: string, onProgress?: Progress, maxBytes = MAX_INPUT_BYTES, gunzip = true): Uint8Array {
  let size: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new WeightsFormatError('input is not a regular file', { file });
    size = st.size;
  } catch (e) {
    if (e instanceof WeightsFormatError) throw e;
    throw new WeightsFormatError(`cannot read input: ${(e as Error).message}`, { file });
  }
  if (size > maxBytes) throw new WeightsFormatError(`input is ${size} bytes, more than the ${maxBytes} accepted`, { file });
  const out = new Uint8Array(size);
  const fd = fs.openSync(file, 'r');
  try {
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, out, done, Math.min(CHUNK, size - done), done);
      if (n === 0) throw new WeightsFormatError(`file shrank while reading (${done} of ${size} bytes)`, { file });
      done += n;
      onProgress?.(done, size, `read ${file}`);
    }
  } finally {
    fs.closeSync(fd);
  }
  if (gunzip && file.endsWith('.gz')) return gunzipBounded(out, file, maxBytes);
  return out;
}

export function gunzipBounded(bytes: Uint8Array, file: string, maxBytes = MAX_INPUT_BYTES): Uint8Array {
  try {
    const b = zlib.gunzipSync(bytes, { maxOutputLength: maxBytes });
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new WeightsFormatError(`gzip data expands beyond ${maxBytes} bytes (zip bomb?)`, { file });
    }
    throw new WeightsFormatError(`gzip data is damaged or truncated: ${err.message}`, { file });
  }
}
