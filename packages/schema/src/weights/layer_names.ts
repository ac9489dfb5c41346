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
