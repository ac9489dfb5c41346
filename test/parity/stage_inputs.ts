/**
 * What the stage checks feed MaskRCNN (stage_checks.ts): the oracle's input for a stage where the
 * golden holds it, else our own upstream result from the golden's im_data (`StageInputs`), and the
 * leak check every call goes through (`noLeak`: tf.memory().numTensors after the call equals the
 * count before plus the tensors it returned, and again after they are disposed).
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

export const pyramidList = (p: PyramidFeatures): tf.Tensor[] => [...p];
export const rpnList = (r: RpnLevelOutput[]): tf.Tensor[] => r.flatMap((o) => [o.logits, o.deltas]);

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
export async function compareMap(actual: tf.Tensor4D, d: TensorDump, name: string): Promise<CloseStats> {
  const exp = d.get(name);
  const got = await readNchw(actual);
  if (got.length !== exp.data.length) throw new Error(`${name}: ${got.length} values, golden has ${exp.data.length}`);
  return closeStats(got, exp.data, 1);
}
