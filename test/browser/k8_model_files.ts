/**
 * The K=8 oracle model (test/fixtures/oracle-k8/weights_0049, canonical PyTorch names) as the
 * files of a tfjs model: the converter's transform to the tfjs layout, one weights.bin, and
 * model.json carrying the K=8 architecture config — what a browser page loads over HTTP.
 */
import * as path from 'path';
import { resolveConfig, widthDivOverrides } from '@mrcnn/schema';
import type { TensorDump } from '../helpers/tensor_dump';
import { ORACLE_K8 } from '../helpers/paths';
import { memoryFiles, Responder, Served } from './chromium';
import { ModelFiles, oracleModelFiles } from './oracle_model_files';

export type { ModelFiles } from './oracle_model_files';

export function k8ModelFiles(): ModelFiles {
  return oracleModelFiles(path.join(ORACLE_K8, 'weights_0049'), resolveConfig(widthDivOverrides(8)), 'test/browser/k8_model_files.ts');
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
