/**
 * @mrcnn/model: instance-segmentation-security-0049 (Mask R-CNN ResNet50-FPN) as tfjs ops.
 * Start with `load()` and `model.detect(image)`; see README.md.
 */
export { load, Model, BackendError, defaultModelPath } from './api';
export type { BackendName, DetectOptions, DetectStage, ExecuteOutput, Instance, LoadOptions, StageName } from './api';
export {
  MrcnnError, ArgumentError, ImageDecodeError, ModelLoadError, ShapeMismatchError, DisposedError,
} from './errors';
// The architecture schema is @mrcnn/schema's (one source for the model, the converter and model.json).
export {
  DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG, ConfigError, resolveConfig, widthDivOverrides,
  countParameters, expectedWeightShapes,
} from '@mrcnn/schema';
export type { DeepPartial, ModelConfig, ResizePolicy } from '@mrcnn/schema';
export { COCO_LABELS, COCO_CATEGORY_IDS, labelOf } from './labels';
export { loadWeights } from './io/load_weights';
export type { LoadSourceOptions, LoadedWeights } from './io/load_weights';
export { MaskRCNN } from './network/mask_rcnn';
export type {
  ImageSize, MaskRCNNOptions, ProfileEvent, ProfileStage, RowSelector, RunOptions, SelectedOutput,
} from './network/mask_rcnn';
export type { KernelPlan } from './network/kernel_plan';
export { preprocess, prepareRgbTensor, preparePixelsInto } from './preprocess/prepare';
export type { HostPreparedInput, PreparedInput, PreprocessOptions } from './preprocess/prepare';
export { inputGeometry } from './preprocess/geometry';
export type { InputGeometry } from './preprocess/geometry';
export { decodeImage, readImageFile } from './preprocess/decode';
export type { RgbImage } from './preprocess/decode';
export type { ImageInput, PixelArray } from './preprocess/image_input';
export { pasteMask } from './postprocess/paste';
export { encodeRle, decodeRle, rleArea } from './postprocess/rle';
export type { BinaryMask, CocoRle, RleCounts } from './postprocess/rle';
// The pure COCO evaluator (no file system); the `mrcnn eval` command is @mrcnn/cli's.
export * from './eval/types';
export { CocoFormatError } from './eval/errors';
export { evaluateCoco, evaluateDetections } from './eval/coco_eval';
export type { CocoEvalOptions, CocoEvalResult } from './eval/coco_eval';
export { summarize, STAT_NAMES } from './eval/summarize';
export type { CocoStats, Summary } from './eval/summarize';
export { segmentationToRle } from './eval/segmentation';
export { mapClassesToCategories } from './eval/categories';
export type { CategoryMapping } from './eval/categories';
