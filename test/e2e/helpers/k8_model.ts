/**
 * Writes a tfjs model.json + one shard from the committed K=8 oracle weights
 * (test/fixtures/oracle-k8/weights_0049: canonical PyTorch names), through the converter's
 * transform, with the K=8 config in userDefinedMetadata.mrcnn — the same artifact layout as
 * `mrcnn convert` writes, so `load(dir)` reads it. Used until the default model is committed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { toTfjsWeightMap, WeightMap } from '@mrcnn/weights-converter';
import { resolveConfig, widthDivOverrides } from '@mrcnn/schema';
import { ORACLE_K8 } from '../../helpers/paths';
import { readTensorDump } from '../../helpers/tensor_dump';

/** The K=8 configuration the oracle fixtures were made with. */
export const K8_CONFIG = resolveConfig(widthDivOverrides(8));

/** Writes model.json + group1-shard1of1.bin into `dir` (created) and returns `dir`. */
export function writeK8Model(dir: string, extraMetadata: Record<string, unknown> = {}): string {
  const dump = readTensorDump(path.join(ORACLE_K8, 'weights_0049'));
  const sd: WeightMap = new Map();
  for (const t of dump.tensors.values()) {
    if (t.dtype === 'uint8') throw new Error(`weights_0049: ${t.name} is uint8`);
    sd.set(t.name, { name: t.name, shape: t.shape, dtype: t.dtype, data: t.data as Float32Array | Int32Array });
  }
  const tfjs = toTfjsWeightMap(sd);
  const specs: Array<{ name: string; shape: number[]; dtype: string }> = [];
  const parts: Buffer[] = [];
  for (const t of tfjs.values()) {
    specs.push({ name: t.name, shape: t.shape, dtype: t.dtype });
    parts.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), Buffer.concat(parts));
  const json = {
    format: 'mrcnn-weights',
    generatedBy: 'test/e2e/helpers/k8_model.ts',
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: specs }],
    userDefinedMetadata: { mrcnn: K8_CONFIG, ...extraMetadata },
  };
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  return dir;
}
