/**
 * @mrcnn/schema: the one definition of the architecture that the model, the converter and
 * model.json share. No tfjs and no runtime dependencies: plain data and checks.
 * - errors: `MrcnnError` (base of every error the @mrcnn packages throw on purpose), `ConfigError`,
 *   `SchemaVersionError`;
 * - config: `ModelConfig` types, `DEFAULT_*` values, the `VARIANTS` table, `resolveConfig`;
 * - weights: canonical layer prefixes, `expectedWeightShapes` (tfjs layout), `countParameters`;
 * - metadata: `MODEL_SCHEMA_VERSION` and `readModelMetadata` for model.json's `userDefinedMetadata`;
 * - models: the catalogue of named models (`MODELS`, fetched by @mrcnn/hub), torchvision's COCO
 *   category names, the `FetchProgress` a model fetch reports.
 */
export { MrcnnError, ConfigError, SchemaVersionError } from './errors';
export * from './config/types';
export { DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG, DEFAULT_TORCHVISION_V2_CONFIG, widthDivOverrides } from './config/defaults';
export { anchorsPerLocation } from './config/validate';
export { resolveConfig } from './config/resolve';
export { VARIANTS, variant, variantNames, isVariantName } from './config/variants';
export type { VariantName } from './config/variants';
export {
  BODY, FPN, RPN, BOX_HEAD, BOX_PREDICTOR, MASK_HEAD, MASK_PREDICTOR, rpnConvName, boxHeadConvName, boxHeadFcName,
} from './weights/layer_names';
export { resnetWidths } from './weights/resnet_widths';
export type { ResnetWidths } from './weights/resnet_widths';
export { expectedWeightShapes } from './weights/expected_shapes';
export type { WeightShapes } from './weights/expected_shapes';
export { countParameters } from './weights/parameters';
export type { ParameterCount } from './weights/parameters';
export { MODEL_SCHEMA_VERSION, FIRST_SCHEMA_VERSION, readModelMetadata, modelMetadata } from './metadata/model_metadata';
export type { ModelMetadata } from './metadata/model_metadata';
export {
  MODELS, builtinModel, modelNames, isModelNameLike, sha256PrefixOf, urlFileName, checkModelEntry,
} from './models/catalogue';
export type { ModelEntry, PublishedMetrics } from './models/catalogue';
export { TORCHVISION_COCO_CATEGORIES } from './models/coco_categories';
export type { FetchPhase, FetchProgress } from './models/fetch_progress';
export { MAX_WASM_THREADS, wasmThreadsFor } from './wasm_threads';
