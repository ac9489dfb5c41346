/**
 * The whole network, wired stage by stage (the torchvision GeneralizedRCNN shape):
 * normalize → backbone → fpn → rpn → proposals → box head → detection output → mask head.
 *
 * Ownership: inputs are borrowed; every tensor a method returns belongs to the caller. The weight
 * map is borrowed too (the caller, e.g. `load()`, disposes it, or calls `dispose()` here to do so).
 * Every stage runs in tf.tidy or disposes in try/finally, so a call leaves tf.memory().numTensors as
 * it was plus the returned tensors.
 *
 * Read-backs to the CPU (all `await t.data()`; no dataSync anywhere in the network), only where an
 * algorithm needs host data: `execute` reads im_info (the clip size); `proposals` reads every level's
 * top-k scores, indices and deltas in one round (decode + NMS on the CPU); `detectionOutput` reads the
 * softmax probabilities, RoIs and deltas in one round (per-class NMS on the CPU); `executeSelected`
 * (what detect() uses) also reads the 100 detection classes and scores to pick its rows. With `onStage` set,
 * each stage also waits on a one-element probe of its output (timing only).
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectedWeightShapes, ModelConfig } from '@mrcnn/schema';
import { DisposedError, ShapeMismatchError, shapeString } from '../errors';
import { BackboneFeatures, resnetBody } from './backbone/resnet';
import { Detections, detectionOutput } from './detection_output';
import { PyramidFeatures, fpn } from './fpn';
import { weight } from './layers';
import { Proposals, generateProposals } from './proposals';
import { BoxHeadOutput, boxHead } from './roi_heads/box';
import { maskHead } from './roi_heads/mask';
import { roiFeatures } from './roi_heads/roi_align';
import { RpnLevelOutput, rpnHead } from './rpn_head';
import { defaultKernelPlan, KernelPlan, planWeights } from './kernel_plan';

export type StageName = 'normalize' | 'backbone' | 'fpn' | 'rpn' | 'proposals' | 'boxHead' | 'detectionOutput' | 'maskHead';

export interface MaskRCNNOptions {
  /**
   * Called after each stage of `execute` with its wall time in ms. When set, each stage waits for
   * its outputs to be computed (a one-element read-back) so asynchronous backends time honestly.
   */
  onStage?: (name: StageName, ms: number) => void;
  /** Dispose the weight map in `dispose()` (default false: the weights stay the caller's). */
  ownsWeights?: boolean;
  /**
   * How the heavy layers run (kernel_plan.ts); default `defaultKernelPlan(current backend)`. The
   * weights it derives are made here, once, and disposed with the model. When the model owns the
   * weights, the originals they replace are disposed at once (memory).
   */
  kernels?: Partial<KernelPlan>;
}

export interface ExecuteOutput {
  /** [maxDetections] int32, 0 = padding row. */
  classes: tf.Tensor1D;
  /** [maxDetections] float32. */
  scores: tf.Tensor1D;
  /** [maxDetections, 4] x1, y1, x2, y2 in processed-image pixels (as the OpenVINO IR outputs them). */
  boxes: tf.Tensor2D;
  /** [maxDetections, numClasses, 28, 28] sigmoid masks, NCHW as the card. */
  rawMasks: tf.Tensor4D;
}

/** `executeSelected`'s outputs: every detection row, and masks for the selected rows only. */
export interface SelectedOutput extends ExecuteOutput {
  /** The detection rows whose masks `rawMasks` holds, in that order: rawMasks [rows.length, K, 28, 28]. */
  rows: number[];
}

/** Picks detection rows from the read-back classes and scores (e.g. score ≥ threshold, best first). */
export type RowSelector = (classes: Int32Array, scores: Float32Array) => number[];

function disposeAll(ts: ReadonlyArray<tf.Tensor | undefined>): void {
  for (const t of ts) t?.dispose();
}

export class MaskRCNN {
  readonly config: ModelConfig;
  /** The kernel plan in force (fixed at construction). */
  readonly kernels: KernelPlan;
  onStage?: (name: StageName, ms: number) => void;
  private weights: tf.NamedTensorMap;
  private derived: tf.NamedTensorMap;
  private readonly ownsWeights: boolean;
  private disposed = false;

  /** Checks every weight's presence and shape against the configuration (ShapeMismatchError). */
  constructor(weights: tf.NamedTensorMap, config: ModelConfig, options: MaskRCNNOptions = {}) {
    for (const [name, shape] of expectedWeightShapes(config)) weight(weights, name, shape);
    this.config = config;
    this.onStage = options.onStage;
    this.ownsWeights = options.ownsWeights ?? false;
    this.kernels = { ...defaultKernelPlan(tf.getBackend()), ...options.kernels };
    const planned = planWeights(weights, config, this.kernels, this.ownsWeights);
    this.derived = planned.derived;
    const map: tf.NamedTensorMap = { ...weights, ...planned.derived };
    if (this.ownsWeights) for (const name of planned.replaced) delete map[name]; // disposed by planWeights
    this.weights = map;
  }

  private w(): tf.NamedTensorMap {
    if (this.disposed) throw new DisposedError('MaskRCNN');
    return this.weights;
  }

  /** imData [1, 3, H, W] (channelOrder, no mean) → normalised NHWC [1, H, W, 3]; mean after padding. */
  normalize(imData: tf.Tensor4D): tf.Tensor4D {
    this.w();
    const { mean, std, padMultiple } = this.config.input;
    const [b, c, h, wd] = imData.shape;
    if (b !== 1 || c !== 3 || h % padMultiple !== 0 || wd % padMultiple !== 0 || h === 0 || wd === 0) {
      throw new ShapeMismatchError('imData', `[1,3,H,W] with H, W positive multiples of ${padMultiple}`, shapeString(imData.shape));
    }
    return tf.tidy(() => {
      const x = tf.sub<tf.Tensor4D>(tf.transpose(imData, [0, 2, 3, 1]), tf.tensor1d([...mean]));
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
    const flat = tf.tidy(() => rpnHead(p, w).flatMap((o) => [o.logits, o.deltas]));
    const out: RpnLevelOutput[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ logits: flat[i], deltas: flat[i + 1] });
    return out;
  }

  /** RPN outputs → top-N proposals over all levels (imH, imW from im_info, for clipping). */
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
      const o = boxHead(p, rois, w, this.config.roi);
      return [o.clsLogits, o.bboxDeltas];
    });
    return { clsLogits: out[0], bboxDeltas: out[1] };
  }

  /** Proposals + box head outputs → padded detections. */
  async detectionOutput(rois: tf.Tensor2D, clsLogits: tf.Tensor2D, bboxDeltas: tf.Tensor2D,
    imH: number, imW: number): Promise<Detections> {
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
   * imInfo [1, 3] (processed height, width, scale; only height/width are read, for clipping).
   */
  async execute(imData: tf.Tensor4D, imInfo: tf.Tensor2D): Promise<ExecuteOutput> {
    return this.run(imData, imInfo);
  }

  /**
   * `execute` with the mask head run only on the detection rows `select` picks (what `detect`
   * keeps): the masks of those rows equal execute's (every row is computed on its own), at a
   * fraction of the mask head's cost when few detections pass the threshold.
   */
  async executeSelected(imData: tf.Tensor4D, imInfo: tf.Tensor2D, select: RowSelector): Promise<SelectedOutput> {
    return this.run(imData, imInfo, select);
  }

  private async run(imData: tf.Tensor4D, imInfo: tf.Tensor2D): Promise<ExecuteOutput>;
  private async run(imData: tf.Tensor4D, imInfo: tf.Tensor2D, select: RowSelector): Promise<SelectedOutput>;
  private async run(imData: tf.Tensor4D, imInfo: tf.Tensor2D, select?: RowSelector): Promise<ExecuteOutput | SelectedOutput> {
    this.w();
    if (imInfo.rank !== 2 || imInfo.shape[0] !== 1 || imInfo.shape[1] !== 3) {
      throw new ShapeMismatchError('imInfo', '[1,3]', shapeString(imInfo.shape));
    }
    const info = await imInfo.data();
    const imH = Math.trunc(info[0]);
    const imW = Math.trunc(info[1]);
    if (!(imH > 0 && imW > 0)) throw new ShapeMismatchError('imInfo', 'a positive processed height and width', `[${info[0]},${info[1]}]`);
    const live: tf.Tensor[] = [];
    const stage = async <T>(name: StageName, run: () => T | Promise<T>, probe: (t: T) => tf.Tensor): Promise<T> => {
      const t0 = performance.now();
      const out = await run();
      if (this.onStage) {
        const p = probe(out);
        const one = tf.tidy(() => tf.slice(tf.reshape(p, [-1]), 0, Math.min(1, p.size)));
        await one.data();
        one.dispose();
        this.onStage(name, performance.now() - t0);
      }
      return out;
    };
    try {
      const x = await stage('normalize', () => this.normalize(imData), (t) => t);
      live.push(x);
      const c = await stage('backbone', () => this.backbone(x), (t) => t[3]);
      live.push(...c);
      x.dispose();
      const p = await stage('fpn', () => this.fpn(c), (t) => t[0]);
      live.push(...p);
      disposeAll(c);
      const r = await stage('rpn', () => this.rpn(p), (t) => t[0].logits);
      r.forEach((o) => live.push(o.logits, o.deltas));
      const props = await stage('proposals', () => this.proposals(r, imH, imW), (t) => t.rois);
      live.push(props.rois, props.scores);
      r.forEach((o) => disposeAll([o.logits, o.deltas]));
      const box = await stage('boxHead', () => this.boxHead(p, props.rois), (t) => t.clsLogits);
      live.push(box.clsLogits, box.bboxDeltas);
      const det = await stage('detectionOutput',
        () => this.detectionOutput(props.rois, box.clsLogits, box.bboxDeltas, imH, imW), (t) => t.boxes);
      disposeAll([props.rois, props.scores, box.clsLogits, box.bboxDeltas]);
      let rawMasks: tf.Tensor4D;
      let rows: number[] | undefined;
      try {
        if (select === undefined) {
          rawMasks = await stage('maskHead', () => this.maskHead(p, det.boxes), (t) => t);
        } else {
          const [classes, scores] = await Promise.all([det.classes.data(), det.scores.data()]);
          const picked = select(classes as Int32Array, scores as Float32Array);
          if (!picked.every((r) => Number.isInteger(r) && r >= 0 && r < classes.length)) {
            throw new ShapeMismatchError('selected rows', `integers in [0, ${classes.length})`, JSON.stringify(picked));
          }
          rows = picked;
          const { numClasses } = this.config;
          const side = 2 * this.config.roi.maskOutputSize;
          rawMasks = picked.length === 0 ? tf.zeros([0, numClasses, side, side])
            : await stage('maskHead', () => tf.tidy(() => this.maskHead(p, tf.gather(det.boxes, tf.tensor1d(picked, 'int32')))), (t) => t);
        }
      } catch (e) {
        disposeAll([det.classes, det.scores, det.boxes]);
        throw e;
      }
      const out = { classes: det.classes, scores: det.scores, boxes: det.boxes, rawMasks };
      return rows === undefined ? out : { ...out, rows };
    } finally {
      disposeAll(live);
    }
  }

  /** Releases the weights when this model owns them; later calls throw DisposedError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(Object.values(this.ownsWeights ? this.weights : this.derived));
    this.weights = {};
    this.derived = {};
  }
}
