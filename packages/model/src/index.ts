/**
 * @mrcnn/model: Mask R-CNN ResNet50-FPN as tfjs ops (instance-segmentation-security-0049 and
 * torchvision's maskrcnn_resnet50_fpn v1/v2, each with its own input transform).
 * Start with `load()` and `model.detect(image)`; see README.md.
 */
export { load, Model, BackendError, defaultModelPath } from './api';
export type { BackendName, DetectOptions, DetectStage, ExecuteOutput, Instance, LoadOptions, StageName } from './api';
export {
  MrcnnError, ArgumentError, ImageDecodeError, ModelLoadError, ShapeMismatchError, DisposedError,
} from './errors';
// The architecture schema is @mrcnn/schema's (one source for the model, the converter and model.json).
export {
  DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG, DEFAULT_TORCHVISION_V2_CONFIG, ConfigError, resolveConfig, widthDivOverrides,
  countParameters, expectedWeightShapes, variant, variantNames,
} from '@mrcnn/schema';
export type { DeepPartial, InputTransform, ModelConfig, ResizePolicy, VariantName } from '@mrcnn/schema';
export { COCO_LABELS, COCO_CATEGORY_IDS, labelOf } from './labels';
export { loadWeights } from './io/load_weights';
export { deleteCachedModel, DEFAULT_MODEL_CACHE } from './io/url_handler';
export type { FetchPhase, FetchProgress, ModelEntry, PublishedMetrics } from '@mrcnn/schema';
export { MODELS, builtinModel, modelNames } from '@mrcnn/schema';
export type { LoadSourceOptions, LoadedWeights } from './io/load_weights';
export { MaskRCNN } from './network/mask_rcnn';
export type {
  ImageSize, MaskRCNNOptions, ProfileEvent, ProfileStage, RowSelector, RunOptions, SelectedOutput,
} from './network/mask_rcnn';
export type { KernelPlan } from './network/kernel_plan';
export { prepareRgbTensor } from './preprocess/prepare';
export type { HostPreparedInput, PreparedInput } from './preprocess/prepare';
export { preparePixelsInto, preprocess } from './transform/preprocess';
export type { PreprocessOptions } from './transform/preprocess';
export type { InputSizeOptions } from './transform/input_size';
export { inputGeometry } from './transform/image_transform';
export type { InputGeometry } from './preprocess/geometry';
export { decodeImage, readImageFile } from './preprocess/decode';
export type { RgbImage } from './preprocess/decode';
export type { ImageInput, PixelArray } from './preprocess/image_input';
export { pasteMask, pasteMaskCropped } from './postprocess/paste';
export { pasteMaskTorchvision } from './postprocess/torchvision_paste';
export { encodeRle, encodePlacedRle, decodeRle, rleArea } from './postprocess/rle';
export type { BinaryMask, CocoRle, PlacedMask, RleCounts } from './postprocess/rle';
// drawing detections: pixels (Node and browsers), PNG (Node), canvas (browsers); one colour scheme
export { renderOverlay, encodePng } from './render/overlay';
export type { DrawableInstance, OverlayOptions } from './render/overlay';
export { instanceColor, INSTANCE_PALETTE } from './render/palette';
export type { Rgb } from './render/palette';
export { toBinaryMask, toColoredMask } from './render/mask_image';
export type { ColoredMaskOptions, MaskedInstance, MaskImage, Rgba } from './render/mask_image';
export { drawDetections, drawMasks } from './render/canvas_overlay';
export type { DrawOptions, LabelledInstance } from './render/canvas_overlay';
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
