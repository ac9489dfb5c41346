/**
 * Stage-by-stage comparisons of @mrcnn/model's MaskRCNN with an oracle golden (docs/CONVENTIONS.md §4).
 * Each check feeds the stage the oracle's input for that stage where the golden holds it (committed
 * fixtures drop some tensors, see meta.dropped) and otherwise our own upstream result, computed from
 * the golden's im_data (`StageInputs`). Checks return measured errors; the tests hold the tolerances.
 *
 * Every MaskRCNN call goes through `noLeak`, which asserts that tf.memory().numTensors after the call
 * equals the count before plus the tensors the call returned, and again after they are disposed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MaskRCNN } from '@mrcnn/model';
import type { PyramidFeatures, RpnLevelOutput } from '@mrcnn/model/internal';
import type { TensorDump } from '../helpers/tensor_dump';
import {
  boxIoU, closeStats, CloseStats, detectionsFrom, DetectionMatch, maskIoU, matchDetections, nchwToNhwc,
} from '../helpers/compare';
import { pasteMask } from '@mrcnn/model';
import { expandedBox } from '@mrcnn/model/internal';
import { goldenNhwc, goldenTensor, read, readNchw } from './oracle_model';
import {
  compareDetections, compareProposalSets, DetectionComparison, EndToEnd, MatchOptions, maskDiff, ProposalComparison,
  comparePasted, goldenMask,
} from './comparisons';
import { compareMap, C_NAMES, expectCount, imageSize, noLeak, P_NAMES, pyramidList, rpnList, StageInputs } from './stage_inputs';

export * from './comparisons';
export * from './stage_inputs';

/** Backbone from the golden's im_data: C2..C5 (those the golden holds). */
export async function checkBackbone(s: StageInputs): Promise<Record<string, CloseStats>> {
  const { c } = await s.ourFeatures();
  const out: Record<string, CloseStats> = {};
  for (let i = 0; i < 4; i++) if (s.d.has(C_NAMES[i])) out[C_NAMES[i]] = await compareMap(c[i], s.d, C_NAMES[i]);
  return out;
}

/** FPN fed the oracle's C2..C5 where present (ours for the dropped ones): P2..P6. */
export async function checkFpn(s: StageInputs): Promise<{ stats: Record<string, CloseStats>; oracleInputs: string[] }> {
  const { c: ours } = await s.ourFeatures();
  const oracleInputs = C_NAMES.filter((n) => s.d.has(n));
  const mine = C_NAMES.map((n) => (s.d.has(n) ? goldenNhwc(s.d, n) : undefined));
  const fed = mine.map((t, i) => t ?? ours[i]);
  const p = await noLeak('fpn', () => s.model.fpn([fed[0], fed[1], fed[2], fed[3]]), pyramidList);
  const stats: Record<string, CloseStats> = {};
  try {
    for (let i = 0; i < 5; i++) if (s.d.has(P_NAMES[i])) stats[P_NAMES[i]] = await compareMap(p[i], s.d, P_NAMES[i]);
  } finally {
    tf.dispose([...p, ...mine.filter((t): t is tf.Tensor4D => t !== undefined)]);
  }
  return { stats, oracleInputs };
}

/** RPN head fed P2..P6 (oracle's when present): logits and deltas per level. */
export async function checkRpn(s: StageInputs): Promise<{ stats: Record<string, CloseStats>; source: string }> {
  const { p, source } = await s.pyramid();
  const r = await noLeak('rpn', () => s.model.rpn(p as PyramidFeatures), rpnList);
  const stats: Record<string, CloseStats> = {};
  try {
    for (let i = 0; i < 5; i++) {
      for (const [kind, t] of [['logits', r[i].logits], ['deltas', r[i].deltas]] as const) {
        const name = `rpn_${kind}_${P_NAMES[i]}`;
        if (s.d.has(name)) stats[name] = await compareMap(t, s.d, name);
      }
    }
  } finally {
    tf.dispose(rpnList(r));
  }
  return { stats, source };
}


/**
 * Proposals fed the RPN maps: the oracle's logits/deltas where the golden holds them, else our RPN
 * head's on P2..P6 (`StageInputs.pyramid`).
 */
export async function checkProposals(s: StageInputs, scoreTol: number, boxTol: number, tieTol: number):
  Promise<{ cmp: ProposalComparison; oracleMaps: number }> {
  const allMaps = P_NAMES.every((n) => s.d.has(`rpn_logits_${n}`) && s.d.has(`rpn_deltas_${n}`));
  const p = allMaps ? undefined : (await s.pyramid()).p;
  const r = p ? await noLeak('rpn', () => s.model.rpn(p as PyramidFeatures), rpnList) : [];
  const fed: RpnLevelOutput[] = [];
  const mine: tf.Tensor[] = [];
  let oracleMaps = 0;
  for (let i = 0; i < 5; i++) {
    const pick = (kind: 'logits' | 'deltas', ours: tf.Tensor4D | undefined): tf.Tensor4D => {
      const name = `rpn_${kind}_${P_NAMES[i]}`;
      if (!s.d.has(name) && ours) return ours;
      oracleMaps++;
      const t = goldenNhwc(s.d, name);
      mine.push(t);
      return t;
    };
    fed.push({ logits: pick('logits', r[i]?.logits), deltas: pick('deltas', r[i]?.deltas) });
  }
  const { imH, imW } = imageSize(s.d);
  try {
    const props = await noLeak('proposals', () => s.model.proposals(fed, imH, imW), () => []);
    const cmp = compareProposalSets(props.rois, props.scores,
      s.d.get('proposals').data, s.d.get('proposal_scores').data, scoreTol, boxTol, tieTol);
    return { cmp, oracleMaps };
  } finally {
    tf.dispose([...mine, ...rpnList(r)]);
  }
}

/**
 * RoIAlign 7x7 of the golden's fixed_rois on P2..P5 (oracle's when present). With `negativeZero`
 * (torchvision), RoIs with x2 < x1 or y2 < y1 are expected all-zero in the golden and not compared.
 */
export async function checkRoiFeatures(s: StageInputs, negativeZero: boolean):
  Promise<{ stats: CloseStats; zeroed: number; expectedZeroed: number }> {
  const { p } = await s.pyramid();
  const rois = s.golden('fixed_rois') as tf.Tensor2D;
  const f = await noLeak('roiFeatures', () => s.model.roiFeatures(p, rois), (t) => [t]);
  try {
    const exp = s.d.get('roi_feats_fixed');
    const rd = s.d.get('fixed_rois').data;
    const [r, c, h, w] = exp.shape;
    const got = await read(f);
    const per = c * h * w;
    const keep: number[] = [];
    let zeroed = 0;
    let expectedZeroed = 0;
    for (let i = 0; i < r; i++) {
      const negative = rd[i * 4 + 2] < rd[i * 4] || rd[i * 4 + 3] < rd[i * 4 + 1];
      if (negativeZero && negative) {
        expectedZeroed++;
        if (exp.data.subarray(i * per, (i + 1) * per).every((v) => v === 0)) zeroed++;
      } else keep.push(i);
    }
    const a = new Float32Array(keep.length * per);
    const b = new Float32Array(keep.length * per);
    keep.forEach((i, k) => {
      a.set(got.subarray(i * per, (i + 1) * per), k * per);
      b.set(nchwToNhwc(exp.data.subarray(i * per, (i + 1) * per), c, h, w), k * per);
    });
    return { stats: closeStats(a, b, 1), zeroed, expectedZeroed };
  } finally {
    f.dispose();
  }
}

/** Box head on the oracle's proposals: cls_logits and bbox_deltas (those present). */
export async function checkBoxHead(s: StageInputs): Promise<Record<string, CloseStats>> {
  const { p } = await s.pyramid();
  const rois = s.golden('proposals') as tf.Tensor2D;
  const o = await noLeak('boxHead', () => s.model.boxHead(p, rois), (x) => [x.clsLogits, x.bboxDeltas]);
  try {
    const out: Record<string, CloseStats> = {};
    if (s.d.has('cls_logits')) out.cls_logits = closeStats(await read(o.clsLogits), s.d.get('cls_logits').data, 1);
    if (s.d.has('bbox_deltas')) out.bbox_deltas = closeStats(await read(o.bboxDeltas), s.d.get('bbox_deltas').data, 1);
    return out;
  } finally {
    tf.dispose([o.clsLogits, o.bboxDeltas]);
  }
}


/**
 * Detection output fed the oracle's proposals and cls_logits, and bbox_deltas (the oracle's when
 * present, else our box head's on the oracle's proposals).
 */
export async function checkDetectionOutput(s: StageInputs, opts: MatchOptions): Promise<DetectionComparison & { oracleDeltas: boolean }> {
  const logits = s.golden('cls_logits') as tf.Tensor2D;
  let deltas: tf.Tensor2D;
  let own: tf.Tensor[] = [];
  const oracleDeltas = s.d.has('bbox_deltas');
  if (oracleDeltas) deltas = s.golden('bbox_deltas') as tf.Tensor2D;
  else {
    const { p } = await s.pyramid();
    const rois = s.golden('proposals') as tf.Tensor2D;
    const o = await noLeak('boxHead', () => s.model.boxHead(p, rois), (x) => [x.clsLogits, x.bboxDeltas]);
    own = [o.clsLogits, o.bboxDeltas];
    deltas = o.bboxDeltas;
  }
  const { imH, imW } = imageSize(s.d);
  try {
    // The detection output takes the proposals on the host, as the network hands them over.
    const det = await noLeak('detectionOutput', () => s.model.detectionOutput(s.d.get('proposals').data, logits, deltas, imH, imW),
      () => []);
    const cmp = compareDetections(det, s.d, opts);
    return { ...cmp, oracleDeltas };
  } finally {
    tf.dispose(own);
  }
}



/** Mask head fed P2..P5 (oracle's when present) and the oracle's detection boxes: every row's own-class mask. */
export async function checkMaskHead(s: StageInputs): Promise<{ maxAbs: number; rows: number }> {
  const { p } = await s.pyramid();
  const boxes = s.golden('boxes') as tf.Tensor2D;
  const masks = await noLeak('maskHead', () => s.model.maskHead(p, boxes), (t) => [t]);
  try {
    const ours = await read(masks);
    const classes = s.d.get('classes').data;
    const pairs = Array.from(classes, (cls, r) => ({ actual: r, expected: r, cls }));
    return { maxAbs: maskDiff(ours, masks.shape[1], s.d, pairs), rows: pairs.length };
  } finally {
    masks.dispose();
  }
}



/**
 * `execute(imData, imInfo)` compared with the golden's detections, masks (rows matched) and pasted
 * masks (@mrcnn/model's pasteMask on our boxes and heatmaps).
 */
export async function checkExecute(model: MaskRCNN, d: TensorDump, imData: tf.Tensor4D, imInfo: tf.Tensor2D,
  opts: MatchOptions & { readonly maskMinIoU: number }): Promise<EndToEnd> {
  const out = await noLeak('execute', () => model.execute(imData, imInfo), (o) => [o.classes, o.scores, o.boxes, o.rawMasks]);
  try {
    const classes = await out.classes.data();
    const boxes = await out.boxes.data();
    const detections = compareDetections({ classes, scores: await out.scores.data(), boxes }, d, opts);
    const ours = await read(out.rawMasks);
    const k = out.rawMasks.shape[1];
    const pairs = detections.match.matched.map((m) => ({ actual: m.actual, expected: m.expected, cls: classes[m.actual] }));
    const pastedRows = d.get('pasted_masks').shape[0];
    let pastedMinIoU = 1;
    let pastedCompared = 0;
    let pastedMaxXor = 0;
    const pastedBelow: EndToEnd['pastedBelow'] = [];
    for (const p of pairs) {
      if (p.expected >= pastedRows) continue;
      const c = comparePasted(ours, k, boxes, p.actual, p.cls, d, p.expected);
      pastedMinIoU = Math.min(pastedMinIoU, c.iou);
      pastedMaxXor = Math.max(pastedMaxXor, c.xor);
      if (c.iou < opts.maskMinIoU) pastedBelow.push({ row: p.expected, ...c });
      pastedCompared++;
    }
    return { detections, maskMaxAbs: maskDiff(ours, k, d, pairs), pastedMinIoU, pastedCompared, pastedMaxXor, pastedBelow };
  } finally {
    tf.dispose([out.classes, out.scores, out.boxes, out.rawMasks]);
  }
}
