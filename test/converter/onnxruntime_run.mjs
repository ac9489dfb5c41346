#!/usr/bin/env node
// Runs an exported 0049-style ONNX file (im_data, im_info -> classes, scores, boxes, raw_masks) in
// onnxruntime-node (CPU, one thread) on a golden's im_data/im_info and writes the outputs to <out-dir>:
// outputs.json ([{ name, dtype, dims }]) + <name>.bin (raw little-endian values). A separate process:
// onnxruntime-node's typed arrays are not those of jest's sandbox realm.
//
//   node test/converter/onnxruntime_run.mjs <model.onnx[.gz]> <golden stem> <out-dir>
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import ort from 'onnxruntime-node';
import { readDump } from '../../tools/oracle/tensor_dump.mjs';

const [modelPath, stem, out] = process.argv.slice(2);
if (out === undefined) {
  console.error('usage: onnxruntime_run.mjs <model.onnx[.gz]> <golden stem> <out-dir>');
  process.exit(2);
}
const raw = fs.readFileSync(modelPath);
const model = new Uint8Array(modelPath.endsWith('.gz') ? zlib.gunzipSync(raw) : raw);
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const g = readDump(stem).tensors;
const feed = {};
for (const name of ['im_data', 'im_info']) {
  const t = g.get(name);
  if (t === undefined) throw new Error(`${stem}: golden lacks ${name}`);
  feed[name] = new ort.Tensor('float32', t.data, t.shape);
}
const res = await session.run(feed);
const list = [];
for (const [name, t] of Object.entries(res)) {
  fs.writeFileSync(path.join(out, `${name}.bin`), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  list.push({ name, dtype: t.type, dims: t.dims });
}
fs.writeFileSync(path.join(out, 'outputs.json'), JSON.stringify(list));
await session.release();
