/**
 * Browser side of test/browser/model_webgl.test.ts, bundled by the engine's Chromium harness:
 * exposes `self.mrcnnTest` to initialise a backend, load a model.json over HTTP and run the whole
 * network on one prepared input, returning the card outputs in compact form.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendEntry, EngineBackendName, initBackend, WebGPUAdapterReport } from '@mrcnn/engine';
import { loadWeights, MaskRCNN } from '@mrcnn/model';
import { gpuCounts, installGpuCounters } from './gpu_counters';

export interface ModelPageInfo {
  backend: string; webgl2: boolean; isolated: boolean; simd: boolean; threads: number; floatTextures: boolean; gpuAdapter?: WebGPUAdapterReport;
}

export interface ModelPageCase {
  modelUrl: string;
  /** URL of the raw float32 bytes of im_data [1, 3, H, W]. */
  imDataUrl: string;
  imDataShape: [number, number, number, number];
  imInfo: [number, number, number];
  /** Also run execute once more without onStage, counting its read-backs (`readBacks`). */
  countReadBacks?: boolean;
}

/** What one `execute(imData, imInfo)` (outputs not read) asked of the backend. */
export interface ExecuteReadBacks {
  /** Reads reaching tfjs's engine: `data()` (read) and `dataSync()` (readSync). */
  engineReads: number;
  engineReadSyncs: number;
  /** WebGPU only: staging buffers mapped for reading (GPU→CPU copies) and compute dispatches. */
  gpuReadBacks?: number;
  dispatches?: number;
}

export interface ModelPageResult {
  classes: number[];
  scores: number[];
  boxes: number[];
  /** [D, 28, 28] flattened: each row's mask for its own class. */
  rawMasksSel: number[];
  maskSize: number;
  stages: Array<[string, number]>;
  totalMs: number;
  /** tf.memory().numTensors after the run minus before it (model weights excluded). */
  leaked: number;
  readBacks?: ExecuteReadBacks;
}

let gpuCounted = false;

async function init(name: EngineBackendName): Promise<ModelPageInfo> {
  const info = await initBackend(name, { wasmPaths: '/tfjs-wasm/' });
  // a WebGPU backend reports its adapter: count what it asks of the GPU
  if (info.gpuAdapter !== undefined) gpuCounted = installGpuCounters();
  const webgl = backendEntry(name)?.capabilities.floatTextures === true; // tfjs's WebGL flags apply
  return {
    ...info,
    webgl2: webgl && tf.env().getNumber('WEBGL_VERSION') === 2,
    floatTextures: webgl && tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'),
    isolated: self.crossOriginIsolated === true,
  };
}

async function run(c: ModelPageCase): Promise<ModelPageResult> {
  const loaded = await loadWeights(c.modelUrl);
  const model = new MaskRCNN(loaded.weights, loaded.config, { ownsWeights: true });
  try {
    const bytes = await (await fetch(c.imDataUrl)).arrayBuffer();
    const before = tf.memory().numTensors;
    const imData = tf.tensor4d(new Float32Array(bytes), c.imDataShape);
    const imInfo = tf.tensor2d([c.imInfo], [1, 3]);
    const stages: Array<[string, number]> = [];
    const t0 = performance.now();
    const out = await model.execute(imData, imInfo, { onStage: (name, ms) => stages.push([name, ms]) });
    const [classes, scores, boxes] = await Promise.all([out.classes.data(), out.scores.data(), out.boxes.data()]);
    const totalMs = performance.now() - t0;
    const [d, , s] = out.rawMasks.shape;
    const own = tf.tidy(() => tf.gatherND(out.rawMasks, tf.tensor2d(Array.from(classes, (cls, i) => [i, cls]), [d, 2], 'int32')));
    const rawMasksSel = await own.data();
    tf.dispose([own, out.classes, out.scores, out.boxes, out.rawMasks]);
    const readBacks = c.countReadBacks === true ? await countReadBacks(model, imData, imInfo) : undefined;
    tf.dispose([imData, imInfo]);
    return {
      classes: Array.from(classes), scores: Array.from(scores), boxes: Array.from(boxes),
      rawMasksSel: Array.from(rawMasksSel), maskSize: s, stages, totalMs, leaked: tf.memory().numTensors - before, readBacks,
    };
  } finally {
    model.dispose();
  }
}

/** The read-backs of one execute without onStage (its stage probes would add reads). */
async function countReadBacks(model: MaskRCNN, imData: tf.Tensor4D, imInfo: tf.Tensor2D): Promise<ExecuteReadBacks> {
  const engine = tf.engine();
  const read = engine.read;
  const readSync = engine.readSync;
  let engineReads = 0;
  let engineReadSyncs = 0;
  engine.read = (dataId) => { engineReads++; return read.call(engine, dataId); };
  engine.readSync = (dataId) => { engineReadSyncs++; return readSync.call(engine, dataId); };
  const gpu0 = gpuCounts();
  try {
    const out = await model.execute(imData, imInfo);
    const gpu1 = gpuCounts();
    tf.dispose([out.classes, out.scores, out.boxes, out.rawMasks]);
    return {
      engineReads, engineReadSyncs,
      ...(gpuCounted ? { gpuReadBacks: gpu1.readBacks - gpu0.readBacks, dispatches: gpu1.dispatches - gpu0.dispatches } : {}),
    };
  } finally {
    engine.read = read;
    engine.readSync = readSync;
  }
}

export interface ModelPageApi { init: typeof init; run: typeof run }
export interface ModelPageGlobal { mrcnnTest: ModelPageApi }

(self as unknown as ModelPageGlobal).mrcnnTest = { init, run };
