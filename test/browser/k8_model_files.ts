/**
 * The K=8 oracle model (test/fixtures/oracle-k8/weights_0049, canonical PyTorch names) as the
 * files of a tfjs model: the converter's transform to the tfjs layout, one weights.bin, and
 * model.json carrying the K=8 architecture config — what a browser page loads over HTTP.
 */
import * as path from 'path';
import { resolveConfig, widthDivOverrides } from '@mrcnn/schema';
import { toTfjsWeightMap, WeightMap } from '@mrcnn/weights-converter';
import { readTensorDump, TensorDump } from '../helpers/tensor_dump';
import { ORACLE_K8 } from '../helpers/paths';
import { memoryFiles, Responder, Served } from './chromium';

export interface ModelFiles {
  /** model.json text (weightsManifest → 'weights.bin', userDefinedMetadata.mrcnn). */
  modelJson: string;
  weightsBin: Buffer;
}

function canonicalWeights(): WeightMap {
  const dump = readTensorDump(path.join(ORACLE_K8, 'weights_0049'));
  const map: WeightMap = new Map();
  for (const t of dump.tensors.values()) {
    if (t.dtype === 'uint8') throw new Error(`weights_0049: tensor ${t.name} is uint8, expected float32/int32`);
    map.set(t.name, { name: t.name, shape: t.shape, dtype: t.dtype, data: t.data as Float32Array | Int32Array });
  }
  return map;
}

export function k8ModelFiles(): ModelFiles {
  const tfjs = toTfjsWeightMap(canonicalWeights());
  const specs = [...tfjs.values()].map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype }));
  const weightsBin = Buffer.concat([...tfjs.values()].map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)));
  const modelJson = JSON.stringify({
    format: 'mrcnn-weights',
    generatedBy: 'test/browser/k8_model_files.ts',
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    userDefinedMetadata: { mrcnn: resolveConfig(widthDivOverrides(8)) },
  });
  return { modelJson, weightsBin };
}

/**
 * Serves the K=8 model under /k8/ (model.json, weights.bin) and, given a golden, its network
 * input as raw float32 bytes at /k8/im_data.bin.
 */
export function k8Files(golden?: TensorDump): Responder {
  const model = k8ModelFiles();
  const files: Record<string, Served> = {
    '/k8/model.json': { body: model.modelJson, type: 'application/json' },
    '/k8/weights.bin': { body: model.weightsBin, type: 'application/octet-stream' },
  };
  if (golden !== undefined) {
    const im = golden.get('im_data').data;
    files['/k8/im_data.bin'] = { body: Buffer.from(im.buffer, im.byteOffset, im.byteLength), type: 'application/octet-stream' };
  }
  return memoryFiles(files);
}
