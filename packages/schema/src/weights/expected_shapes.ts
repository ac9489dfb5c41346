/**
 * The tfjs weight map a configuration needs (names and shapes, docs/CONVENTIONS.md §3): what the
 * network reads, what the converter requires of a converted map, what the parameter count sums.
 */
import { ModelConfig } from '../config/types';
import { anchorsPerLocation } from '../config/validate';
import {
  BODY, BOX_PREDICTOR, boxHeadConvName, boxHeadFcName, FPN, MASK_HEAD, MASK_PREDICTOR, RPN, rpnConvName,
} from './layer_names';
import { resnetWidths } from './resnet_widths';

export type WeightShapes = Map<string, readonly number[]>;

function convShapes(out: WeightShapes, name: string, k: number, cin: number, cout: number): void {
  out.set(`${name}.weight`, [k, k, cin, cout]);
  out.set(`${name}.bias`, [cout]);
}

function fcShapes(out: WeightShapes, name: string, cin: number, cout: number): void {
  out.set(`${name}.weight`, [cin, cout]);
  out.set(`${name}.bias`, [cout]);
}

/** Every weight name of the network with its tfjs shape (HWIO convs, [in, out] FCs, deconv [kh,kw,out,in]). */
export function expectedWeightShapes(cfg: ModelConfig): WeightShapes {
  const out: WeightShapes = new Map();
  const widths = resnetWidths(cfg.backbone.widthDiv);
  convShapes(out, `${BODY}.conv1`, 7, 3, widths.stem);
  let cin = widths.stem;
  cfg.backbone.blocks.forEach((n, s) => {
    const width = widths.inner[s];
    const cout = widths.out[s];
    for (let i = 0; i < n; i++) {
      const name = `${BODY}.layer${s + 1}.${i}`;
      convShapes(out, `${name}.conv1`, 1, cin, width);
      convShapes(out, `${name}.conv2`, 3, width, width);
      convShapes(out, `${name}.conv3`, 1, width, cout);
      if (i === 0) convShapes(out, `${name}.downsample.0`, 1, cin, cout);
      cin = cout;
    }
  });
  const f = cfg.fpn.channels;
  widths.out.forEach((c, i) => convShapes(out, `${FPN}.inner_blocks.${i}`, 1, c, f));
  widths.out.forEach((_, i) => convShapes(out, `${FPN}.layer_blocks.${i}`, 3, f, f));
  const a = anchorsPerLocation(cfg.anchors);
  for (let i = 0; i < cfg.rpn.convs; i++) convShapes(out, rpnConvName(i), 3, f, f);
  convShapes(out, `${RPN}.cls_logits`, 1, f, a);
  convShapes(out, `${RPN}.bbox_pred`, 1, f, 4 * a);
  const s = cfg.roi.boxOutputSize;
  const { convs, convChannels, fcs, fcDim: fc } = cfg.boxHead;
  const k = cfg.numClasses;
  for (let i = 0; i < convs; i++) convShapes(out, boxHeadConvName(i), 3, i === 0 ? f : convChannels, convChannels);
  // The first FC reads the flattened RoI features (of the last conv when there are convs).
  for (let i = 0; i < fcs; i++) fcShapes(out, boxHeadFcName(i), i === 0 ? s * s * (convs > 0 ? convChannels : f) : fc, fc);
  fcShapes(out, `${BOX_PREDICTOR}.cls_score`, fc, k);
  fcShapes(out, `${BOX_PREDICTOR}.bbox_pred`, fc, 4 * k);
  const m = cfg.mask.channels;
  for (let i = 1; i <= cfg.mask.convs; i++) convShapes(out, `${MASK_HEAD}.mask_fcn${i}`, 3, i === 1 ? f : m, m);
  out.set(`${MASK_PREDICTOR}.conv5_mask.weight`, [2, 2, m, m]);
  out.set(`${MASK_PREDICTOR}.conv5_mask.bias`, [m]);
  convShapes(out, `${MASK_PREDICTOR}.mask_fcn_logits`, 1, m, k);
  return out;
}
