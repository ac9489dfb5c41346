/**
 * RoIAlign micro-benchmark: @mrcnn/engine's multiLevelRoIAlign kernel vs the same result composed
 * from stock tfjs ops (stock_composition.ts), per backend, on 0049's shapes (workload.ts).
 * `runRoiAlignBench` is what the bench harness calls; `cli.ts` runs it and writes the reports.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EnabledBackend, EngineBackendName, initBackend, multiLevelRoIAlign } from '@mrcnn/engine';
import { stockMultiLevelRoIAlign } from './stock_composition';
import { benchCases, benchFeatures, benchRois, RoiAlignCase } from './workload';

/** Any registered backend of @mrcnn/engine. */
export type RoiAlignBenchBackend = EngineBackendName;

export interface RoiAlignBenchOptions {
  backends: readonly RoiAlignBenchBackend[];
  /** Fewer repetitions (1 warm-up, 3 timed) instead of 2 warm-ups and 10 timed runs. */
  quick?: boolean;
  /** Feature channels (default 256, 0049's FPN width). */
  channels?: number;
  /** wasm: thread count passed to initBackend (Node: > 1 runs tfjs's threaded build). */
  threads?: number;
  /** wasm: where tfjs's .wasm files are (browser pages; Node finds the installed ones). */
  wasmPaths?: string;
  onProgress?: (what: string, done: number, total: number) => void;
}

export interface RoiAlignTiming { medianMs: number; minMs: number; maxMs: number; runs: number }

export interface RoiAlignCaseResult {
  case: string;
  numRois: number;
  outputSize: number;
  kernel: RoiAlignTiming;
  stock: RoiAlignTiming;
  /** stock median / kernel median: how many times faster the kernel is. */
  speedup: number;
  /** Max abs difference between the kernel's and the stock composition's outputs. */
  maxAbsDiff: number;
}

export interface RoiAlignBackendResult {
  backend: RoiAlignBenchBackend;
  ok: boolean;
  error?: string;
  enabled?: EnabledBackend;
  cases: RoiAlignCaseResult[];
}

export interface RoiAlignBenchResult {
  kind: 'roi-align-micro-benchmark';
  date: string;
  node: string;
  tfjs: string;
  image: [number, number];
  channels: number;
  quick: boolean;
  warmup: number;
  runs: number;
  backends: RoiAlignBackendResult[];
}

function summary(ms: number[]): RoiAlignTiming {
  const s = [...ms].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const medianMs = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { medianMs, minMs: s[0], maxMs: s[s.length - 1], runs: s.length };
}

/** Wall time of f() including the read-back of its output to host memory. */
async function timeOnce(f: () => tf.Tensor): Promise<number> {
  const t0 = performance.now();
  const out = f();
  await out.data();
  const ms = performance.now() - t0;
  out.dispose();
  return ms;
}

async function timeMany(f: () => tf.Tensor, warmup: number, runs: number, tick: () => void): Promise<RoiAlignTiming> {
  for (let i = 0; i < warmup; i++) { await timeOnce(f); tick(); }
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) { ms.push(await timeOnce(f)); tick(); }
  return summary(ms);
}

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const v = (await d.data())[0];
  d.dispose();
  return v;
}

async function benchCase(c: RoiAlignCase, feats: tf.Tensor4D[], warmup: number, runs: number, tick: () => void): Promise<RoiAlignCaseResult> {
  const rois = tf.tensor2d(benchRois(c.numRois, 49), [c.numRois, 4]);
  try {
    const kernelOut = multiLevelRoIAlign(feats, rois, c.attrs);
    const stockOut = stockMultiLevelRoIAlign(feats, rois, c.attrs);
    const diff = await maxAbsDiff(kernelOut, stockOut);
    tf.dispose([kernelOut, stockOut]);
    const kernel = await timeMany(() => multiLevelRoIAlign(feats, rois, c.attrs), warmup, runs, tick);
    const stock = await timeMany(() => stockMultiLevelRoIAlign(feats, rois, c.attrs), warmup, runs, tick);
    return {
      case: c.name, numRois: c.numRois, outputSize: c.attrs.outputSize, kernel, stock,
      speedup: stock.medianMs / kernel.medianMs, maxAbsDiff: diff,
    };
  } finally {
    rois.dispose();
  }
}

export async function runRoiAlignBench(opts: RoiAlignBenchOptions): Promise<RoiAlignBenchResult> {
  const quick = opts.quick === true;
  const [warmup, runs] = quick ? [1, 3] : [2, 10];
  const { channels, cases } = benchCases(opts.channels ?? 256);
  const total = opts.backends.length * cases.length * 2 * (warmup + runs);
  let done = 0;
  const progress = opts.onProgress ?? (() => undefined);
  const results: RoiAlignBackendResult[] = [];
  for (const backend of opts.backends) {
    const tick = (): void => progress(`roi-align ${backend}`, ++done, total);
    progress(`roi-align ${backend}: init`, done, total);
    let enabled: EnabledBackend;
    try {
      // threads and wasmPaths concern wasm; the other backends ignore them
      enabled = await initBackend(backend, { threads: opts.threads, wasmPaths: opts.wasmPaths });
    } catch (e) {
      results.push({ backend, ok: false, error: e instanceof Error ? e.message : String(e), cases: [] });
      done += cases.length * 2 * (warmup + runs);
      continue;
    }
    const feats = benchFeatures(channels, 7);
    try {
      const caseResults: RoiAlignCaseResult[] = [];
      for (const c of cases) caseResults.push(await benchCase(c, feats, warmup, runs, tick));
      results.push({ backend, ok: true, enabled, cases: caseResults });
    } finally {
      tf.dispose(feats);
    }
  }
  return {
    kind: 'roi-align-micro-benchmark', date: new Date().toISOString(),
    node: typeof process !== 'undefined' ? process.version : 'browser', tfjs: tf.version_core,
    image: [320, 480], channels, quick, warmup, runs, backends: results,
  };
}

export { roiAlignBenchMarkdown } from './report';
