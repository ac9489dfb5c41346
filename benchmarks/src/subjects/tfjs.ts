/**
 * This project on a tfjs backend (cpu, wasm) in Node: the converter's model.json of the workload's
 * weights (else the oracle's canonical dump through @mrcnn/weights-converter's tfjs transform),
 * `MaskRCNN.execute` with per-stage timing (its per-call `onStage`), and a profile pass on the same
 * `execute` with its `onProfile` hook. Preprocess and paste are the model's image transform (card or
 * torchvision), as `detect` runs them on a decoded image.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { backendEntry, initBackend } from '@mrcnn/engine';
import { isWasmBackend, wasmBackendMemory } from '@mrcnn/engine/internal';
import { loadWeights, MaskRCNN } from '@mrcnn/model';
import type { ExecuteOutput, ModelConfig, ProfileEvent } from '@mrcnn/model';
import { imageTransform } from '@mrcnn/model/internal';
import type { InputGeometry } from '@mrcnn/model/internal';
import { configFor } from './config';
import { tfjsModelJson } from './tfjs_model';
import { STAGE_OF } from './stage_map';
import { tfjsWeightArrays, toTensorMap } from '../../../test/parity/oracle_model';
import { ImageInput } from '../inputs';
import { RunOutput, SubjectRunner } from '../measure';
import { BenchInputs, Stage, SubjectSpec, TfMemory } from '../types';
import { workloadFiles } from '../workloads/workload';

/** The input's sizes as the transform computed them (im_info and the source image). */
function geometryOf(input: ImageInput): InputGeometry {
  const [h0, w0] = input.rgb!.shape;
  const [, , ph, pw] = input.imDataShape;
  return { originalHeight: h0, originalWidth: w0, height: input.imInfo[0], width: input.imInfo[1], scale: input.imInfo[2], paddedHeight: ph, paddedWidth: pw };
}

/** ms to map every detection back and paste its mask of its class into the original image (as `detect` does). */
function pasteAll(classes: ArrayLike<number>, boxes: ArrayLike<number>, masks: Float32Array, shape: number[], input: ImageInput,
  cfg: ModelConfig): number {
  const [, k, m] = shape;
  const g = geometryOf(input);
  const transform = imageTransform(cfg.input);
  const t0 = performance.now();
  for (let i = 0; i < classes.length; i++) {
    if (classes[i] <= 0) continue;
    const off = (i * k + classes[i]) * m * m;
    transform.pasteMask(masks.subarray(off, off + m * m), m, transform.originalBox(boxes, i, g), g, 0.5);
  }
  return performance.now() - t0;
}

function memoryNow(): TfMemory {
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes };
}

export class TfjsRunner implements SubjectRunner {
  private model?: MaskRCNN;
  private afterLoad?: TfMemory;

  constructor(private readonly spec: SubjectSpec, private readonly inputs: BenchInputs) {}

  async load(): Promise<Record<string, string | number | boolean>> {
    const backend = this.spec.backend ?? 'wasm';
    const caps = backendEntry(backend)?.capabilities;
    const enabled = await initBackend(backend, caps?.threads ? { threads: this.spec.threads, simd: this.spec.simd } : {});
    if (caps?.threads && enabled.threads < this.spec.threads) {
      throw new Error(`${backend} runs ${enabled.threads} thread(s) here, ${this.spec.threads} requested (tfjs turns its threaded build off under Node: tfjs issue 3830)`);
    }
    if (caps?.simd && this.spec.simd && !enabled.simd) throw new Error(`${backend}: SIMD requested but the non-SIMD binary runs`);
    const workload = this.inputs.workload ?? '0049';
    const files = workloadFiles(workload);
    const json = tfjsModelJson(this.inputs);
    const fromJson = fs.existsSync(json);
    if (!fromJson && files.dump === undefined) throw new Error(`no converted model ${json} (the harness converts ${files.pth} first)`);
    // As `load()` does: the converter's model.json (see tfjs_model.ts), else the canonical dump.
    const loaded = fromJson ? await loadWeights(json) : undefined;
    const cfg = loaded?.config ?? configFor(this.inputs.widthDiv, workload);
    const weights = loaded?.weights ?? toTensorMap(tfjsWeightArrays(path.join(this.inputs.oracleDir, files.dump!)));
    this.model = new MaskRCNN(weights, cfg, { ownsWeights: true, hostValues: loaded?.values });
    this.afterLoad = memoryNow();
    return {
      backend: enabled.backend, threads: enabled.threads, simd: enabled.simd, tfjs: tf.version_core,
      weights: fromJson ? `model.json converted from ${files.tfjsFromOnnx ? files.onnx : files.pth}` : `${files.dump} dump`,
    };
  }

  private tensors(input: ImageInput): [tf.Tensor4D, tf.Tensor2D] {
    const [n, c, h, w] = input.imDataShape;
    return [tf.tensor4d(input.imData, [n, c, h, w]), tf.tensor2d(input.imInfo, [1, 3])];
  }

  /**
   * One image: preprocessing of the decoded source (when the golden keeps it; its output is
   * dropped so every subject sees the same im_data), the network on the golden im_data with
   * every output read back (the timed part, compared with the peers), then pasting every
   * detection's mask of its class into the original image.
   */
  async run(input: ImageInput): Promise<RunOutput> {
    const model = this.requireModel();
    const stages: Partial<Record<Stage, number>> = {};
    if (input.rgb) stages.preprocess = await this.preprocess(input.rgb);
    const [imData, imInfo] = this.tensors(input);
    let out: ExecuteOutput;
    const t0 = performance.now();
    try {
      out = await model.execute(imData, imInfo, { onStage: (name, ms) => { const s = STAGE_OF[name]; stages[s] = (stages[s] ?? 0) + ms; } });
    } finally {
      tf.dispose([imData, imInfo]);
    }
    try {
      const [classes, , boxes, masks] = await Promise.all([out.classes.data(), out.scores.data(), out.boxes.data(), out.rawMasks.data()]);
      const ms = performance.now() - t0;
      let detections = 0;
      for (const c of classes) if (c > 0) detections++;
      if (input.rgb) stages.paste = pasteAll(classes, boxes, masks as Float32Array, out.rawMasks.shape, input, model.config);
      return { ms, stages, counts: { detections, detectionRows: classes.length, rois: null } };
    } finally {
      tf.dispose([out.classes, out.scores, out.boxes, out.rawMasks]);
    }
  }

  /** ms to turn the decoded image into im_data/im_info as `detect` does (the result is discarded). */
  private async preprocess(rgb: NonNullable<ImageInput['rgb']>): Promise<number> {
    const input = this.requireModel().config.input;
    const t0 = performance.now();
    const p = imageTransform(input).preparePixels({ width: rgb.shape[1], height: rgb.shape[0], data: rgb.data }, rgb.policy, input);
    await p.imData.data();
    tf.dispose([p.imData, p.imInfo]);
    return performance.now() - t0;
  }

  /**
   * The network's own `execute` with its profiling hook: RoIAlign split from the heads and the RoI
   * count. boxRoIAlign/maskRoIAlign are the RoI feature extraction alone; boxHead/maskHead include
   * it (RoIAlign + the head after it, each part waited for); proposals is the network's stage.
   */
  async profile(input: ImageInput): Promise<{ profile: Record<string, number>; rois: number | null }> {
    const model = this.requireModel();
    const [imData, imInfo] = this.tensors(input);
    const prof: Record<string, number> = {};
    const events: ProfileEvent[] = [];
    try {
      const out = await model.execute(imData, imInfo, {
        onStage: (name, ms) => { if (name === 'proposals') prof.proposals = ms; },
        onProfile: (e) => events.push(e),
      });
      tf.dispose([out.classes, out.scores, out.boxes, out.rawMasks]);
    } finally {
      tf.dispose([imData, imInfo]);
    }
    const ms = (stage: ProfileEvent['stage']): number => events.find((e) => e.stage === stage)?.ms ?? 0;
    prof.boxRoIAlign = ms('boxRoIAlign');
    prof.boxHead = ms('boxRoIAlign') + ms('boxHead');
    prof.maskRoIAlign = ms('maskRoIAlign');
    prof.maskHead = ms('maskRoIAlign') + ms('maskHead');
    return { profile: prof, rois: events.find((e) => e.stage === 'boxRoIAlign')?.rois ?? null };
  }

  memory(): { wasmHeapMiB?: number; tfMemory?: { afterLoad: TfMemory; afterRuns: TfMemory } } {
    const b = tf.backend();
    const wasmHeapMiB = isWasmBackend(b) ? wasmBackendMemory(b).buffer.byteLength / 2 ** 20 : undefined;
    return { wasmHeapMiB, tfMemory: this.afterLoad ? { afterLoad: this.afterLoad, afterRuns: memoryNow() } : undefined };
  }

  async dispose(): Promise<void> {
    this.model?.dispose();
    this.model = undefined;
  }

  private requireModel(): MaskRCNN {
    if (!this.model) throw new Error('tfjs subject: load() first');
    return this.model;
  }
}
