/**
 * FLOP counts of the network's learned layers (2 × multiply-accumulates), per stage, from the
 * architecture configuration — the arithmetic of /work/shared/spec/0049-architecture.md §Figures:
 * backbone + FPN + RPN at 320x480 = 2 × 28.097 GMAC; box head on R RoIs =
 * 2R(49F·fc + fc² + fc·5·classes); mask head on D rows = 2D·s²(9F·Cm + 3·9·Cm²) + deconv + predictor.
 * Element-wise ops, pooling, RoIAlign and NMS are not counted (as on the card).
 */
import type { ModelConfig } from '@mrcnn/schema';
import { Stage } from './types';

export interface FlopCounts {
  backbone: number;
  fpn: number;
  rpn: number;
  boxHead: number;
  maskHead: number;
  total: number;
}

/** MACs of a convolution producing an outH × outW map. */
function convMacs(outH: number, outW: number, cin: number, cout: number, k: number): number {
  return outH * outW * cin * cout * k * k;
}

/** Output size of a stride-s conv/pool with 'same'-style padding (ceil). */
function down(x: number, s: number): number {
  return Math.ceil(x / s);
}

function backboneMacs(cfg: ModelConfig, h: number, w: number): { macs: number; levels: Array<{ h: number; w: number; c: number }> } {
  const k = cfg.backbone.widthDiv;
  const stem = 64 / k;
  let macs = convMacs(down(h, 2), down(w, 2), 3, stem, 7);
  let hh = down(h, 4);
  let ww = down(w, 4);
  let cin = stem;
  const levels: Array<{ h: number; w: number; c: number }> = [];
  cfg.backbone.blocks.forEach((n, stage) => {
    const width = (64 << stage) / k;
    const out = width * 4;
    if (stage > 0) { hh = down(hh, 2); ww = down(ww, 2); }
    for (let i = 0; i < n; i++) {
      macs += convMacs(hh, ww, cin, width, 1) + convMacs(hh, ww, width, width, 3) + convMacs(hh, ww, width, out, 1);
      if (i === 0) macs += convMacs(hh, ww, cin, out, 1);
      cin = out;
    }
    levels.push({ h: hh, w: ww, c: out });
  });
  return { macs, levels };
}

/**
 * FLOPs per stage for an input of h × w, `rois` RoIs in the box head and `maskRows` rows in the
 * mask head (0049 runs it on all padded detection rows).
 */
export function flopCounts(cfg: ModelConfig, h: number, w: number, rois: number, maskRows: number): FlopCounts {
  const f = cfg.fpn.channels;
  const { macs: bb, levels } = backboneMacs(cfg, h, w);
  let fpn = 0;
  for (const l of levels) fpn += convMacs(l.h, l.w, l.c, f, 1) + convMacs(l.h, l.w, f, f, 3);
  const a = cfg.anchors.kind === 'table' ? cfg.anchors.widths[0].length : cfg.anchors.sizes[0].length * cfg.anchors.ratios.length;
  const rpnLevels = [...levels.map((l) => [l.h, l.w]), [down(levels[3].h, 2), down(levels[3].w, 2)]];
  let rpn = 0;
  for (const [lh, lw] of rpnLevels) rpn += convMacs(lh, lw, f, f, 3) + convMacs(lh, lw, f, a * 5, 1);
  const fc = cfg.boxHead.fcDim;
  const r = cfg.roi.boxOutputSize;
  const classes = cfg.numClasses;
  const box = rois * (f * r * r * fc + fc * fc + fc * classes * 5);
  const s = cfg.roi.maskOutputSize;
  const cm = cfg.mask.channels;
  const maskConvs = s * s * (9 * f * cm + (cfg.mask.convs - 1) * 9 * cm * cm);
  const deconv = s * s * cm * cm * 4;
  const predictor = 4 * s * s * cm * classes;
  const mask = maskRows * (maskConvs + deconv + predictor);
  const out = { backbone: 2 * bb, fpn: 2 * fpn, rpn: 2 * rpn, boxHead: 2 * box, maskHead: 2 * mask, total: 0 };
  out.total = out.backbone + out.fpn + out.rpn + out.boxHead + out.maskHead;
  return out;
}

/** The stage each FLOP count belongs to in the timing table. */
export const FLOP_STAGE: Record<Exclude<keyof FlopCounts, 'total'>, Stage> = {
  backbone: 'backbone', fpn: 'fpn', rpn: 'rpnProposals', boxHead: 'boxHead', maskHead: 'maskHead',
};
