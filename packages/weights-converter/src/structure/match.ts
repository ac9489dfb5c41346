/**
 * Structural matching: names the weight layers of a graph (ONNX with renamed initializers,
 * OpenVINO IR with opaque layer names) by their place in a ResNet-FPN Mask R-CNN, never by their
 * names. Walks from the stem (7x7 conv on the image) through the bottleneck blocks (a block's convs
 * are recognized by who feeds whom; a stage's first block also has the downsample conv that shares
 * conv1's input), then FPN laterals (fed by a stage output), FPN 3x3 outputs (fed by the top-down
 * sum of laterals i..3), the shared RPN head, fc6 -> fc7 -> cls/bbox, and the mask chain found
 * backwards from the only ConvTranspose. Every shape is checked against the width found at the stem.
 */
import { MissingTensorError, ShapeMismatchError, WeightsFormatError } from '../errors';
import { GraphLayer } from './graph';

export interface MatchResult {
  /** Canonical module name (docs/CONVENTIONS.md §2) -> layer. */
  modules: Map<string, GraphLayer>;
  blocks: number[];
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

function shapeIs(l: GraphLayer, shape: number[]): boolean {
  const s = l.weight.shape;
  return s.length === shape.length && s.every((d, i) => shape[i] < 0 || d === shape[i]);
}

export function matchStructure(layers: GraphLayer[], file: string): MatchResult {
  const free = new Set(layers.map((l) => l.id));
  const modules = new Map<string, GraphLayer>();
  const take = (name: string, l: GraphLayer): GraphLayer => { free.delete(l.id); modules.set(name, l); return l; };
  const find = (pred: (l: GraphLayer) => boolean): GraphLayer | undefined => layers.find((l) => free.has(l.id) && pred(l));
  const must = (name: string, what: string, pred: (l: GraphLayer) => boolean): GraphLayer => {
    const l = find(pred);
    if (l === undefined) throw new MissingTensorError(`no layer in the graph matches ${what}`, { file, tensor: `${name}.weight` });
    return take(name, l);
  };
  const conv = (l: GraphLayer): boolean => l.kind === 'conv';

  const stem = must('backbone.body.conv1', 'the stem (7x7 conv on the 3-channel image)', (l) => conv(l) && shapeIs(l, [-1, 3, 7, 7]));
  const stemC = stem.weight.shape[0];
  if (64 % stemC !== 0) throw new ShapeMismatchError(`stem has ${stemC} channels, expected 64 / K`, { file, op: stem.id });
  const k = 64 / stemC;

  let trunk = [stem.id];
  let inC = stemC;
  const stageTrunks: string[][] = [];
  const blocks: number[] = [];
  for (let s = 0; s < 4; s++) {
    const mid = (64 << s) / k;
    const out = 4 * mid;
    let b = 0;
    for (;;) {
      const p = `backbone.body.layer${s + 1}.${b}`;
      const cin = b === 0 ? inC : out;
      const conv2Of = (c1: GraphLayer): GraphLayer | undefined =>
        find((l) => conv(l) && shapeIs(l, [mid, mid, 3, 3]) && sameSet(l.upstream, [c1.id]));
      const c1 = find((l) => conv(l) && shapeIs(l, [mid, cin, 1, 1]) && sameSet(l.upstream, trunk) && conv2Of(l) !== undefined);
      if (c1 === undefined) {
        if (b === 0) throw new MissingTensorError('no bottleneck conv1 follows the previous stage', { file, tensor: `${p}.conv1.weight` });
        break;
      }
      take(`${p}.conv1`, c1);
      const c2 = take(`${p}.conv2`, conv2Of(c1)!);
      const c3 = must(`${p}.conv3`, `the 1x1 ${mid}->${out} conv after ${c2.id}`,
        (l) => conv(l) && shapeIs(l, [out, mid, 1, 1]) && sameSet(l.upstream, [c2.id]));
      if (b === 0) {
        const ds = must(`${p}.downsample.0`, `the 1x1 ${cin}->${out} downsample conv beside ${c1.id}`,
          (l) => conv(l) && shapeIs(l, [out, cin, 1, 1]) && sameSet(l.upstream, trunk));
        trunk = [c3.id, ds.id];
      } else {
        trunk = [c3.id, ...trunk];
      }
      b++;
    }
    blocks.push(b);
    stageTrunks.push(trunk);
    inC = out;
  }

  const inner: GraphLayer[] = [];
  for (let i = 0; i < 4; i++) {
    inner.push(must(`backbone.fpn.inner_blocks.${i}`, `the FPN lateral 1x1 conv on stage ${i + 1}'s output`,
      (l) => conv(l) && shapeIs(l, [-1, (256 << i) / k, 1, 1]) && sameSet(l.upstream, stageTrunks[i])));
  }
  const f = inner[0].weight.shape[0];
  for (const l of inner) {
    if (l.weight.shape[0] !== f) throw new ShapeMismatchError(`FPN lateral has ${l.weight.shape[0]} channels, others ${f}`, { file, op: l.id });
  }
  const outs: GraphLayer[] = [];
  for (let i = 0; i < 4; i++) {
    const feed = inner.slice(i).map((l) => l.id);
    outs.push(must(`backbone.fpn.layer_blocks.${i}`, `the FPN 3x3 output conv on level ${i + 2}`,
      (l) => conv(l) && shapeIs(l, [f, f, 3, 3]) && sameSet(l.upstream, feed)));
  }
  const outIds = outs.map((l) => l.id);
  const fromPyramid = (l: GraphLayer): boolean => l.upstream.length > 0 && l.upstream.every((u) => outIds.includes(u));
  const rpnConv = must('rpn.head.conv', 'the RPN 3x3 conv on the pyramid levels', (l) => conv(l) && shapeIs(l, [f, f, 3, 3]) && fromPyramid(l));
  const rpnOuts = layers.filter((l) => free.has(l.id) && conv(l) && shapeIs(l, [-1, f, 1, 1]) && sameSet(l.upstream, [rpnConv.id]))
    .sort((a, b) => a.weight.shape[0] - b.weight.shape[0]);
  if (rpnOuts.length !== 2 || rpnOuts[1].weight.shape[0] !== 4 * rpnOuts[0].weight.shape[0]) {
    throw new MissingTensorError(`expected the RPN objectness (A) and delta (4A) 1x1 convs after ${rpnConv.id}`, { file, tensor: 'rpn.head.cls_logits.weight' });
  }
  take('rpn.head.cls_logits', rpnOuts[0]);
  take('rpn.head.bbox_pred', rpnOuts[1]);

  const fcIds = (): string[] => layers.filter((l) => l.kind === 'fc').map((l) => l.id);
  const fc6 = must('roi_heads.box_head.fc6', 'the first box-head FC (input F x R x R)',
    (l) => l.kind === 'fc' && l.weight.shape[1] % f === 0 && !l.upstream.some((u) => fcIds().includes(u)));
  const rep = fc6.weight.shape[0];
  const fc7 = must('roi_heads.box_head.fc7', `the FC ${rep}->${rep} after ${fc6.id}`,
    (l) => l.kind === 'fc' && shapeIs(l, [rep, rep]) && sameSet(l.upstream, [fc6.id]));
  const preds = layers.filter((l) => free.has(l.id) && l.kind === 'fc' && shapeIs(l, [-1, rep]) && sameSet(l.upstream, [fc7.id]))
    .sort((a, b) => a.weight.shape[0] - b.weight.shape[0]);
  if (preds.length !== 2 || preds[1].weight.shape[0] !== 4 * preds[0].weight.shape[0]) {
    throw new MissingTensorError(`expected cls_score (C) and bbox_pred (4C) FCs after ${fc7.id}`, { file, tensor: 'roi_heads.box_predictor.cls_score.weight' });
  }
  take('roi_heads.box_predictor.cls_score', preds[0]);
  take('roi_heads.box_predictor.bbox_pred', preds[1]);
  const numClasses = preds[0].weight.shape[0];

  const deconv = must('roi_heads.mask_predictor.conv5_mask', 'the mask ConvTranspose', (l) => l.kind === 'deconv');
  const mc = deconv.weight.shape[0];
  const chain: GraphLayer[] = [];
  for (let cur = deconv; ;) {
    if (cur.upstream.length !== 1) break;
    const prev = layers.find((l) => l.id === cur.upstream[0]);
    if (prev === undefined || !free.has(prev.id) || !conv(prev) || !shapeIs(prev, [mc, -1, 3, 3])) break;
    chain.unshift(prev);
    free.delete(prev.id);
    cur = prev;
  }
  if (chain.length === 0 || chain[0].weight.shape[1] !== f) {
    throw new MissingTensorError(`no chain of 3x3 mask convs (${f}->${mc}) feeds ${deconv.id}`, { file, tensor: 'roi_heads.mask_head.mask_fcn1.weight' });
  }
  chain.forEach((l, i) => take(`roi_heads.mask_head.mask_fcn${i + 1}`, l));
  must('roi_heads.mask_predictor.mask_fcn_logits', `the 1x1 ${mc}->${numClasses} conv after ${deconv.id}`,
    (l) => conv(l) && shapeIs(l, [numClasses, mc, 1, 1]) && sameSet(l.upstream, [deconv.id]));

  const left = layers.filter((l) => free.has(l.id));
  if (left.length > 0) {
    throw new WeightsFormatError(`${left.length} weight layer(s) match no part of the model: ${left.slice(0, 4).map((l) => `${l.op} ${l.id}`).join(', ')}`, { file, op: left[0].id });
  }
  return { modules, blocks };
}
