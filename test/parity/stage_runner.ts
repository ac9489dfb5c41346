/**
 * One golden's stage checks (stage_checks.ts) on one MaskRCNN, wherever the model runs: in the jest
 * process (parity_suite.ts's in-process target) or in a headless-Chromium page, which bundles this
 * same class (test/browser/parity_page.ts) and answers the jest side's calls one by one. Results are
 * plain data (a page returns them as JSON-like values).
 *
 * Ownership: the model is borrowed; the golden's network input and stage inputs are this object's,
 * released by `close()`, which also reports the tf.memory().numTensors change since `open` (0 when
 * nothing leaked).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '@mrcnn/schema';
import { prepareRgbTensor } from '@mrcnn/model';
import type { MaskRCNN } from '@mrcnn/model';
import type { CloseStats } from '../helpers/compare';
import type { DumpTensor, TensorDump } from '../helpers/tensor_dump';
import { goldenTensor, read } from './oracle_model';
import {
  checkBackbone, checkBoxHead, checkDetectionOutput, checkExecute, checkFpn, checkMaskHead, checkProposals,
  checkRoiFeatures, checkRpn, DetectionComparison, EndToEnd, MatchOptions, ProposalComparison, StageInputs,
} from './stage_checks';

/** The stage checks of one golden, as the parity suite calls them (every method async: a page answers them). */
export interface StageRunner {
  /** The network input: its im_info and im_data shape, beside the golden's im_info. */
  input(): Promise<{ imInfo: number[]; goldenImInfo: number[]; imDataShape: number[] }>;
  backbone(): Promise<Record<string, CloseStats>>;
  fpn(): Promise<{ stats: Record<string, CloseStats>; oracleInputs: string[] }>;
  rpn(): Promise<{ stats: Record<string, CloseStats>; source: string }>;
  roiFeatures(negativeZero: boolean): Promise<{ stats: CloseStats; zeroed: number; expectedZeroed: number }>;
  boxHead(): Promise<Record<string, CloseStats>>;
  detections(opts: MatchOptions): Promise<DetectionComparison & { oracleDeltas: boolean }>;
  proposals(scoreTol: number, boxTol: number, tieTol: number): Promise<{ cmp: ProposalComparison; oracleMaps: number }>;
  masks(): Promise<{ maxAbs: number; rows: number }>;
  execute(opts: MatchOptions & { readonly maskMinIoU: number }): Promise<EndToEnd>;
  /** Releases the golden's tensors; returns tf.memory().numTensors now minus at `open` (0: no leak). */
  close(): Promise<number>;
}

export interface GoldenInputOptions {
  /** The network input is @mrcnn/model's preprocessing of `image_rgb` (else the golden's im_data). */
  fromImage: boolean;
  /** `image_rgb` when the golden lacks it (another golden of the same image). */
  image?: DumpTensor;
}

/** The network input of a golden: its im_data, or @mrcnn/model's preprocessing of the source image. */
function networkInput(d: TensorDump, config: ModelConfig, o: GoldenInputOptions): { imData: tf.Tensor4D; imInfo: tf.Tensor2D } {
  if (!o.fromImage) return { imData: goldenTensor(d, 'im_data') as tf.Tensor4D, imInfo: goldenTensor(d, 'im_info') as tf.Tensor2D };
  const image = d.has('image_rgb') ? d.get('image_rgb') : o.image;
  if (image === undefined) throw new Error('stage runner: the golden has no image_rgb and none was given');
  const rgb = tf.tensor3d(Int32Array.from(image.data), image.shape as [number, number, number], 'int32');
  try {
    const p = prepareRgbTensor(rgb, d.meta.policy as 'fit' | 'window', config.input);
    return { imData: p.imData, imInfo: p.imInfo };
  } finally {
    rgb.dispose();
  }
}

/** The in-process runner: stage_checks.ts on this model and golden, on the current backend. */
export class GoldenStages implements StageRunner {
  private readonly s: StageInputs;

  private constructor(private readonly model: MaskRCNN, private readonly d: TensorDump,
    private readonly net: { imData: tf.Tensor4D; imInfo: tf.Tensor2D }, private readonly before: number) {
    this.s = new StageInputs(model, d, net.imData);
  }

  static open(model: MaskRCNN, config: ModelConfig, d: TensorDump, o: GoldenInputOptions): GoldenStages {
    const before = tf.memory().numTensors;
    return new GoldenStages(model, d, networkInput(d, config, o), before);
  }

  async input(): Promise<{ imInfo: number[]; goldenImInfo: number[]; imDataShape: number[] }> {
    return { imInfo: Array.from(await read(this.net.imInfo)), goldenImInfo: Array.from(this.d.get('im_info').data), imDataShape: this.net.imData.shape };
  }

  backbone(): Promise<Record<string, CloseStats>> { return checkBackbone(this.s); }
  fpn(): Promise<{ stats: Record<string, CloseStats>; oracleInputs: string[] }> { return checkFpn(this.s); }
  rpn(): Promise<{ stats: Record<string, CloseStats>; source: string }> { return checkRpn(this.s); }
  roiFeatures(negativeZero: boolean): Promise<{ stats: CloseStats; zeroed: number; expectedZeroed: number }> {
    return checkRoiFeatures(this.s, negativeZero);
  }
  boxHead(): Promise<Record<string, CloseStats>> { return checkBoxHead(this.s); }
  detections(opts: MatchOptions): Promise<DetectionComparison & { oracleDeltas: boolean }> { return checkDetectionOutput(this.s, opts); }
  proposals(scoreTol: number, boxTol: number, tieTol: number): Promise<{ cmp: ProposalComparison; oracleMaps: number }> {
    return checkProposals(this.s, scoreTol, boxTol, tieTol);
  }
  masks(): Promise<{ maxAbs: number; rows: number }> { return checkMaskHead(this.s); }
  execute(opts: MatchOptions & { readonly maskMinIoU: number }): Promise<EndToEnd> {
    return checkExecute(this.model, this.d, this.net.imData, this.net.imInfo, opts);
  }

  async close(): Promise<number> {
    this.s.dispose();
    tf.dispose([this.net.imData, this.net.imInfo]);
    return tf.memory().numTensors - this.before;
  }
}
