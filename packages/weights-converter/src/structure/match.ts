/**
 * Structural matching: names the weight layers of a graph (ONNX with renamed initializers,
 * OpenVINO IR with opaque layer names) by their place in a ResNet-FPN Mask R-CNN, never by their
 * names. Walks from the stem (7x7 conv on the image) through the bottleneck blocks (a block's convs
 * are recognized by who feeds whom; a stage's first block also has the downsample conv that shares
 * conv1's input), then FPN laterals (fed by a stage output), FPN 3x3 outputs (fed by the top-down
 * sum of laterals i..3), the shared RPN head (its 3x3 convs, one or more each fed by the previous:
 * torchvision v2 has 2), the box head (3x3 convs found backwards from fc6 when fc6 is fed by one
 * conv only, as in torchvision v2's FastRCNNConvFCHead; then fc6 -> fc7 -> cls/bbox, fc7 optional
 * only after such convs), and the mask chain found backwards from the only ConvTranspose. Every shape is checked against the width found at the stem.
 * The order of the layer list and the layers' names play no part. A part that cannot be placed is
 * an error naming the canonical tensor, the shape and feed expected, and the unplaced layers closest
 * to it (their shapes and what feeds them).
 */
import { MissingTensorError, ShapeMismatchError, WeightsFormatError } from '../errors';
import { boxHeadConvName, boxHeadFcName, MASK_HEAD, rpnConvName } from '@mrcnn/schema';
import { GraphLayer, ParamKind } from './graph';

export interface MatchResult {
  /** Canonical module name (docs/CONVENTIONS.md §2) -> layer. */
  modules: Map<string, GraphLayer>;
  blocks: number[];
  /** Where the graph puts a stage's stride 2 (layer2.0's 1x1 conv1 or its 3x3 conv2), when the file says. */
  strideOn?: '1x1' | '3x3';
}

/** What a part of the network must look like: kind, weight shape (-1 = any) and the layers feeding it. */
interface Spec {
  what: string;
  kind: ParamKind;
  shape: number[];
  /** Ids of the layers that must feed it (exactly), when fixed. */
  feed?: readonly string[];
  /** Any further condition, described for messages by `what`. */
  extra?: (l: GraphLayer) => boolean;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

function shapeIs(l: GraphLayer, shape: readonly number[]): boolean {
  const s = l.weight.shape;
  return s.length === shape.length && s.every((d, i) => shape[i] < 0 || d === shape[i]);
}

const fmtShape = (s: readonly number[]): string => `[${s.map((d) => (d < 0 ? '?' : d)).join(',')}]`;

/** A layer for messages: `Conv onnx::Conv_12 [32,64,1,1] fed by Conv_5` (its weight layers upstream). */
export function describeLayer(l: GraphLayer): string {
  return `${l.op} ${l.id} ${fmtShape(l.weight.shape)} fed by ${l.upstream.length > 0 ? l.upstream.join(' + ') : 'no weight layer (the input)'}`;
}

export function matchStructure(layers: GraphLayer[], file: string): MatchResult {
  const free = new Set(layers.map((l) => l.id));
  const modules = new Map<string, GraphLayer>();
  const take = (name: string, l: GraphLayer): GraphLayer => { free.delete(l.id); modules.set(name, l); return l; };
  const fits = (s: Spec) => (l: GraphLayer): boolean =>
    l.kind === s.kind && shapeIs(l, s.shape) && (s.feed === undefined || sameSet(l.upstream, s.feed)) && (s.extra === undefined || s.extra(l));
  const find = (s: Spec): GraphLayer | undefined => layers.find((l) => free.has(l.id) && fits(s)(l));
  /** Why nothing fits `s`: the unplaced layers of its kind that have its shape or its feed. */
  const miss = (name: string, s: Spec): MissingTensorError => {
    const want = `${s.kind} ${fmtShape(s.shape)}${s.feed !== undefined ? ` fed by ${s.feed.length > 0 ? s.feed.join(' + ') : 'the input'}` : ''}`;
    const near = layers.filter((l) => free.has(l.id) && l.kind === s.kind
      && (shapeIs(l, s.shape) || (s.feed !== undefined && sameSet(l.upstream, s.feed))));
    const why = (l: GraphLayer): string => {
      const parts: string[] = [];
      if (!shapeIs(l, s.shape)) parts.push('other shape');
      if (s.feed !== undefined && !sameSet(l.upstream, s.feed)) parts.push('other feed');
      if (parts.length === 0) parts.push(`not ${s.what}`);
      return `${describeLayer(l)} (${parts.join(', ')})`;
    };
    const list = near.length > 0
      ? `; unplaced layers of that shape or feed: ${near.slice(0, 3).map(why).join('; ')}${near.length > 3 ? `; and ${near.length - 3} more` : ''}`
      : `; no unplaced ${s.kind} layer has that shape or feed`;
    return new MissingTensorError(`no layer in the graph matches ${s.what} (expected ${want})${list}`, { file, tensor: `${name}.weight` });
  };
  /**
   * The free 3x3 convs feeding `end` one by one (each the only weight layer upstream of the next),
   * nearest last; the walk stops at a layer with several feeds (RoIAlign on the pyramid) or one that
   * fails `ok`. Marks none of them taken.
   */
  const chainBefore = (end: GraphLayer, ok: (l: GraphLayer) => boolean): GraphLayer[] => {
    const out: GraphLayer[] = [];
    for (let cur = end; cur.upstream.length === 1;) {
      const prev = layers.find((l) => l.id === cur.upstream[0]);
      if (prev === undefined || !free.has(prev.id) || prev.kind !== 'conv' || !ok(prev) || out.includes(prev)) break;
      out.unshift(prev);
      cur = prev;
    }
    return out;
  };
  const must = (name: string, s: Spec): GraphLayer => {
    const l = find(s);
    if (l === undefined) throw miss(name, s);
    return take(name, l);
  };

  const stem = must('backbone.body.conv1', { what: 'the stem (7x7 conv on the 3-channel image)', kind: 'conv', shape: [-1, 3, 7, 7] });
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
      const conv2Spec = (c1: GraphLayer): Spec => ({ what: `the 3x3 ${mid}->${mid} conv after ${c1.id}`, kind: 'conv', shape: [mid, mid, 3, 3], feed: [c1.id] });
      const c1Spec: Spec = {
        what: `bottleneck ${p}'s first 1x1 ${cin}->${mid} conv (fed by the previous block, followed by a 3x3)`,
        kind: 'conv', shape: [mid, cin, 1, 1], feed: trunk, extra: (l) => find(conv2Spec(l)) !== undefined,
      };
      const c1 = find(c1Spec);
      if (c1 === undefined) {
        if (b === 0) throw miss(`${p}.conv1`, c1Spec);
        break;
      }
      take(`${p}.conv1`, c1);
      const c2 = take(`${p}.conv2`, find(conv2Spec(c1))!);
      const c3 = must(`${p}.conv3`, { what: `the 1x1 ${mid}->${out} conv after ${c2.id}`, kind: 'conv', shape: [out, mid, 1, 1], feed: [c2.id] });
      if (b === 0) {
        const ds = must(`${p}.downsample.0`, { what: `the 1x1 ${cin}->${out} downsample conv beside ${c1.id}`, kind: 'conv', shape: [out, cin, 1, 1], feed: trunk });
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
    inner.push(must(`backbone.fpn.inner_blocks.${i}`, {
      what: `the FPN lateral 1x1 conv on stage ${i + 1}'s output`, kind: 'conv', shape: [-1, (256 << i) / k, 1, 1], feed: stageTrunks[i],
    }));
  }
  const f = inner[0].weight.shape[0];
  for (const l of inner) {
    if (l.weight.shape[0] !== f) throw new ShapeMismatchError(`FPN lateral has ${l.weight.shape[0]} channels, others ${f}`, { file, op: l.id });
  }
  const outs: GraphLayer[] = [];
  for (let i = 0; i < 4; i++) {
    outs.push(must(`backbone.fpn.layer_blocks.${i}`, {
      what: `the FPN 3x3 output conv on level ${i + 2} (fed by the top-down sum of laterals ${i}..3)`, kind: 'conv', shape: [f, f, 3, 3],
      feed: inner.slice(i).map((l) => l.id),
    }));
  }
  const outIds = outs.map((l) => l.id);
  let rpnConv = must(rpnConvName(0), {
    what: 'the RPN 3x3 conv on the pyramid levels', kind: 'conv', shape: [f, f, 3, 3],
    extra: (l) => l.upstream.length > 0 && l.upstream.every((u) => outIds.includes(u)),
  });
  // torchvision v2's RPN head stacks more 3x3 convs (conv_depth=2), each fed by the previous one only.
  for (let i = 1; ; i++) {
    const prev = rpnConv.id;
    const next = find({ what: `the RPN 3x3 conv after ${prev}`, kind: 'conv', shape: [f, f, 3, 3], feed: [prev] });
    if (next === undefined) break;
    rpnConv = take(rpnConvName(i), next);
  }
  const rpnOuts = layers.filter((l) => free.has(l.id) && l.kind === 'conv' && shapeIs(l, [-1, f, 1, 1]) && sameSet(l.upstream, [rpnConv.id]))
    .sort((a, b) => a.weight.shape[0] - b.weight.shape[0]);
  if (rpnOuts.length !== 2 || rpnOuts[1].weight.shape[0] !== 4 * rpnOuts[0].weight.shape[0]) {
    throw new MissingTensorError(`expected the RPN objectness (A) and delta (4A) 1x1 convs after ${rpnConv.id}, found ${rpnOuts.length > 0 ? rpnOuts.map(describeLayer).join('; ') : 'none'}`, { file, tensor: 'rpn.head.cls_logits.weight' });
  }
  take('rpn.head.cls_logits', rpnOuts[0]);
  take('rpn.head.bbox_pred', rpnOuts[1]);

  const fcIds = new Set(layers.filter((l) => l.kind === 'fc').map((l) => l.id));
  const fc6 = must(boxHeadFcName(0), {
    what: `the first box-head FC (input ${f} x R x R, fed by no FC)`, kind: 'fc', shape: [-1, -1],
    extra: (l) => l.weight.shape[1] % f === 0 && !l.upstream.some((u) => fcIds.has(u)),
  });
  // torchvision v2's box head (FastRCNNConvFCHead): 3x3 f->f convs on the pooled RoIs feed fc6 one by one.
  const boxConvs = chainBefore(fc6, (l) => shapeIs(l, [f, f, 3, 3]));
  boxConvs.forEach((l, i) => take(boxHeadConvName(i), l));
  const rep = fc6.weight.shape[0];
  // fc6 -> fc7 -> predictors (TwoMLPHead: fc7 required), or after box-head convs fc6 -> predictors (v2's single FC).
  const after = (l: GraphLayer): GraphLayer[] => layers.filter((x) => free.has(x.id) && x.kind === 'fc' && sameSet(x.upstream, [l.id]));
  const fc7 = boxConvs.length === 0 || after(fc6).length === 1
    ? must(boxHeadFcName(1), { what: `the FC ${rep}->${rep} after ${fc6.id}`, kind: 'fc', shape: [rep, rep], feed: [fc6.id] })
    : undefined;
  const last = fc7 ?? fc6;
  const preds = after(last).filter((l) => shapeIs(l, [-1, rep])).sort((a, b) => a.weight.shape[0] - b.weight.shape[0]);
  if (preds.length !== 2 || preds[1].weight.shape[0] !== 4 * preds[0].weight.shape[0]) {
    throw new MissingTensorError(`expected cls_score (C) and bbox_pred (4C) FCs after ${last.id}, found ${preds.length > 0 ? preds.map(describeLayer).join('; ') : 'none'}`, { file, tensor: 'roi_heads.box_predictor.cls_score.weight' });
  }
  take('roi_heads.box_predictor.cls_score', preds[0]);
  take('roi_heads.box_predictor.bbox_pred', preds[1]);
  const numClasses = preds[0].weight.shape[0];

  const deconv = must('roi_heads.mask_predictor.conv5_mask', { what: 'the mask ConvTranspose', kind: 'deconv', shape: [-1, -1, -1, -1] });
  const mc = deconv.weight.shape[0];
  const chain = chainBefore(deconv, (l) => shapeIs(l, [mc, -1, 3, 3]));
  if (chain.length === 0 || chain[0].weight.shape[1] !== f) {
    const got = chain.length === 0 ? `${describeLayer(deconv)}, and no 3x3 ${mc}-channel conv feeds it` : `the chain starts at ${describeLayer(chain[0])}`;
    throw new MissingTensorError(`no chain of 3x3 mask convs (${f}->${mc}) feeds the mask ConvTranspose: ${got}`, { file, tensor: 'roi_heads.mask_head.mask_fcn1.weight' });
  }
  chain.forEach((l, i) => take(`${MASK_HEAD}.mask_fcn${i + 1}`, l));
  must('roi_heads.mask_predictor.mask_fcn_logits', {
    what: `the 1x1 ${mc}->${numClasses} conv after ${deconv.id}`, kind: 'conv', shape: [numClasses, mc, 1, 1], feed: [deconv.id],
  });

  const left = layers.filter((l) => free.has(l.id));
  if (left.length > 0) {
    throw new WeightsFormatError(`${left.length} weight layer(s) match no part of the model: ${left.slice(0, 4).map(describeLayer).join('; ')}`, { file, op: left[0].id });
  }
  const s1 = modules.get('backbone.body.layer2.0.conv1')?.stride;
  const s3 = modules.get('backbone.body.layer2.0.conv2')?.stride;
  const strideOn = s1 === 2 && s3 === 1 ? '1x1' : s1 === 1 && s3 === 2 ? '3x3' : undefined;
  return { modules, blocks, ...(strideOn !== undefined ? { strideOn } : {}) };
}
