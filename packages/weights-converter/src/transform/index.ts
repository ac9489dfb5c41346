export { toTfjsWeightMap, canonicalizeNames, foldAllBatchNorms, DEFAULT_BN_EPS } from './to_tfjs';
export type { TransformOptions } from './to_tfjs';
export { detectArchitecture } from './detect';
export type { Arch, ArchitectureInfo } from './detect';
export { foldBatchNorm } from './bn_fold';
export { canonicalName, layerKind } from './names';
export { requiredShapes, checkComplete } from './required';
