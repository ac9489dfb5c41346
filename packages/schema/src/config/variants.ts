/**
 * The named architecture presets: the one table the model, the converter and the CLI read. A new
 * variant (torchvision's v2 model, a ResNet101 body) is one entry here, a plain JSON `ModelConfig`
 * (resolved and validated when read). The converter maps the architecture it detects in a weights
 * file to one of these names and overrides only what the tensor shapes tell (widths, counts).
 */
import { ConfigError } from '../errors';
import { DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG, DEFAULT_TORCHVISION_V2_CONFIG } from './defaults';
import { resolveConfig } from './resolve';
import { ModelConfig } from './types';

export const VARIANTS = {
  /** Intel OMZ instance-segmentation-security-0049 (segmentoly conventions). */
  '0049': DEFAULT_0049_CONFIG,
  /** torchvision 0.14 `maskrcnn_resnet50_fpn` (v1 weights, COCO, 91 classes). */
  'torchvision-v1': DEFAULT_TORCHVISION_CONFIG,
  /** torchvision 0.14 `maskrcnn_resnet50_fpn_v2` (v2 weights: 2-conv RPN head, 4-conv + FC box head, BN). */
  'torchvision-v2': DEFAULT_TORCHVISION_V2_CONFIG,
} as const satisfies Readonly<Record<string, ModelConfig>>;

export type VariantName = keyof typeof VARIANTS;

/** The preset names, in table order. */
export function variantNames(): VariantName[] {
  return Object.keys(VARIANTS).filter(isVariantName);
}

export function isVariantName(name: string): name is VariantName {
  return Object.prototype.hasOwnProperty.call(VARIANTS, name);
}

/** A fresh, validated copy of the named preset; throws `ConfigError` (path `variant`) for an unknown name. */
export function variant(name: string): ModelConfig {
  if (!isVariantName(name)) {
    throw new ConfigError('variant', `unknown architecture ${JSON.stringify(name)}; known: ${variantNames().join(', ')}`);
  }
  return resolveConfig({}, VARIANTS[name]);
}
