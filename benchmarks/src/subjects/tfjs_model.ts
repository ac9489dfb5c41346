/**
 * The tfjs subjects load weights the way users do: a model.json + shards written by
 * @mrcnn/weights-converter from the very ONNX file onnxruntime runs, read by @mrcnn/model's loader.
 * The conversion runs once in the parent process (never timed, never in a subject's memory) and is
 * cached in the scratch folder until the ONNX file changes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { convert } from '@mrcnn/weights-converter';
import { plainFile } from '../inputs';
import { BenchInputs } from '../types';
import { ONNX_FILE } from './ort';

/** Where the converted model of these inputs lives (it may not exist yet). */
export function tfjsModelJson(inputs: BenchInputs): string {
  return path.join(inputs.scratchDir, path.basename(inputs.oracleDir), 'tfjs_model', 'model.json');
}

/** Converts the ONNX export when the cached model.json is missing or older; undefined without an ONNX export. */
export async function ensureTfjsModel(inputs: BenchInputs, log: (line: string) => void): Promise<string | undefined> {
  const onnx = plainFile(inputs, ONNX_FILE);
  if (onnx === undefined) return undefined;
  const json = tfjsModelJson(inputs);
  if (fs.existsSync(json) && fs.statSync(json).mtimeMs >= fs.statSync(onnx).mtimeMs) return json;
  const t0 = Date.now();
  const s = await convert(onnx, path.dirname(json), { overwrite: true });
  log(`converted ${path.relative(process.cwd(), onnx)} → ${path.relative(process.cwd(), json)} (${s.tensors} tensors, ${s.shards} shards, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return json;
}
