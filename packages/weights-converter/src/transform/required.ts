/**
 * The complete tfjs weight set an architecture needs (names and tfjs shapes), derived from the
 * detected facts, so a converted map with a missing or misshapen tensor fails before anything is written.
 */
import { MissingTensorError, ShapeMismatchError, WeightsFormatError } from '../errors';
import { WeightMap } from '../types';
import { ArchitectureInfo } from './detect';

export function requiredShapes(info: ArchitectureInfo): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const conv = (name: string, k: number, cin: number, cout: number): void => {
    out.set(`${name}.weight`, [k, k, cin, cout]);
    out.set(`${name}.bias`, [cout]);
  };
  const fc = (name: string, cin: number, cout: number): void => {
    out.set(`${name}.weight`, [cin, cout]);
    out.set(`${name}.bias`, [cout]);
  };
  const k = info.widthDiv;
  conv('backbone.body.conv1', 7, 3, 64 / k);
  let cin = 64 / k;
  const outs: number[] = [];
  info.blocks.forEach((n, s) => {
    const mid = (64 << s) / k;
    const cout = 4 * mid;
    for (let b = 0; b < n; b++) {
      const p = `backbone.body.layer${s + 1}.${b}`;
      conv(`${p}.conv1`, 1, cin, mid);
      conv(`${p}.conv2`, 3, mid, mid);
      conv(`${p}.conv3`, 1, mid, cout);
      if (b === 0) conv(`${p}.downsample.0`, 1, cin, cout);
      cin = cout;
    }
    outs.push(cout);
  });
  const f = info.fpnChannels;
  outs.forEach((c, i) => conv(`backbone.fpn.inner_blocks.${i}`, 1, c, f));
  outs.forEach((_, i) => conv(`backbone.fpn.layer_blocks.${i}`, 3, f, f));
  conv('rpn.head.conv', 3, f, f);
  conv('rpn.head.cls_logits', 1, f, info.numAnchors);
  conv('rpn.head.bbox_pred', 1, f, 4 * info.numAnchors);
  const r = info.roiResolution;
  const rep = info.boxHeadChannels;
  fc('roi_heads.box_head.fc6', r * r * f, rep);
  fc('roi_heads.box_head.fc7', rep, rep);
  fc('roi_heads.box_predictor.cls_score', rep, info.numClasses);
  fc('roi_heads.box_predictor.bbox_pred', rep, 4 * info.numClasses);
  const m = info.maskHeadChannels;
  for (let i = 1; i <= info.maskHeadConvs; i++) conv(`roi_heads.mask_head.mask_fcn${i}`, 3, i === 1 ? f : m, m);
  out.set('roi_heads.mask_predictor.conv5_mask.weight', [2, 2, m, m]);
  out.set('roi_heads.mask_predictor.conv5_mask.bias', [m]);
  conv('roi_heads.mask_predictor.mask_fcn_logits', 1, m, info.numClasses);
  return out;
}

/** Throws MissingTensorError / ShapeMismatchError / WeightsFormatError (extra tensor) naming the tensor. */
export function checkComplete(map: WeightMap, info: ArchitectureInfo, file?: string): void {
  const want = requiredShapes(info);
  for (const [name, shape] of want) {
    const t = map.get(name);
    if (t === undefined) throw new MissingTensorError('required tensor is missing', { file, tensor: name });
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new ShapeMismatchError(`shape [${t.shape.join(',')}], expected [${shape.join(',')}]`, { file, tensor: name });
    }
    if (t.data.length !== shape.reduce((a, b) => a * b, 1)) throw new ShapeMismatchError('data size does not match its shape', { file, tensor: name });
  }
  for (const name of map.keys()) {
    if (!want.has(name)) throw new WeightsFormatError('tensor is not part of the architecture', { file, tensor: name });
  }
}
