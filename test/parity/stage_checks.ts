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
import type { MaskRCNN } from '../../packages/model/src/network/mask_rcnn';
import type { PyramidFeatures } from '../../packages/model/src/network/fpn';
import type { RpnLevelOutput } from '../../packages/model/src/network/rpn_head';
import type { TensorDump } from '../helpers/tensor_dump';
import {
  boxIoU, closeStats, CloseStats, detectionsFrom, DetectionMatch, maskIoU, matchDetections, nchwToNhwc,
} from '../helpers/compare';
import { expandedBox, pasteMask } from '../../packages/model/src/postprocess/paste';
import { goldenNhwc, goldenTensor, read, readNchw } from './oracle_model';

/** Runs `call`, checks the tensor count grew by exactly the tensors it returned, returns them. */
export async function noLeak<T>(what: string, call: () => T | Promise<T>, tensorsOf: (out: T) => tf.Tensor[]): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await call();
  const outs = tensorsOf(out);
  const grew = tf.memory().numTensors - before;
  if (grew !== outs.length) {
    tf.dispose(outs);
    throw new Error(`${what}: tf.memory().numTensors grew by ${grew}, the call returned ${outs.length} tensors`);
  }
  return out;
}

/** Asserts every tensor created since `before` has been released. */
export function expectCount(what: string, before: number): void {
  const now = tf.memory().numTensors;
  if (now !== before) throw new Error(`${what}: ${now - before} tensors leaked`);
}

const pyramidList = (p: PyramidFeatures): tf.Tensor[] => [...p];
const rpnList = (r: RpnLevelOutput[]): tf.Tensor[] => r.flatMap((o) => [o.logits, o.deltas]);

export const C_NAMES = ['C2', 'C3', 'C4', 'C5'] as const;
export const P_NAMES = ['P2', 'P3', 'P4', 'P5', 'P6'] as const;

/** The processed height and width of im_info (what the network clips to). */
export function imageSize(d: TensorDump): { imH: number; imW: number } {
  const info = d.get('im_info').data;
  return { imH: Math.trunc(info[0]), imW: Math.trunc(info[1]) };
}

/**
 * Inputs of each stage for one golden: the oracle's where present, else ours from upstream.
 * Owns the tensors it creates; call dispose().
 */
export class StageInputs {
  private ours?: { c: tf.Tensor4D[]; p: PyramidFeatures };
  private oraclePyramid?: tf.Tensor4D[];
  private readonly owned: tf.Tensor[] = [];
  private readonly goldens = new Map<string, tf.Tensor>();

  constructor(readonly model: MaskRCNN, readonly d: TensorDump, readonly imData?: tf.Tensor4D) {}

  /** Our C2..C5 and P2..P6 from im_data (the golden's, or the one given to the constructor). */
  async ourFeatures(): Promise<{ c: tf.Tensor4D[]; p: PyramidFeatures }> {
    if (this.ours) return this.ours;
    const imData = this.imData ?? (goldenTensor(this.d, 'im_data') as tf.Tensor4D);
    if (!this.imData) this.owned.push(imData);
    const x = await noLeak('normalize', () => this.model.normalize(imData), (t) => [t]);
    const c = await noLeak('backbone', () => this.model.backbone(x), (t) => [...t]);
    x.dispose();
    const p = await noLeak('fpn', () => this.model.fpn(c), pyramidList);
    this.owned.push(...c, ...p);
    this.ours = { c: [...c], p };
    return this.ours;
  }

  /** P2..P6 of the oracle when the golden holds all of them, else ours. */
  async pyramid(): Promise<{ p: readonly tf.Tensor4D[]; source: 'oracle' | 'ours' }> {
    if (P_NAMES.every((n) => this.d.has(n))) {
      if (!this.oraclePyramid) {
        this.oraclePyramid = P_NAMES.map((n) => goldenNhwc(this.d, n));
        this.owned.push(...this.oraclePyramid);
      }
      return { p: this.oraclePyramid, source: 'oracle' };
    }
    return { p: (await this.ourFeatures()).p, source: 'ours' };
  }

  /** A golden tensor (created once, owned by this object). */
  golden(name: string): tf.Tensor {
    let t = this.goldens.get(name);
    if (!t) {
      t = goldenTensor(this.d, name);
      this.goldens.set(name, t);
      this.owned.push(t);
    }
    return t;
  }

  dispose(): void {
    tf.dispose(this.owned);
    this.owned.length = 0;
    this.goldens.clear();
    this.ours = undefined;
    this.oraclePyramid = undefined;
  }
}

/** Compares an NHWC result with a golden NCHW tensor of the same name. */
async function compareMap(actual: tf.Tensor4D, d: TensorDump, name: string): Promise<CloseStats> {
  const exp = d.get(name);
  const got = await readNchw(actual);
  if (got.length !== exp.data.length) throw new Error(`${name}: ${got.length} values, golden has ${exp.data.length}`);
  return closeStats(got, exp.data, 1);
}

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

export interface ProposalComparison {
  expected: number;
  actual: number;
  matched: number;
  maxBoxDiff: number;
  maxScoreDiff: number;
  /** Unmatched rows (either side) whose score is farther than `tieTol` from the last kept score. */
  unmatchedOffBoundary: number;
  unmatched: number;
}

/**
 * Set comparison of two proposal lists (score descending): a row matches one of the other list with
 * |score diff| ≤ scoreTol and max |box diff| ≤ boxTol. Rows left unmatched are tolerated only at the
 * top-N boundary (ties of the cut-off score within tieTol), which the caller asserts.
 */
export function compareProposalSets(aBoxes: ArrayLike<number>, aScores: ArrayLike<number>,
  eBoxes: ArrayLike<number>, eScores: ArrayLike<number>, scoreTol: number, boxTol: number, tieTol: number): ProposalComparison {
  const na = aScores.length;
  const ne = eScores.length;
  const used = new Uint8Array(na);
  let matched = 0;
  let maxBoxDiff = 0;
  let maxScoreDiff = 0;
  const unmatchedE: number[] = [];
  let lo = 0;
  for (let i = 0; i < ne; i++) {
    while (lo < na && aScores[lo] > eScores[i] + scoreTol) lo++;
    let best = -1;
    let bestDiff = Infinity;
    for (let j = lo; j < na && aScores[j] >= eScores[i] - scoreTol; j++) {
      if (used[j]) continue;
      let d = 0;
      for (let k = 0; k < 4; k++) d = Math.max(d, Math.abs(aBoxes[j * 4 + k] - eBoxes[i * 4 + k]));
      if (d < bestDiff) { bestDiff = d; best = j; }
    }
    if (best >= 0 && bestDiff <= boxTol) {
      used[best] = 1;
      matched++;
      maxBoxDiff = Math.max(maxBoxDiff, bestDiff);
      maxScoreDiff = Math.max(maxScoreDiff, Math.abs(aScores[best] - eScores[i]));
    } else unmatchedE.push(i);
  }
  const cut = Math.min(ne > 0 ? eScores[ne - 1] : 0, na > 0 ? aScores[na - 1] : 0);
  let off = unmatchedE.filter((i) => eScores[i] - cut > tieTol).length;
  let unmatchedA = 0;
  for (let j = 0; j < na; j++) {
    if (used[j]) continue;
    unmatchedA++;
    if (aScores[j] - cut > tieTol) off++;
  }
  return {
    expected: ne, actual: na, matched, maxBoxDiff, maxScoreDiff, unmatchedOffBoundary: off, unmatched: unmatchedE.length + unmatchedA,
  };
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
    const props = await noLeak('proposals', () => s.model.proposals(fed, imH, imW), (o) => [o.rois, o.scores]);
    try {
      const cmp = compareProposalSets(await read(props.rois), await read(props.scores),
        s.d.get('proposals').data, s.d.get('proposal_scores').data, scoreTol, boxTol, tieTol);
      return { cmp, oracleMaps };
    } finally {
      tf.dispose([props.rois, props.scores]);
    }
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

export interface DetectionComparison {
  match: DetectionMatch;
  expectedCount: number;
  actualCount: number;
  /** Matched by IoU ≥ minIoU. */
  byIoU: number;
  /**
   * Matched by coordinates instead (same class, every coordinate within `boxTol` px): boxes whose
   * legacy area is under `DEGENERATE_AREA` px², where a sub-pixel shift moves the IoU by percents.
   */
  byCoords: number;
  maxScoreDiff: number;
  minIoU: number;
  maxBoxDiff: number;
}

/** Legacy-convention area (px²) under which a box counts as degenerate for matching. */
export const DEGENERATE_AREA = 4;

function legacyArea(b: ArrayLike<number>): number {
  return Math.max(b[2] - b[0] + 1, 0) * Math.max(b[3] - b[1] + 1, 0);
}

/** How detections are matched: IoU (legacy +1 or plain) ≥ minIoU, degenerate boxes by coordinates within boxTol. */
export interface MatchOptions {
  readonly minIoU: number;
  readonly boxTol: number;
  readonly plusOne: boolean;
}

/**
 * Detections matched by class and IoU ≥ minIoU (rows with class 0 ignored); then degenerate
 * leftovers (area < DEGENERATE_AREA on both sides) matched by class and coordinates.
 */
export function compareDetections(a: { classes: ArrayLike<number>; scores: ArrayLike<number>; boxes: ArrayLike<number> },
  d: TensorDump, opts: MatchOptions): DetectionComparison {
  const { minIoU, boxTol, plusOne } = opts;
  const ed = detectionsFrom(d.get('classes').data, d.get('scores').data, d.get('boxes').data);
  const ad = detectionsFrom(a.classes, a.scores, a.boxes);
  const match = matchDetections(ad, ed, minIoU, plusOne);
  const byIoU = match.matched.length;
  const leftA = new Set(match.unmatchedActual);
  const stillE: number[] = [];
  for (const e of match.unmatchedExpected) {
    const eb = ed[e].box;
    let hit = -1;
    for (const j of leftA) {
      const ab = ad[j].box;
      if (ad[j].classId !== ed[e].classId || legacyArea(eb) >= DEGENERATE_AREA || legacyArea(ab) >= DEGENERATE_AREA) continue;
      if ([0, 1, 2, 3].every((k) => Math.abs(ab[k] - eb[k]) <= boxTol)) { hit = j; break; }
    }
    if (hit < 0) { stillE.push(e); continue; }
    leftA.delete(hit);
    match.matched.push({ expected: e, actual: hit, iou: boxIoU(ad[hit].box, eb, plusOne), scoreDiff: Math.abs(ad[hit].score - ed[e].score) });
  }
  match.unmatchedExpected = stillE;
  match.unmatchedActual = [...leftA];
  let maxBoxDiff = 0;
  for (const m of match.matched) {
    for (let k = 0; k < 4; k++) maxBoxDiff = Math.max(maxBoxDiff, Math.abs(ad[m.actual].box[k] - ed[m.expected].box[k]));
  }
  return {
    match,
    expectedCount: ed.filter((x) => x.classId > 0).length,
    actualCount: ad.filter((x) => x.classId > 0).length,
    byIoU,
    byCoords: match.matched.length - byIoU,
    maxScoreDiff: match.matched.reduce((m, x) => Math.max(m, x.scoreDiff), 0),
    minIoU: match.matched.slice(0, byIoU).reduce((m, x) => Math.min(m, x.iou), 1),
    maxBoxDiff,
  };
}

/**
 * Detection output fed the oracle's proposals and cls_logits, and bbox_deltas (the oracle's when
 * present, else our box head's on the oracle's proposals).
 */
export async function checkDetectionOutput(s: StageInputs, opts: MatchOptions): Promise<DetectionComparison & { oracleDeltas: boolean }> {
  const rois = s.golden('proposals') as tf.Tensor2D;
  const logits = s.golden('cls_logits') as tf.Tensor2D;
  let deltas: tf.Tensor2D;
  let own: tf.Tensor[] = [];
  const oracleDeltas = s.d.has('bbox_deltas');
  if (oracleDeltas) deltas = s.golden('bbox_deltas') as tf.Tensor2D;
  else {
    const { p } = await s.pyramid();
    const o = await noLeak('boxHead', () => s.model.boxHead(p, rois), (x) => [x.clsLogits, x.bboxDeltas]);
    own = [o.clsLogits, o.bboxDeltas];
    deltas = o.bboxDeltas;
  }
  const { imH, imW } = imageSize(s.d);
  try {
    const det = await noLeak('detectionOutput', () => s.model.detectionOutput(rois, logits, deltas, imH, imW),
      (x) => [x.classes, x.scores, x.boxes]);
    try {
      const cmp = compareDetections({ classes: await det.classes.data(), scores: await det.scores.data(), boxes: await det.boxes.data() },
        s.d, opts);
      return { ...cmp, oracleDeltas };
    } finally {
      tf.dispose([det.classes, det.scores, det.boxes]);
    }
  } finally {
    tf.dispose(own);
  }
}

/** The golden's mask of row `row` for class `cls`, from raw_masks (full) or raw_masks_sel. */
export function goldenMask(d: TensorDump, row: number, cls: number): Float32Array {
  const m2 = 28 * 28;
  if (d.has('raw_masks')) {
    const t = d.get('raw_masks');
    const k = t.shape[1];
    return (t.data as Float32Array).subarray((row * k + cls) * m2, (row * k + cls + 1) * m2);
  }
  const classes = d.get('classes').data;
  if (classes[row] !== cls) throw new Error(`raw_masks_sel holds class ${classes[row]} for row ${row}, not ${cls}`);
  return (d.get('raw_masks_sel').data as Float32Array).subarray(row * m2, (row + 1) * m2);
}

/** Max |a − b| between our masks of (actualRow, class) and the golden's (expectedRow, class). */
export function maskDiff(ours: Float32Array, numClasses: number, d: TensorDump,
  pairs: ReadonlyArray<{ actual: number; expected: number; cls: number }>): number {
  const m2 = 28 * 28;
  let max = 0;
  for (const { actual, expected, cls } of pairs) {
    const exp = goldenMask(d, expected, cls);
    const off = (actual * numClasses + cls) * m2;
    for (let i = 0; i < m2; i++) max = Math.max(max, Math.abs(ours[off + i] - exp[i]));
  }
  return max;
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

export interface EndToEnd {
  detections: DetectionComparison;
  /** Max |mask diff| over matched rows (own class). */
  maskMaxAbs: number;
  /** Min IoU of our pasted masks (our box and heatmap) with the oracle's, over matched pasted rows. */
  pastedMinIoU: number;
  pastedCompared: number;
  /** Most pixels any compared mask differs by (small masks: one pixel moves the IoU by percents). */
  pastedMaxXor: number;
  /** Rows with IoU under `minIoU`: the pixels they differ by, and the IoU with the oracle's box when the integer boxes differ. */
  pastedBelow: Array<{ row: number; iou: number; xor: number; boxShifted: boolean; iouOracleBox: number }>;
}

/** Pixels where two binary masks differ. */
function xorCount(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if ((a[i] > 0) !== (b[i] > 0)) n++;
  return n;
}

/**
 * Pastes our row `actual`'s own-class heatmap with our box and compares it with the golden's pasted
 * row `expected`. The paste truncates the expanded box to integers, so boxes a hair apart can land
 * one pixel apart and shift the whole mask (hundreds of pixels on a large mask): when the integer
 * boxes differ, our heatmap is also pasted with the oracle's box (`iouOracleBox`), which isolates
 * the heatmap's agreement from that discontinuity.
 */
function comparePasted(ours: Float32Array, numClasses: number, boxes: ArrayLike<number>, actual: number, cls: number,
  d: TensorDump, expected: number): { iou: number; xor: number; boxShifted: boolean; iouOracleBox: number } {
  const [, h0, w0] = d.get('pasted_masks').shape;
  const scale = d.get('im_info').data[2];
  const m = 28;
  const heat = ours.subarray((actual * numClasses + cls) * m * m, (actual * numClasses + cls + 1) * m * m);
  const box = [0, 1, 2, 3].map((k) => boxes[actual * 4 + k] / scale);
  const oracleBox = [0, 1, 2, 3].map((k) => d.get('boxes').data[expected * 4 + k] / scale);
  const exp = d.get('pasted_masks').data.subarray(expected * h0 * w0, (expected + 1) * h0 * w0);
  const mask = pasteMask(heat, m, box, w0, h0).data;
  const iou = maskIoU(mask, exp);
  const grow = (m + 2) / m;
  const oracleInt = expandedBox(oracleBox, grow);
  const boxShifted = expandedBox(box, grow).some((v, k) => v !== oracleInt[k]);
  const iouOracleBox = boxShifted ? maskIoU(pasteMask(heat, m, oracleBox, w0, h0).data, exp) : iou;
  return { iou, xor: xorCount(mask, exp), boxShifted, iouOracleBox };
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
