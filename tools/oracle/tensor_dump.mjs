// Reader of the `mrcnn-tensors/1` named-tensor dump (docs/CONVENTIONS.md section 1) for the oracle's
// Node dev scripts (the tests use test/helpers/tensor_dump.ts).
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

const TYPES = { float32: Float32Array, int32: Int32Array, uint8: Uint8Array };

/** stem -> { meta, tensors: Map<name, { shape, data }> } from <stem>.json + <stem>.bin[.gz]. */
export function readDump(stem) {
  const header = JSON.parse(fs.readFileSync(`${stem}.json`, 'utf8'));
  const blob = fs.existsSync(`${stem}.bin`) ? fs.readFileSync(`${stem}.bin`) : zlib.gunzipSync(fs.readFileSync(`${stem}.bin.gz`));
  const tensors = new Map();
  for (const e of header.tensors) {
    const bytes = blob.subarray(e.offset, e.offset + e.byteLength);
    tensors.set(e.name, { shape: e.shape, data: new TYPES[e.dtype](bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) });
  }
  return { meta: header.meta, tensors };
}
