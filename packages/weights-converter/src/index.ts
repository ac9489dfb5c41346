/** @mrcnn/weights-converter: readers (.pth, ONNX, OpenVINO IR), the tfjs transform, the tfjs writer. */
export type { NamedTensor, WeightMap, TensorDType } from './types';
export {
  ConverterError, WeightsFormatError, ShapeMismatchError, MissingTensorError, UnsafePickleError,
} from './errors';
export * from './transform';
