/** Small canonical state dicts with deterministic values, for tests. */
import { NamedTensor, WeightMap, numElements } from '../types';

/** Deterministic pseudo-random floats in [-1, 1) (LCG), reproducible across runs. */
export function pseudoRandom(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function tensor(name: string, shape: number[], data?: ArrayLike<number>): NamedTensor {
  const n = numElements(shape);
  const d = data === undefined ? new Float32Array(n) : Float32Array.from(data);
  if (d.length !== n) throw new Error(`${name}: ${d.length} values for shape [${shape}]`);
  return { name, shape, dtype: 'float32', data: d };
}

export interface SyntheticOptions {
  widthDiv: number;
  blocks?: number[];
  numClasses?: number;
  maskChannels?: number;
  /** torchvision >= 0.13 names for FPN/RPN/mask head. */
  newStyleNames?: boolean;
}

/** A complete canonical Mask R-CNN state dict (ResNet-FPN) with small pseudo-random values. */
export function syntheticStateDict(o: SyntheticOptions): WeightMap {
  const k = o.widthDiv;
  const blocks = o.blocks ?? [1, 1, 1, 1];
  const nc = o.numClasses ?? 81;
  const f = 256 / k;
  const mc = o.maskChannels ?? 128 / k;
  const rep = 1024 / k;
  const map: WeightMap = new Map();
  let seed = 1;
  const add = (name: string, shape: number[]): void => {
    const data = pseudoRandom(numElements(shape), seed++);
    if (name.endsWith('running_var')) for (let i = 0; i < data.length; i++) data[i] = 0.5 + Math.abs(data[i]);
    map.set(name, tensor(name, shape, data));
  };
  const bn = (p: string, c: number): void => {
    for (const fld of ['weight', 'bias', 'running_mean', 'running_var']) add(`${p}.${fld}`, [c]);
  };
  add('backbone.body.conv1.weight', [64 / k, 3, 7, 7]);
  bn('backbone.body.bn1', 64 / k);
  let inC = 64 / k;
  const stageOut: number[] = [];
  for (let s = 0; s < 4; s++) {
    const mid = (64 << s) / k;
    const outC = mid * 4;
    for (let b = 0; b < blocks[s]; b++) {
      const p = `backbone.body.layer${s + 1}.${b}`;
      add(`${p}.conv1.weight`, [mid, b === 0 ? inC : outC, 1, 1]); bn(`${p}.bn1`, mid);
      add(`${p}.conv2.weight`, [mid, mid, 3, 3]); bn(`${p}.bn2`, mid);
      add(`${p}.conv3.weight`, [outC, mid, 1, 1]); bn(`${p}.bn3`, outC);
      if (b === 0) { add(`${p}.downsample.0.weight`, [outC, inC, 1, 1]); bn(`${p}.downsample.1`, outC); }
    }
    inC = outC;
    stageOut.push(outC);
  }
  const ns = o.newStyleNames === true;
  for (let i = 0; i < 4; i++) {
    const inner = ns ? `backbone.fpn.inner_blocks.${i}.0` : `backbone.fpn.inner_blocks.${i}`;
    add(`${inner}.weight`, [f, stageOut[i], 1, 1]); add(`${inner}.bias`, [f]);
  }
  for (let i = 0; i < 4; i++) {
    const layer = ns ? `backbone.fpn.layer_blocks.${i}.0` : `backbone.fpn.layer_blocks.${i}`;
    add(`${layer}.weight`, [f, f, 3, 3]); add(`${layer}.bias`, [f]);
  }
  const rpnConv = ns ? 'rpn.head.conv.0.0' : 'rpn.head.conv';
  add(`${rpnConv}.weight`, [f, f, 3, 3]); add(`${rpnConv}.bias`, [f]);
  add('rpn.head.cls_logits.weight', [3, f, 1, 1]); add('rpn.head.cls_logits.bias', [3]);
  add('rpn.head.bbox_pred.weight', [12, f, 1, 1]); add('rpn.head.bbox_pred.bias', [12]);
  add('roi_heads.box_head.fc6.weight', [rep, f * 49]); add('roi_heads.box_head.fc6.bias', [rep]);
  add('roi_heads.box_head.fc7.weight', [rep, rep]); add('roi_heads.box_head.fc7.bias', [rep]);
  add('roi_heads.box_predictor.cls_score.weight', [nc, rep]); add('roi_heads.box_predictor.cls_score.bias', [nc]);
  add('roi_heads.box_predictor.bbox_pred.weight', [nc * 4, rep]); add('roi_heads.box_predictor.bbox_pred.bias', [nc * 4]);
  for (let i = 0; i < 4; i++) {
    const m = ns ? `roi_heads.mask_head.${i}.0` : `roi_heads.mask_head.mask_fcn${i + 1}`;
    add(`${m}.weight`, [mc, i === 0 ? f : mc, 3, 3]); add(`${m}.bias`, [mc]);
  }
  add('roi_heads.mask_predictor.conv5_mask.weight', [mc, mc, 2, 2]); add('roi_heads.mask_predictor.conv5_mask.bias', [mc]);
  add('roi_heads.mask_predictor.mask_fcn_logits.weight', [nc, mc, 1, 1]); add('roi_heads.mask_predictor.mask_fcn_logits.bias', [nc]);
  return map;
}
