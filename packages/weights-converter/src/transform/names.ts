/**
 * Canonical (torchvision legacy) weight names, docs/CONVENTIONS.md §2, and the mapping of
 * torchvision >= 0.13 names back to them, including maskrcnn_resnet50_fpn_v2's layers: its FPN,
 * box head and mask head convs carry a BatchNorm (`<conv>.bn.*`, folded by the converter), its RPN
 * head a second conv (`rpn.head.conv2`) and its box head 4 convs (`roi_heads.box_head.conv1..4`).
 */
import { boxHeadConvName, boxHeadFcName, rpnConvName } from '@mrcnn/schema';

/** maskrcnn-benchmark (FPN Mask R-CNN) module prefixes -> canonical ones. */
const MASKRCNN_BENCHMARK: ReadonlyArray<readonly [RegExp, string]> = [
  [/^backbone\.body\.stem\.(conv1|bn1)\./, 'backbone.body.$1.'],
  [/^roi_heads\.box\.feature_extractor\.(fc6|fc7)\./, 'roi_heads.box_head.$1.'],
  [/^roi_heads\.box\.predictor\.(cls_score|bbox_pred)\./, 'roi_heads.box_predictor.$1.'],
  [/^roi_heads\.mask\.feature_extractor\.(mask_fcn\d+)\./, 'roi_heads.mask_head.$1.'],
  [/^roi_heads\.mask\.predictor\.(conv5_mask|mask_fcn_logits)\./, 'roi_heads.mask_predictor.$1.'],
];

/**
 * Rewrites one torchvision >= 0.13 or maskrcnn-benchmark name to the canonical (torchvision legacy)
 * form; other names pass unchanged.
 */
export function canonicalName(name: string): string {
  for (const [re, to] of MASKRCNN_BENCHMARK) if (re.test(name)) return name.replace(re, to);
  let m = /^backbone\.fpn\.fpn_(inner|layer)(\d)\.(weight|bias)$/.exec(name);
  if (m) return `backbone.fpn.${m[1]}_blocks.${Number(m[2]) - 1}.${m[3]}`;
  m = /^backbone\.fpn\.(inner_blocks|layer_blocks)\.(\d+)\.0\.(weight|bias)$/.exec(name);
  if (m) return `backbone.fpn.${m[1]}.${m[2]}.${m[3]}`;
  m = /^backbone\.fpn\.(inner_blocks|layer_blocks)\.(\d+)\.1\.([a-z_]+)$/.exec(name);
  if (m) return `backbone.fpn.${m[1]}.${m[2]}.bn.${m[3]}`;
  m = /^rpn\.head\.conv\.(\d+)\.0\.(weight|bias)$/.exec(name);
  if (m) return `${rpnConvName(Number(m[1]))}.${m[2]}`;
  m = /^roi_heads\.mask_head\.(\d+)\.0\.(weight|bias)$/.exec(name);
  if (m) return `roi_heads.mask_head.mask_fcn${Number(m[1]) + 1}.${m[2]}`;
  m = /^roi_heads\.mask_head\.(\d+)\.1\.([a-z_]+)$/.exec(name);
  if (m) return `roi_heads.mask_head.mask_fcn${Number(m[1]) + 1}.bn.${m[2]}`;
  m = /^roi_heads\.box_head\.(\d+)\.0\.(weight|bias)$/.exec(name);
  if (m) return `${boxHeadConvName(Number(m[1]))}.${m[2]}`;
  m = /^roi_heads\.box_head\.(\d+)\.1\.([a-z_]+)$/.exec(name);
  if (m) return `${boxHeadConvName(Number(m[1]))}.bn.${m[2]}`;
  return name;
}

/**
 * torchvision's FastRCNNConvFCHead is one nn.Sequential: convs (`N.0`, `N.1`), a Flatten, then
 * Linear/ReLU pairs, so its FC layers are `roi_heads.box_head.<index>.{weight,bias}` at indices that
 * depend on the conv count. Given every name of a state dict, returns the map of those names to
 * `fc6`, `fc7`, ... in index order (empty for a TwoMLPHead, whose FCs are named fc6/fc7 already).
 */
export function boxHeadFcNames(names: readonly string[]): Map<string, string> {
  const re = /^roi_heads\.box_head\.(\d+)\.(weight|bias)$/;
  const indices = [...new Set(names.map((n) => re.exec(n)).filter((m) => m !== null).map((m) => Number(m[1])))].sort((a, b) => a - b);
  const out = new Map<string, string>();
  for (const n of names) {
    const m = re.exec(n);
    if (m) out.set(n, `${boxHeadFcName(indices.indexOf(Number(m[1])))}.${m[2]}`);
  }
  return out;
}

/** Strips a common wrapper prefix (`module.` from DataParallel, `model.`) when every name has it. */
export function stripCommonPrefix(names: readonly string[]): string {
  for (const prefix of ['module.', 'model.']) {
    if (names.length > 0 && names.every((n) => n.startsWith(prefix))) return prefix;
  }
  return '';
}

/** Tensors that carry no weights and are dropped silently (BatchNorm2d's counter, maskrcnn-benchmark's anchors). */
export function isIgnoredName(name: string): boolean {
  return name.endsWith('.num_batches_tracked') || name.startsWith('rpn.anchor_generator.');
}

export const BN_FIELDS = ['weight', 'bias', 'running_mean', 'running_var'] as const;

/**
 * The BN module that follows a conv (canonical names), or undefined for convs that never have one.
 * The body's BNs are ResNet's (`bn1`, `downsample.1`); torchvision v2 adds `<conv>.bn` after the
 * FPN, box head and mask head convs (absent in v1 and 0049, whose convs carry biases instead).
 */
export function bnOfConv(convModule: string): string | undefined {
  if (convModule === 'backbone.body.conv1') return 'backbone.body.bn1';
  let m = /^(backbone\.body\.layer\d+\.\d+)\.conv(\d)$/.exec(convModule);
  if (m) return `${m[1]}.bn${m[2]}`;
  m = /^(backbone\.body\.layer\d+\.\d+\.downsample)\.0$/.exec(convModule);
  if (m) return `${m[1]}.1`;
  if (HEAD_CONV_WITH_BN.test(convModule)) return `${convModule}.bn`;
  return undefined;
}

/** Convs that may carry a `.bn` (torchvision v2's Conv2dNormActivation with BatchNorm2d). */
const HEAD_CONV_WITH_BN = /^(backbone\.fpn\.(inner|layer)_blocks\.\d+|roi_heads\.box_head\.conv\d+|roi_heads\.mask_head\.mask_fcn\d+)$/;

/** The conv a BN module belongs to (inverse of bnOfConv), or undefined when it is not a BN. */
export function convOfBn(bnModule: string): string | undefined {
  if (bnModule === 'backbone.body.bn1') return 'backbone.body.conv1';
  let m = /^(backbone\.body\.layer\d+\.\d+)\.bn(\d)$/.exec(bnModule);
  if (m) return `${m[1]}.conv${m[2]}`;
  m = /^(backbone\.body\.layer\d+\.\d+\.downsample)\.1$/.exec(bnModule);
  if (m) return `${m[1]}.0`;
  m = /^(.+)\.bn$/.exec(bnModule);
  if (m && HEAD_CONV_WITH_BN.test(m[1])) return m[1];
  return undefined;
}

export type LayerKind = 'conv' | 'deconv' | 'fc' | 'fc6';

/** Kind of a canonical module that holds a `.weight` (after BN entries are removed); fc6 reads the flattened RoI features. */
export function layerKind(module: string): LayerKind | undefined {
  if (module === 'roi_heads.mask_predictor.conv5_mask') return 'deconv';
  if (module === 'roi_heads.box_head.fc6') return 'fc6';
  if (/^roi_heads\.box_(head\.fc([7-9]|\d\d)|predictor\.(cls_score|bbox_pred))$/.test(module)) return 'fc';
  if (bnOfConv(module) !== undefined) return 'conv';
  if (/^rpn\.head\.(conv\d*|cls_logits|bbox_pred)$/.test(module)) return 'conv';
  if (/^roi_heads\.mask_head\.mask_fcn\d+$/.test(module)) return 'conv';
  if (module === 'roi_heads.mask_predictor.mask_fcn_logits') return 'conv';
  return undefined;
}

/** Splits `a.b.c.weight` into [`a.b.c`, `weight`]. */
export function splitName(name: string): [string, string] {
  const i = name.lastIndexOf('.');
  return i < 0 ? ['', name] : [name.slice(0, i), name.slice(i + 1)];
}
