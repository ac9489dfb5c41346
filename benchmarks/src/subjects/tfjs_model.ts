/**
 * The tfjs subjects load weights the way users do: a model.json + shards written by
 * @mrcnn/weights-converter from the very ONNX file onnxruntime runs (0049), or from the checkpoint
 * torchvision's ONNX was exported from (torchvision workload: its export is a whole graph with the
 * transform; users convert the .pth), read by @mrcnn/model's loader. The conversion runs once in the
 * parent process (never timed, never in a subject's memory) and is cached in the scratch folder
 * until its source changes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { convert } from '@mrcnn/weights-converter';
import { plainFile } from '../inputs';
import { BenchInputs } from '../types';
import { workloadFiles } from '../workloads/workload';

/** Where the converted model of these inputs lives (it may not exist yet). */
export function tfjsModelJson(inputs: BenchInputs): string {
  return path.join(inputs.scratchDir, path.basename(inputs.oracleDir), 'tfjs_model', 'model.json');
}

/** Converts the ONNX export (.pth) when the cached model.json is missing or older; undefined without the source. */
export async function ensureTfjsModel(inputs: BenchInputs, log: (line: string) => void): Promise<string | undefined> {
  const files = workloadFiles(inputs.workload ?? '0049');
  const source = plainFile(inputs, files.tfjsFromOnnx ? files.onnx : files.pth);
  if (source === undefined) return undefined;
  const json = tfjsModelJson(inputs);
  if (fs.existsSync(json) && fs.statSync(json).mtimeMs >= fs.statSync(source).mtimeMs) return json;
  const t0 = Date.now();
  const s = await convert(source, path.dirname(json), { overwrite: true });
  log(`converted ${path.relative(process.cwd(), source)} → ${path.relative(process.cwd(), json)} (${s.tensors} tensors, ${s.shards} shards, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return json;
}
