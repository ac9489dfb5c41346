/**
 * The complete tfjs weight set an architecture needs (names and tfjs shapes): @mrcnn/schema's
 * `expectedWeightShapes` of the config the detected facts convert to, the same set the model
 * reads, so a converted map with a missing, extra or misshapen tensor fails before anything is written.
 */
import { expectedWeightShapes, WeightShapes } from '@mrcnn/schema';
import { configFor } from '../config/from_arch';
import { MissingTensorError, ShapeMismatchError, WeightsFormatError } from '../errors';
import { WeightMap } from '../types';
import { ArchitectureInfo } from './detect';

/** Throws ShapeMismatchError when the facts fit no variant of the schema (anchor count, RoI size, widths). */
export function requiredShapes(info: ArchitectureInfo): WeightShapes {
  return expectedWeightShapes(configFor(info));
}

/** Throws MissingTensorError / ShapeMismatchError / WeightsFormatError (extra tensor) naming the tensor. */
export function checkComplete(map: WeightMap, info: ArchitectureInfo, file?: string): void {
  const want = requiredShapes(info);
  for (const [name, shape] of want) {
    const t = map.get(name);
    if (t === undefined) throw new MissingTensorError('required tensor is missing', { file, tensor: name });
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new ShapeMismatchError(`shape [${t.shape.join(',')}], expected [${shape.join(',')}]`, { file, tensor: name });
    }
    if (t.data.length !== shape.reduce((a, b) => a * b, 1)) throw new ShapeMismatchError('data size does not match its shape', { file, tensor: name });
  }
  for (const name of map.keys()) {
    if (!want.has(name)) throw new WeightsFormatError('tensor is not part of the architecture', { file, tensor: name });
  }
}
