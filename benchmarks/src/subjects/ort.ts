/**
 * Peers: the oracle's ONNX export of the same network on onnxruntime-node (CPU execution provider)
 * or onnxruntime-web (wasm, SIMD, 1 or 2 threads) in Node. Inputs are the goldens' im_data/im_info;
 * outputs are found by name (classes, RoIs) so the counts can be checked against this project.
 */
import * as fs from 'fs';
import type * as OrtCommon from 'onnxruntime-common';
import { ImageInput, plainFile } from '../inputs';
import { RunOutput, SubjectRunner } from '../measure';
import { BenchInputs, RunCounts, SubjectSpec } from '../types';
import { workloadFiles } from '../workloads/workload';

type Ort = typeof OrtCommon;
type Session = OrtCommon.InferenceSession;

/** The workload's ONNX file name (0049: model_0049.onnx). */
export function onnxFile(inputs: BenchInputs): string {
  return workloadFiles(inputs.workload ?? '0049').onnx;
}

/** True when the oracle folder holds the ONNX export (plain or gzipped). */
export function hasOnnx(inputs: BenchInputs): boolean {
  const f = onnxFile(inputs);
  return fs.existsSync(`${inputs.oracleDir}/${f}`) || fs.existsSync(`${inputs.oracleDir}/${f}.gz`);
}

/**
 * Which graph input is im_data (rank 4) and which is im_info (rank 2); torchvision's export takes one
 * input, the image [3, H, W] (im_data's batch element), and no im_info.
 */
export function assignInputs(session: Pick<Session, 'inputNames'>, dims: Record<string, readonly (number | string)[] | undefined>): { imData: string; imInfo?: string } {
  const names = session.inputNames;
  if (names.length === 1) return { imData: names[0] };
  const byRank = (r: number): string | undefined => names.find((n) => dims[n]?.length === r);
  const imData = names.find((n) => /im_?data|image|input/i.test(n) && dims[n]?.length !== 2) ?? byRank(4) ?? names[0];
  const imInfo = names.find((n) => n !== imData && /info/i.test(n)) ?? names.find((n) => n !== imData);
  if (imInfo === undefined) throw new Error(`ONNX graph inputs ${names.join(', ')}: expected im_data and im_info`);
  return { imData, imInfo };
}

/** Detection and RoI counts from the output map, found by name. */
export function countsFromOutputs(out: Record<string, { dims: readonly number[]; data: unknown }>): RunCounts {
  const names = Object.keys(out);
  const cls = names.find((n) => /^class|classes|labels/i.test(n));
  const roi = names.find((n) => /rois|proposals/i.test(n) && out[n].dims.length === 2 && out[n].dims[1] === 4);
  let detections = -1;
  let detectionRows = -1;
  if (cls !== undefined) {
    const data = out[cls].data as ArrayLike<number | bigint>;
    detectionRows = data.length;
    detections = 0;
    for (let i = 0; i < data.length; i++) if (Number(data[i]) > 0) detections++;
  }
  let rois: number | null = null;
  if (roi !== undefined) {
    const d = out[roi].data as Float32Array;
    rois = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] !== 0 || d[i + 1] !== 0 || d[i + 2] !== 0 || d[i + 3] !== 0) rois++;
  }
  return { detections, detectionRows, rois };
}

export class OrtRunner implements SubjectRunner {
  private ort?: Ort;
  private session?: Session;
  private names?: { imData: string; imInfo?: string };

  constructor(private readonly spec: SubjectSpec, private readonly inputs: BenchInputs) {}

  async load(): Promise<Record<string, string | number | boolean>> {
    const file = plainFile(this.inputs, onnxFile(this.inputs));
    if (file === undefined) throw new Error(`no ${onnxFile(this.inputs)} in ${this.inputs.oracleDir} (run \`npm run oracle\`)`);
    const isWeb = this.spec.kind === 'ort-web';
    const ort: Ort = isWeb ? await import('onnxruntime-web') : await import('onnxruntime-node');
    this.ort = ort;
    let options: OrtCommon.InferenceSession.SessionOptions;
    if (isWeb) {
      ort.env.wasm.numThreads = this.spec.threads;
      ort.env.wasm.simd = this.spec.simd;
      options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
    } else {
      options = { executionProviders: ['cpu'], intraOpNumThreads: this.spec.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
    }
    const bytes = new Uint8Array(fs.readFileSync(file));
    this.session = await ort.InferenceSession.create(bytes, options);
    const dims: Record<string, readonly (number | string)[] | undefined> = {};
    for (const m of this.session.inputMetadata) dims[m.name] = m.isTensor ? m.shape : undefined;
    this.names = assignInputs(this.session, dims);
    return {
      runtime: isWeb ? 'onnxruntime-web (wasm)' : 'onnxruntime-node (cpu EP)',
      version: ort.env.versions.web ?? ort.env.versions.node ?? ort.env.versions.common ?? 'unknown',
      threads: this.spec.threads,
      simd: isWeb ? this.spec.simd : true,
      outputs: this.session.outputNames.join(','),
    };
  }

  async run(input: ImageInput): Promise<RunOutput> {
    if (!this.ort || !this.session || !this.names) throw new Error('onnxruntime subject: load() first');
    const { imInfo } = this.names;
    const feeds: Record<string, OrtCommon.Tensor> = imInfo === undefined
      ? { [this.names.imData]: new this.ort.Tensor('float32', input.imData, input.imDataShape.slice(1)) }
      : {
        [this.names.imData]: new this.ort.Tensor('float32', input.imData, input.imDataShape),
        [imInfo]: new this.ort.Tensor('float32', input.imInfo, [1, 3]),
      };
    const out = await this.session.run(feeds);
    try {
      return { counts: countsFromOutputs(out) };
    } finally {
      for (const t of Object.values(out)) t.dispose();
    }
  }

  memory(): Record<string, never> {
    return {};
  }

  async dispose(): Promise<void> {
    await this.session?.release();
    this.session = undefined;
  }
}
