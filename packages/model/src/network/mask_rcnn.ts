/**
 * The whole network, wired stage by stage (the torchvision GeneralizedRCNN shape):
 * normalize → backbone → fpn → rpn → proposals → box head → detection output → mask head.
 *
 * Ownership: inputs are borrowed; every tensor a method returns belongs to the caller. The weight
 * map is borrowed too (the caller, e.g. `load()`, disposes it, or calls `dispose()` here to do so);
 * the prepared layers of the kernel plan (kernel_plan.ts) are the model's. Every stage runs in
 * tf.tidy or disposes in try/finally, so a call leaves tf.memory().numTensors as it was plus the
 * returned tensors.
 *
 * Host and device: detection data stays on the host where the algorithm runs there. Proposals and
 * detection rows are typed arrays; tensors are made of them only for RoIAlign (the proposals once,
 * the selected detection boxes once) and for `execute`'s four outputs, at the end.
 * Read-backs to the CPU (each one `await t.data()` of one packed tensor; no dataSync anywhere in the
 * network), per call:
 * 1. im_info's height and width, only when `imInfo` is given as a tensor (`execute` as the card
 *    defines it); `detect` passes the size it computed on the host and skips this one;
 * 2. proposals: every level's top-k scores, anchor indices and deltas (decode + NMS on the CPU);
 * 3. detection output: the softmax probabilities and class deltas (per-class NMS on the CPU).
 * So `execute(imData, imInfo)` syncs 3 times and `executeSelected(imData, size, select)` twice; the
 * caller of `executeSelected` reads the selected masks back (detect: its third and last sync). With
 * `onStage` or `onProfile` set, each reported stage also waits on a one-element probe of its output
 * (timing only). Counted in sync_points.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectedWeightShapes, ModelConfig } from '@mrcnn/schema';
import { DisposedError, ShapeMismatchError, shapeString } from '../errors';
import { BackboneFeatures, resnetBody } from './backbone/resnet';
import { DetectionRows, detectionOutput } from './detection_output';
import { PyramidFeatures, fpn } from './fpn';
import { weight } from './layers';
import { NetworkWeights, NO_PREPARED_LAYERS, preparedTensors } from './prepared_layers';
import { Proposals, generateProposals } from './proposals';
import { BoxHeadOutput, boxHead, boxHeadOnFeatures } from './roi_heads/box';
import { maskHead, maskHeadOnFeatures } from './roi_heads/mask';
import { roiFeatures } from './roi_heads/roi_align';
import { RpnLevelOutput, rpnHead } from './rpn_head';
import { defaultKernelPlan, KernelPlan, prepareLayers } from './kernel_plan';
import type {
  StageName, ProfileStage, RunOptions, ImageSize, MaskRCNNOptions, ExecuteOutput, SelectedOutput, RowSelector,
} from './mask_rcnn_types';

export type {
  StageName, ProfileStage, ProfileEvent, RunOptions, ImageSize, MaskRCNNOptions, ExecuteOutput, SelectedOutput, RowSelector,
} from './mask_rcnn_types';

function disposeAll(ts: ReadonlyArray<tf.Tensor | undefined>): void {
  for (const t of ts) t?.dispose();
}

/** Waits until `t` is computed: a one-element read-back (timing only). */
async function settle(t: tf.Tensor): Promise<void> {
  const one = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), 0, Math.min(1, t.size)));
  try {
    await one.data();
  } finally {
    one.dispose();
  }
}

type StageTimer = <T>(name: StageName, run: () => T | Promise<T>, probe?: (out: T) => tf.Tensor) => Promise<T>;

/** Runs stages; with `onStage`, each waits on `probe` of its output and reports its wall time. */
function stageTimer(onStage: RunOptions['onStage']): StageTimer {
  return async (name, run, probe) => {
    const t0 = performance.now();
    const out = await run();
    if (onStage) {
      if (probe) await settle(probe(out));
      onStage(name, performance.now() - t0);
    }
    return out;
  };
}

/** Times a part of a head from `t0`: waits on `t` and reports it (only with `onProfile`); returns the next part's start. */
type PartTimer = (name: ProfileStage, t: tf.Tensor, t0: number, rois: number) => Promise<number>;

function partTimer(onProfile: RunOptions['onProfile']): PartTimer {
  return async (stage, t, t0, rois) => {
    if (!onProfile) return t0;
    await settle(t);
    onProfile({ stage, ms: performance.now() - t0, rois });
    return performance.now();
  };
}

function rpnTensors(r: readonly RpnLevelOutput[]): tf.Tensor[] {
  return r.flatMap((o) => [o.logits, o.deltas]);
}

/** The rows `select` picks, checked (ShapeMismatchError naming the selected rows). */
function selectedRows(select: RowSelector, det: DetectionRows): number[] {
  const rows = select(det.classes, det.scores);
  if (!Array.isArray(rows) || !rows.every((i) => Number.isInteger(i) && i >= 0 && i < det.classes.length)) {
    throw new ShapeMismatchError('selected rows', `integers in [0, ${det.classes.length})`, JSON.stringify(rows));
  }
  return rows;
}

/** `boxes` [m·4] rows `rows`, as one [rows.length·4] array. */
function boxRows(boxes: Float32Array, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * 4);
  rows.forEach((r, j) => out.set(boxes.subarray(r * 4, r * 4 + 4), j * 4));
  return out;
}

export class MaskRCNN {
  readonly config: ModelConfig;
  /** The kernel plan in force (fixed at construction). */
  readonly kernels: KernelPlan;
  private weights: NetworkWeights;
  private readonly ownsWeights: boolean;
  private disposed = false;

  /** Checks every weight's presence and shape against the configuration (ShapeMismatchError). */
  constructor(weights: tf.NamedTensorMap, config: ModelConfig, options: MaskRCNNOptions = {}) {
    for (const [name, shape] of expectedWeightShapes(config)) weight(weights, name, shape);
    this.config = config;
    this.ownsWeights = options.ownsWeights ?? false;
    this.kernels = { ...defaultKernelPlan(tf.getBackend()), ...options.kernels };
    const { prepared, replaced } = prepareLayers(weights, config, this.kernels, this.ownsWeights, options.hostValues);
    const tensors: tf.NamedTensorMap = { ...weights };
    if (this.ownsWeights) for (const name of replaced) delete tensors[name]; // disposed by prepareLayers
    this.weights = { tensors, prepared };
  }

  private w(): NetworkWeights {
    if (this.disposed) throw new DisposedError('MaskRCNN');
    return this.weights;
  }

  /**
   * imData [1, 3, H, W] → normalised NHWC [1, H, W, 3]. The card's transform: raw values in
   * channelOrder, mean and std applied here, after the padding. The torchvision transform: imData
   * is its normalised batch already (GeneralizedRCNNTransform's output), only transposed here.
   */
  normalize(imData: tf.Tensor4D): tf.Tensor4D {
    this.w();
    const { mean, std, padMultiple, transform } = this.config.input;
    const [b, c, h, wd] = imData.shape;
    if (b !== 1 || c !== 3 || h % padMultiple !== 0 || wd % padMultiple !== 0 || h === 0 || wd === 0) {
      throw new ShapeMismatchError('imData', `[1,3,H,W] with H, W positive multiples of ${padMultiple}`, shapeString(imData.shape));
    }
    return tf.tidy(() => {
      const nhwc = tf.transpose<tf.Tensor4D>(imData, [0, 2, 3, 1]);
      if (transform === 'torchvision') return nhwc;
      const x = tf.sub<tf.Tensor4D>(nhwc, tf.tensor1d([...mean]));
      return std.every((s) => s === 1) ? x : tf.div<tf.Tensor4D>(x, tf.tensor1d([...std]));
    });
  }

  /** x: normalised NHWC input → C2..C5. */
  backbone(x: tf.Tensor4D): BackboneFeatures {
    const w = this.w();
    const out = tf.tidy(() => [...resnetBody(x, w, this.config.backbone)]);
    return [out[0], out[1], out[2], out[3]];
  }

  /** C2..C5 → P2..P6. */
  fpn(c: BackboneFeatures): PyramidFeatures {
    const w = this.w();
    const out = tf.tidy(() => [...fpn(c, w)]);
    return [out[0], out[1], out[2], out[3], out[4]];
  }

  /** P2..P6 → per-level logits [1,h,w,A] and deltas [1,h,w,4A]. */
  rpn(p: PyramidFeatures): RpnLevelOutput[] {
    const w = this.w();
    const flat = tf.tidy(() => rpnHead(p, w, this.config.rpn.convs).flatMap((o) => [o.logits, o.deltas]));
    const out: RpnLevelOutput[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ logits: flat[i], deltas: flat[i + 1] });
    return out;
  }

  /** RPN outputs → top-N proposals over all levels, on the host (imH, imW: the clip size). One read-back. */
  async proposals(rpn: readonly RpnLevelOutput[], imH: number, imW: number): Promise<Proposals> {
    this.w();
    return generateProposals(rpn, this.config.anchors, this.config.rpn, imH, imW);
  }

  /** RoI features [R, s, s, C] of P2..P5 for `rois` (s = box or mask output size). */
  roiFeatures(p: readonly tf.Tensor4D[], rois: tf.Tensor2D, outputSize: number = this.config.roi.boxOutputSize): tf.Tensor4D {
    this.w();
    return tf.tidy(() => roiFeatures(p, rois, this.config.roi, outputSize));
  }

  /** P2..P5(+P6) and RoIs [R, 4] → class logits [R, K] and class-specific deltas [R, 4K]. */
  boxHead(p: readonly tf.Tensor4D[], rois: tf.Tensor2D): BoxHeadOutput {
    const w = this.w();
    const out = tf.tidy(() => {
      const o = boxHead(p, rois, w, this.config.roi, this.config.boxHead);
      return [o.clsLogits, o.bboxDeltas];
    });
    return { clsLogits: out[0], bboxDeltas: out[1] };
  }

  /**
   * The proposals' RoIs [R·4] (host) + the box head's outputs → padded detection rows on the host.
   * One read-back (probabilities and deltas).
   */
  async detectionOutput(rois: ArrayLike<number>, clsLogits: tf.Tensor2D, bboxDeltas: tf.Tensor2D,
    imH: number, imW: number): Promise<DetectionRows> {
    this.w();
    return detectionOutput(rois, clsLogits, bboxDeltas, imH, imW, this.config.detection);
  }

  /** P2..P5(+P6) and boxes [N, 4] → sigmoid masks [N, K, 2s, 2s] (NCHW). */
  maskHead(p: readonly tf.Tensor4D[], boxes: tf.Tensor2D): tf.Tensor4D {
    const w = this.w();
    return tf.tidy(() => maskHead(p, boxes, w, this.config.roi, this.config.mask));
  }

  /**
   * The network as the card's IR: imData [1, 3, H, W] (channelOrder, no mean, zero-padded),
   * imInfo [1, 3] (processed height, width, scale; only height/width are read, for clipping), or
   * that height and width already on the host (no read-back then).
   */
  async execute(imData: tf.Tensor4D, imInfo: tf.Tensor2D | ImageSize, options: RunOptions = {}): Promise<ExecuteOutput> {
    return this.run(imData, imInfo, undefined, options);
  }

  /**
   * `execute` with the mask head run only on the detection rows `select` picks (what `detect`
   * keeps), and the detection rows left on the host: the masks of those rows equal execute's
   * (every row is computed on its own), at a fraction of the mask head's cost when few detections
   * pass the threshold.
   */
  async executeSelected(imData: tf.Tensor4D, imInfo: tf.Tensor2D | ImageSize, select: RowSelector,
    options: RunOptions = {}): Promise<SelectedOutput> {
    return this.run(imData, imInfo, select, options);
  }

  /** The clip size: im_info's height and width (one read-back when it is a tensor). */
  private async imageSize(imInfo: tf.Tensor2D | ImageSize): Promise<[number, number]> {
    let h: number;
    let w: number;
    if (imInfo instanceof tf.Tensor) {
      if (imInfo.rank !== 2 || imInfo.shape[0] !== 1 || imInfo.shape[1] !== 3) {
        throw new ShapeMismatchError('imInfo', '[1,3]', shapeString(imInfo.shape));
      }
      const info = await imInfo.data();
      [h, w] = [info[0], info[1]];
    } else {
      ({ height: h, width: w } = imInfo);
    }
    const imH = Math.trunc(h);
    const imW = Math.trunc(w);
    if (!(imH > 0 && imW > 0 && Number.isFinite(imH) && Number.isFinite(imW))) {
      throw new ShapeMismatchError('imInfo', 'a positive finite processed height and width', `[${h},${w}]`);
    }
    return [imH, imW];
  }

  private async run(imData: tf.Tensor4D, imInfo: tf.Tensor2D | ImageSize, select: undefined, options: RunOptions): Promise<ExecuteOutput>;
  private async run(imData: tf.Tensor4D, imInfo: tf.Tensor2D | ImageSize, select: RowSelector, options: RunOptions): Promise<SelectedOutput>;
  private async run(imData: tf.Tensor4D, imInfo: tf.Tensor2D | ImageSize, select: RowSelector | undefined,
    options: RunOptions): Promise<ExecuteOutput | SelectedOutput> {
    this.w();
    const [imH, imW] = await this.imageSize(imInfo);
    const stage = stageTimer(options.onStage);
    const part = partTimer(options.onProfile);
    // Every tensor made here is held in `live` from the moment it exists until released or returned.
    const live = new Set<tf.Tensor>();
    /** Holds `out`'s tensors (`tensorsOf`) and returns it. */
    const hold = <T>(out: T, tensorsOf: (o: T) => readonly tf.Tensor[]): T => {
      for (const t of tensorsOf(out)) live.add(t);
      return out;
    };
    const release = (ts: readonly tf.Tensor[]): void => ts.forEach((t) => { live.delete(t); t.dispose(); });
    try {
      const x = await stage('normalize', () => hold(this.normalize(imData), (t) => [t]), (t) => t);
      const c = await stage('backbone', () => hold(this.backbone(x), (t) => t), (t) => t[3]);
      release([x]);
      const p = await stage('fpn', () => hold(this.fpn(c), (t) => t), (t) => t[0]);
      release(c);
      const r = await stage('rpn', () => hold(this.rpn(p), rpnTensors), (t) => t[0].logits);
      const props = await stage('proposals', () => this.proposals(r, imH, imW));
      release(rpnTensors(r));
      const box = await stage('boxHead', async () => hold(await this.boxStage(p, props, part), (o) => [o.clsLogits, o.bboxDeltas]),
        (o) => o.clsLogits);
      const det = await stage('detectionOutput', () => this.detectionOutput(props.rois, box.clsLogits, box.bboxDeltas, imH, imW));
      release([box.clsLogits, box.bboxDeltas]);
      const rows = select === undefined ? Array.from(det.classes, (_, i) => i) : selectedRows(select, det);
      const { numClasses } = this.config;
      const side = 2 * this.config.roi.maskOutputSize;
      const rawMasks = select !== undefined && rows.length === 0 ? tf.zeros<tf.Rank.R4>([0, numClasses, side, side])
        : await stage('maskHead', async () => hold(await this.maskStage(p, det.boxes, rows, part), (t) => [t]), (t) => t);
      live.delete(rawMasks);
      if (select !== undefined) return { classes: det.classes, scores: det.scores, boxes: det.boxes, rows, rawMasks };
      // The card's outputs, made at the end from the host rows.
      const m = det.classes.length;
      return { classes: tf.tensor1d(det.classes, 'int32'), scores: tf.tensor1d(det.scores), boxes: tf.tensor2d(det.boxes, [m, 4]), rawMasks };
    } finally {
      disposeAll([...live]);
    }
  }

  /** The box head on the host proposals: their one upload, RoIAlign, then the FC head (timed apart when profiling). */
  private async boxStage(p: readonly tf.Tensor4D[], props: Proposals, part: PartTimer): Promise<BoxHeadOutput> {
    const w = this.w();
    const rois = tf.tensor2d(props.rois, [props.count, 4]);
    let feats: tf.Tensor4D | undefined;
    try {
      const t0 = performance.now();
      feats = this.roiFeatures(p, rois, this.config.roi.boxOutputSize);
      const t1 = await part('boxRoIAlign', feats, t0, props.count);
      const f = feats;
      const out = tf.tidy(() => { const o = boxHeadOnFeatures(f, w, this.config.boxHead); return [o.clsLogits, o.bboxDeltas]; });
      try {
        await part('boxHead', out[0], t1, props.count);
      } catch (e) {
        disposeAll(out);
        throw e;
      }
      return { clsLogits: out[0], bboxDeltas: out[1] };
    } finally {
      feats?.dispose(); // the head disposed it already unless it failed (dispose is idempotent)
      rois.dispose();
    }
  }

  /** The mask head on the selected rows: their boxes' one upload, RoIAlign, then the head (timed apart when profiling). */
  private async maskStage(p: readonly tf.Tensor4D[], boxes: Float32Array, rows: readonly number[], part: PartTimer): Promise<tf.Tensor4D> {
    const w = this.w();
    const selected = tf.tensor2d(boxRows(boxes, rows), [rows.length, 4]);
    let feats: tf.Tensor4D | undefined;
    try {
      const t0 = performance.now();
      feats = this.roiFeatures(p, selected, this.config.roi.maskOutputSize);
      const t1 = await part('maskRoIAlign', feats, t0, rows.length);
      const f = feats;
      const masks = tf.tidy(() => maskHeadOnFeatures(f, w, this.config.mask));
      try {
        await part('maskHead', masks, t1, rows.length);
      } catch (e) {
        masks.dispose();
        throw e;
      }
      return masks;
    } finally {
      feats?.dispose();
      selected.dispose();
    }
  }

  /** Releases the weights when this model owns them, and the prepared layers; later calls throw DisposedError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(preparedTensors(this.weights.prepared));
    if (this.ownsWeights) disposeAll(Object.values(this.weights.tensors));
    this.weights = { tensors: {}, prepared: NO_PREPARED_LAYERS };
  }
}
