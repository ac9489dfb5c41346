/**
 * The oracle's canonical weights as the files of a tfjs model (model.json + one weights.bin, the
 * architecture config in userDefinedMetadata.mrcnn), served to the browser subjects.
 */
import * as path from 'path';
import { tfjsWeightArrays } from '../../../test/parity/oracle_model';
import { configFor } from '../subjects/config';

export interface ModelFiles { modelJson: string; weightsBin: Buffer }

export function modelFiles(oracleDir: string, widthDiv: number): ModelFiles {
  const tfjs = tfjsWeightArrays(path.join(oracleDir, 'weights_0049'));
  const specs = [...tfjs.values()].map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype }));
  const weightsBin = Buffer.concat([...tfjs.values()].map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)));
  const modelJson = JSON.stringify({
    format: 'mrcnn-weights',
    generatedBy: 'benchmarks/src/browser/model_files.ts',
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    userDefinedMetadata: { mrcnn: configFor(widthDiv) },
  });
  return { modelJson, weightsBin };
}
