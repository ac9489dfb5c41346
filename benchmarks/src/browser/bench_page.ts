/**
 * Browser side of the browser subjects (bundled by test/browser/chromium.ts's `bundlePage`):
 * `self.mrcnnBench` initialises a backend, loads model.json over HTTP, fetches the inputs once
 * and runs the network with per-stage times and every output read back. On a WebGPU backend it
 * also counts the GPU work (test/browser/gpu_counters.ts): `gpu()` after the runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendEntry, EngineBackendName, initBackend } from '@mrcnn/engine';
import { loadWeights, MaskRCNN } from '@mrcnn/model';
import type { StageName } from '@mrcnn/model';
import { gpuCounts, GpuCounts, installGpuCounters, timeCompiles } from '../../../test/browser/gpu_counters';
import type { GpuFigures } from '../types';

export interface BenchPageInput { stem: string; imDataUrl: string; imDataShape: [number, number, number, number]; imInfo: [number, number, number] }
export interface BenchPageRun { ms: number; stages: Array<[StageName, number]>; detections: number; detectionRows: number }
export interface BenchPageInfo {
  backend: string; simd: boolean; threads: number; isolated: boolean; renderer: string; userAgent: string;
  /** WebGPU: the adapter, e.g. 'google swiftshader (fallback)'. */
  gpuAdapter?: string;
}

let model: MaskRCNN | undefined;
/** WebGPU only: the adapter, and the GPU work of the first run after load. */
let gpu: { adapter: string; fallback: boolean; firstRun?: GpuCounts } | undefined;
const inputs = new Map<string, { data: Float32Array; input: BenchPageInput }>();

async function init(name: EngineBackendName, threads: number): Promise<BenchPageInfo> {
  const caps = backendEntry(name)?.capabilities;
  const info = await initBackend(name, caps?.threads ? { wasmPaths: '/tfjs-wasm/', threads } : {});
  const base = { backend: info.backend, simd: info.simd, threads: info.threads, isolated: self.crossOriginIsolated === true, userAgent: navigator.userAgent };
  const a = info.gpuAdapter;
  if (a !== undefined && installGpuCounters()) {
    // a WebGPU backend (it reports its adapter): the renderer is the adapter, not a WebGL context
    gpu = { adapter: `${a.vendor} ${a.architecture}`.trim(), fallback: a.fallback };
    return { ...base, renderer: `WebGPU ${gpu.adapter}${a.fallback ? ' (fallback adapter)' : ''}`, gpuAdapter: gpu.adapter };
  }
  let renderer = '';
  if (caps?.gpu) {
    const gl = document.createElement('canvas').getContext('webgl2');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    renderer = gl && ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'unknown';
  }
  return { ...base, renderer };
}

async function load(modelUrl: string, inputList: BenchPageInput[]): Promise<{ numTensors: number; numBytes: number }> {
  const loaded = await loadWeights(modelUrl);
  model = new MaskRCNN(loaded.weights, loaded.config, { ownsWeights: true, hostValues: loaded.values });
  for (const input of inputList) {
    inputs.set(input.stem, { data: new Float32Array(await (await fetch(input.imDataUrl)).arrayBuffer()), input });
  }
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes };
}

async function run(stem: string): Promise<BenchPageRun> {
  const m = model;
  const entry = inputs.get(stem);
  if (m === undefined || entry === undefined) throw new Error(`bench page: load() first (input ${stem})`);
  const stages: Array<[StageName, number]> = [];
  const counts0 = gpuCounts();
  const t0 = performance.now();
  const imData = tf.tensor4d(entry.data, entry.input.imDataShape);
  const imInfo = tf.tensor2d([entry.input.imInfo], [1, 3]);
  try {
    const out = await m.execute(imData, imInfo, { onStage: (name, ms) => stages.push([name, ms]) });
    try {
      const [classes] = await Promise.all([out.classes.data(), out.scores.data(), out.boxes.data(), out.rawMasks.data()]);
      const ms = performance.now() - t0;
      if (gpu !== undefined && gpu.firstRun === undefined) gpu.firstRun = diff(gpuCounts(), counts0);
      let detections = 0;
      for (const c of classes) if (c > 0) detections++;
      return { ms, stages, detections, detectionRows: classes.length };
    } finally {
      tf.dispose([out.classes, out.scores, out.boxes, out.rawMasks]);
    }
  } finally {
    tf.dispose([imData, imInfo]);
  }
}

function diff(a: GpuCounts, b: GpuCounts): GpuCounts {
  return { dispatches: a.dispatches - b.dispatches, readBacks: a.readBacks - b.readBacks, pipelines: a.pipelines - b.pipelines };
}

/**
 * WebGPU only, after the runs: the GPU memory tfjs holds (read first: the runs read their outputs
 * back, so every command was submitted and released buffers are back in tfjs's pool), one more
 * execute without stage timing (whose probes read back) with its dispatches and read-backs up to
 * the outputs (not read), then the first run's pipelines compiled again one by one. undefined on
 * other backends.
 */
async function gpuFigures(stem: string): Promise<GpuFigures | undefined> {
  const m = model;
  const entry = inputs.get(stem);
  if (gpu === undefined) return undefined;
  if (m === undefined || entry === undefined || gpu.firstRun === undefined) throw new Error('bench page: gpu() after load() and a run');
  const mem = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
  const imData = tf.tensor4d(entry.data, entry.input.imDataShape);
  const imInfo = tf.tensor2d([entry.input.imInfo], [1, 3]);
  let run: GpuCounts;
  try {
    const c0 = gpuCounts();
    const out = await m.execute(imData, imInfo);
    run = diff(gpuCounts(), c0);
    tf.dispose([out.classes, out.scores, out.boxes, out.rawMasks]);
  } finally {
    tf.dispose([imData, imInfo]);
  }
  const backend = tf.backend() as unknown as { device: GPUDevice };
  const compile = await timeCompiles(backend.device);
  return {
    adapter: gpu.adapter, fallback: gpu.fallback,
    dispatchesPerRun: run.dispatches, readBacksPerRun: run.readBacks, pipelinesPerWarmRun: run.pipelines,
    firstRunPipelines: gpu.firstRun.pipelines, compileMs: compile.ms,
    tensorsMiB: (mem.numBytesInGPU ?? NaN) / 2 ** 20, allocatedMiB: (mem.numBytesAllocatedInGPU ?? NaN) / 2 ** 20,
  };
}

function memory(): { numTensors: number; numBytes: number } {
  const mem = tf.memory();
  return { numTensors: mem.numTensors, numBytes: mem.numBytes };
}

export interface BenchPageApi { init: typeof init; load: typeof load; run: typeof run; memory: typeof memory; gpu: typeof gpuFigures }
export interface BenchPageGlobal { mrcnnBench: BenchPageApi }

(self as unknown as BenchPageGlobal).mrcnnBench = { init, load, run, memory, gpu: gpuFigures };
