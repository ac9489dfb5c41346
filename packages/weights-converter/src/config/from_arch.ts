/** The config written into model.json for a detected architecture (widths and counts from shapes). */
import { ShapeMismatchError } from '../errors';
import { ArchitectureInfo } from '../transform/detect';
import { PresetConfig, preset0049, presetTorchvision } from './presets';

export interface InputOverrides {
  /** Per-channel mean found in the source graph (e.g. an IR's Subtract before the stem). */
  mean?: number[];
  std?: number[];
}

function anchorsPerLocation(a: PresetConfig['anchors']): number {
  if (a.kind === 'table') return (a.widths as number[][])[0].length;
  return (a.sizes as number[][])[0].length * (a.ratios as number[]).length;
}

export function configFor(info: ArchitectureInfo, input: InputOverrides = {}): PresetConfig {
  const cfg = info.arch === '0049' ? preset0049() : presetTorchvision();
  const a = anchorsPerLocation(cfg.anchors);
  if (info.numAnchors !== a) {
    throw new ShapeMismatchError(`RPN predicts ${info.numAnchors} anchors per location, the ${cfg.name} anchors have ${a}`, { tensor: 'rpn.head.cls_logits.weight' });
  }
  if (info.roiResolution !== cfg.roi.boxOutputSize) {
    throw new ShapeMismatchError(`box head reads ${info.roiResolution}x${info.roiResolution} RoIs, ${cfg.roi.boxOutputSize} expected`, { tensor: 'roi_heads.box_head.fc6.weight' });
  }
  cfg.numClasses = info.numClasses;
  cfg.backbone.widthDiv = info.widthDiv;
  cfg.backbone.blocks = [...info.blocks];
  cfg.fpn.channels = info.fpnChannels;
  cfg.boxHead.fcDim = info.boxHeadChannels;
  cfg.mask = { channels: info.maskHeadChannels, convs: info.maskHeadConvs };
  if (input.mean !== undefined) cfg.input.mean = [...input.mean];
  if (input.std !== undefined) cfg.input.std = [...input.std];
  return cfg;
}
