/**
 * The model as the protocol shows it: its name and version, and the metadata of its inputs and
 * outputs as the card and OVMS name and shape them (`im_data` FP32 [1,3,320,480] + `im_info` FP32
 * [1,3] → `classes` INT32 [100], `scores` FP32 [100], `boxes` FP32 [100,4], `raw_masks` FP32
 * [100,81,28,28]), sized from the loaded model's config.
 */
import type { ModelMetadata } from './protocol/types';
import type { ModelInfo } from './task';

/** The one version this server serves. */
export const MODEL_VERSION = '1';
/** The metadata's `platform`. */
export const PLATFORM = 'mrcnn_tfjs';

export interface ServedModel {
  name: string;
  version: string;
  info: ModelInfo;
}

export function modelMetadata(m: ServedModel): ModelMetadata {
  const { input, maxDetections: n, numClasses, maskSize } = m.info;
  return {
    name: m.name,
    versions: [m.version],
    platform: PLATFORM,
    inputs: [
      { name: 'im_data', datatype: 'FP32', shape: [1, 3, input.height, input.width] },
      { name: 'im_info', datatype: 'FP32', shape: [1, 3] },
    ],
    outputs: [
      { name: 'classes', datatype: 'INT32', shape: [n] },
      { name: 'scores', datatype: 'FP32', shape: [n] },
      { name: 'boxes', datatype: 'FP32', shape: [n, 4] },
      { name: 'raw_masks', datatype: 'FP32', shape: [n, numClasses, maskSize, maskSize] },
    ],
  };
}
