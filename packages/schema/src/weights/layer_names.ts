/**
 * Module prefixes of the canonical weight names (docs/CONVENTIONS.md §2, §3): the network's layers,
 * the converter's required set and the parameter count all build names from these.
 */
export const BODY = 'backbone.body';
export const FPN = 'backbone.fpn';
export const RPN = 'rpn.head';
export const BOX_HEAD = 'roi_heads.box_head';
export const BOX_PREDICTOR = 'roi_heads.box_predictor';
export const MASK_HEAD = 'roi_heads.mask_head';
export const MASK_PREDICTOR = 'roi_heads.mask_predictor';

/** The i-th (0-based) 3x3 conv of the RPN head: `rpn.head.conv`, then `rpn.head.conv2`, `conv3`, ... */
export function rpnConvName(i: number): string {
  return i === 0 ? `${RPN}.conv` : `${RPN}.conv${i + 1}`;
}

/** The i-th (0-based) conv of the box head (torchvision v2's FastRCNNConvFCHead): `roi_heads.box_head.conv1`, ... */
export function boxHeadConvName(i: number): string {
  return `${BOX_HEAD}.conv${i + 1}`;
}

/** The i-th (0-based) FC of the box head: `roi_heads.box_head.fc6`, `fc7`, ... */
export function boxHeadFcName(i: number): string {
  return `${BOX_HEAD}.fc${i + 6}`;
}
