/** @mrcnn/weights-converter: readers (.pth, ONNX, OpenVINO IR), the tfjs transform, the tfjs writer. */
export type { NamedTensor, WeightMap, TensorDType } from './types';
export {
  ConverterError, WeightsFormatError, ShapeMismatchError, MissingTensorError, UnsafePickleError,
} from './errors';
export { OutputExistsError, writeDirAtomically } from './writer/atomic_dir';
export type { OutputFile } from './writer/atomic_dir';
export * from './transform';
export { readPth } from './readers/pth';
export { readOnnx } from './onnx/read';
export type { OnnxReadResult } from './onnx/read';
export { readIr } from './ir/read';
export type { IrReadResult } from './ir/read';
export { configFor } from './config/from_arch';
export type { InputOverrides } from './config/from_arch';
export { buildArtifacts } from './writer/model_json';
export { encodeTensor, uint8Params } from './writer/quantize';
export type { Quantization } from './writer/quantize';
export { MAX_SHARD_BYTES } from './writer/shards';
export { convert } from './convert';
export { formatLayerReport, reportFromMatch, reportFromNames } from './structure/report';
export type { LayerReport } from './structure/report';
export { describeLayer, matchStructure } from './structure/match';
export type { MatchResult } from './structure/match';
export type { ExternalDataReader } from './onnx/tensor';
export type { OnnxReadOptions } from './onnx/read';
export { externalDataReader } from './io/external_data';
export type { ConvertOptions, ConvertSummary } from './convert';
