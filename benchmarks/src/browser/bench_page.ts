/**
 * Browser side of the browser subjects (bundled by test/browser/chromium.ts's `bundlePage`):
 * `self.mrcnnBench` initialises a backend, loads model.json over HTTP, fetches the inputs once
 * and runs the network with per-stage times and every output read back.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendEntry, EngineBackendName, initBackend } from '@mrcnn/engine';
import { loadWeights, MaskRCNN } from '@mrcnn/model';
import type { StageName } from '@mrcnn/model';

export interface BenchPageInput { stem: string; imDataUrl: string; imDataShape: [number, number, number, number]; imInfo: [number, number, number] }
export interface BenchPageRun { ms: number; stages: Array<[StageName, number]>; detections: number; detectionRows: number }
export interface BenchPageInfo { backend: string; simd: boolean; threads: number; isolated: boolean; renderer: string; userAgent: string }

let model: MaskRCNN | undefined;
const inputs = new Map<string, { data: Float32Array; input: BenchPageInput }>();

async function init(name: EngineBackendName, threads: number): Promise<BenchPageInfo> {
  const caps = backendEntry(name)?.capabilities;
  const info = await initBackend(name, caps?.threads ? { wasmPaths: '/tfjs-wasm/', threads } : {});
  let renderer = '';
  if (caps?.gpu) {
    const gl = document.createElement('canvas').getContext('webgl2');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    renderer = gl && ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'unknown';
  }
  return { ...info, isolated: self.crossOriginIsolated === true, renderer, userAgent: navigator.userAgent };
}

async function load(modelUrl: string, inputList: BenchPageInput[]): Promise<{ numTensors: number; numBytes: number }> {
  const loaded = await loadWeights(modelUrl);
  model = new MaskRCNN(loaded.weights, loaded.config, { ownsWeights: true });
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
  const t0 = performance.now();
  const imData = tf.tensor4d(entry.data, entry.input.imDataShape);
  const imInfo = tf.tensor2d([entry.input.imInfo], [1, 3]);
  try {
    const out = await m.execute(imData, imInfo, { onStage: (name, ms) => stages.push([name, ms]) });
    try {
      const [classes] = await Promise.all([out.classes.data(), out.scores.data(), out.boxes.data(), out.rawMasks.data()]);
      const ms = performance.now() - t0;
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

function memory(): { numTensors: number; numBytes: number } {
  const mem = tf.memory();
  return { numTensors: mem.numTensors, numBytes: mem.numBytes };
}

export interface BenchPageApi { init: typeof init; load: typeof load; run: typeof run; memory: typeof memory }
export interface BenchPageGlobal { mrcnnBench: BenchPageApi }

(self as unknown as BenchPageGlobal).mrcnnBench = { init, load, run, memory };
