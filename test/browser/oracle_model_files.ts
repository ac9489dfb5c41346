/**
 * An oracle weight dump (canonical PyTorch names, `mrcnn-tensors/1`) as the files of a tfjs model:
 * the converter's transform to the tfjs layout, one weights.bin, and model.json carrying the
 * architecture config — what a browser page loads over HTTP (`loadWeights(url)`).
 */
import type { ModelConfig } from '@mrcnn/schema';
import { toTfjsWeightMap, WeightMap } from '@mrcnn/weights-converter';
import { readTensorDump } from '../helpers/tensor_dump';

export interface ModelFiles {
  /** model.json text (weightsManifest → 'weights.bin', userDefinedMetadata.mrcnn). */
  modelJson: string;
  weightsBin: Buffer;
}

function canonicalWeights(weightsStem: string): WeightMap {
  const dump = readTensorDump(weightsStem);
  const map: WeightMap = new Map();
  for (const t of dump.tensors.values()) {
    if (t.dtype === 'uint8') throw new Error(`${weightsStem}: tensor ${t.name} is uint8, expected float32/int32`);
    map.set(t.name, { name: t.name, shape: t.shape, dtype: t.dtype, data: t.data as Float32Array | Int32Array });
  }
  return map;
}

export function oracleModelFiles(weightsStem: string, config: ModelConfig, generatedBy: string): ModelFiles {
  const tfjs = toTfjsWeightMap(canonicalWeights(weightsStem));
  const specs = [...tfjs.values()].map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype }));
  const weightsBin = Buffer.concat([...tfjs.values()].map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)));
  const modelJson = JSON.stringify({
    format: 'mrcnn-weights',
    generatedBy,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    userDefinedMetadata: { mrcnn: config },
  });
  return { modelJson, weightsBin };
}
