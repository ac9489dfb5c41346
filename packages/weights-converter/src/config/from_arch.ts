/**
 * The config written into model.json for a detected architecture: the @mrcnn/schema variant the
 * architecture maps to, with what the tensor shapes tell (class count, widths, block and conv
 * counts) and what the source graph says about the input (an IR's mean/std) merged over it.
 */
import {
  anchorsPerLocation, ConfigError, DeepPartial, InputConfig, ModelConfig, resolveConfig, Triple, variant, VariantName,
} from '@mrcnn/schema';
import { ShapeMismatchError, WeightsFormatError } from '../errors';
import { Arch, ArchitectureInfo } from '../transform/detect';

/** The schema variant each detected architecture is converted as. */
const ARCH_VARIANT: Readonly<Record<Arch, VariantName>> = {
  '0049': '0049', torchvision: 'torchvision-v1', 'torchvision-v2': 'torchvision-v2',
};

export interface InputOverrides {
  /** Per-channel mean found in the source graph (e.g. an IR's Subtract before the stem). */
  mean?: readonly number[];
  std?: readonly number[];
  channelOrder?: InputConfig['channelOrder'];
}

function triple(v: readonly number[], what: string): Triple {
  if (v.length !== 3) throw new WeightsFormatError(`the input ${what} has ${v.length} channels, 3 expected`);
  return [v[0], v[1], v[2]];
}

function inputOverrides(input: InputOverrides): DeepPartial<InputConfig> {
  return {
    ...(input.mean !== undefined ? { mean: triple(input.mean, 'mean') } : {}),
    ...(input.std !== undefined ? { std: triple(input.std, 'std') } : {}),
    ...(input.channelOrder !== undefined ? { channelOrder: input.channelOrder } : {}),
  };
}

/** `overrides` merged over `base` and validated; a value outside the schema's domain is a ShapeMismatchError. */
function resolveFor(overrides: DeepPartial<ModelConfig>, base: ModelConfig): ModelConfig {
  try {
    return resolveConfig(overrides, base);
  } catch (e) {
    if (e instanceof ConfigError) throw new ShapeMismatchError(`the weights describe no valid ${base.name} architecture: ${e.message}`);
    throw e;
  }
}

export function configFor(info: ArchitectureInfo, input: InputOverrides = {}): ModelConfig {
  const base = variant(ARCH_VARIANT[info.arch]);
  const a = anchorsPerLocation(base.anchors);
  if (info.numAnchors !== a) {
    throw new ShapeMismatchError(`RPN predicts ${info.numAnchors} anchors per location, the ${base.name} anchors have ${a}`, { tensor: 'rpn.head.cls_logits.weight' });
  }
  if (info.roiResolution !== base.roi.boxOutputSize) {
    throw new ShapeMismatchError(`box head reads ${info.roiResolution}x${info.roiResolution} RoIs, ${base.roi.boxOutputSize} expected`, { tensor: 'roi_heads.box_head.fc6.weight' });
  }
  const b = info.blocks;
  return resolveFor({
    numClasses: info.numClasses,
    input: inputOverrides(input),
    backbone: { widthDiv: info.widthDiv, blocks: [b[0], b[1], b[2], b[3]] },
    fpn: { channels: info.fpnChannels },
    rpn: { convs: info.rpnConvs },
    boxHead: {
      convs: info.boxHeadConvs,
      // Without convs the width is unused: the variant's stands.
      ...(info.boxHeadConvs > 0 ? { convChannels: info.boxHeadConvChannels } : {}),
      fcs: info.boxHeadFcs,
      fcDim: info.boxHeadChannels,
    },
    mask: { channels: info.maskHeadChannels, convs: info.maskHeadConvs },
  }, base);
}

/** `config` with a changed input convention (channel order, mean, std), validated. */
export function withInput(config: ModelConfig, input: InputOverrides): ModelConfig {
  return resolveFor({ input: inputOverrides(input) }, config);
}
