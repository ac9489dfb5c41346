/**
 * The exporter's model run by onnxruntime-node (onnxruntime_run.mjs, in a child process) on a
 * golden's im_data/im_info: the reference outputs of an exported 0049-style ONNX file (classes,
 * scores, boxes, raw_masks), returned in the shape of a golden dump so compareWithGolden can use them.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers/converter_fixtures';
import { DumpTensor, TensorDump } from '../helpers/tensor_dump';

const RUNNER = path.join(__dirname, 'onnxruntime_run.mjs');

/** `goldenStem`'s im_data/im_info through `modelFile` (.onnx or .onnx.gz); temp files go with removeTempDirs(). */
export function onnxruntimeOutputs(modelFile: string, goldenStem: string): TensorDump {
  const out = tempDir('mrcnn-ort-');
  const r = spawnSync(process.execPath, [RUNNER, modelFile, goldenStem, out], { encoding: 'utf8', timeout: 180000 });
  if (r.status !== 0) throw new Error(`onnxruntime_run.mjs ${modelFile} failed (${r.status ?? r.signal}): ${r.stderr}`);
  const list = JSON.parse(fs.readFileSync(path.join(out, 'outputs.json'), 'utf8')) as { name: string; dtype: string; dims: number[] }[];
  const tensors = new Map<string, DumpTensor>();
  for (const { name, dtype, dims } of list) {
    const b = fs.readFileSync(path.join(out, `${name}.bin`));
    const bytes = new Uint8Array(b.byteLength);
    bytes.set(b);
    if (dtype !== 'int32' && dtype !== 'float32') continue;
    const data = dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
    tensors.set(name, { name, dtype, shape: dims, data });
  }
  return {
    meta: { source: `onnxruntime-node on ${path.basename(modelFile)}` }, tensors, has: (n) => tensors.has(n),
    get(n) { const t = tensors.get(n); if (t === undefined) throw new Error(`${modelFile}: no output ${n}`); return t; },
  };
}
