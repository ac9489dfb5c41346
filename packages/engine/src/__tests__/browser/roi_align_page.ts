/**
 * Browser side of the headless-Chromium test: bundled by esbuild, it exposes `window.mrcnnTest`
 * so the jest test can initialise a backend and run golden cases through multiLevelRoIAlign.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EnabledBackend, EngineBackendName, initBackend, InitBackendOptions } from '../../backends';
import type { MultiLevelRoIAlignAttrs } from '../../kernel_names';
import { multiLevelRoIAlign } from '../../ops/multi_level_roi_align';

export interface PageCase {
  levels: Array<{ shape: [number, number, number, number]; data: number[] }>;
  rois: number[];
  numRois: number;
  attrs: MultiLevelRoIAlignAttrs;
}

export interface PageResult { out: number[]; shape: number[]; leaked: number; ms: number }

async function init(name: EngineBackendName, opts: InitBackendOptions = {}): Promise<EnabledBackend & { isolated: boolean }> {
  const info = await initBackend(name, { wasmPaths: '/tfjs-wasm/', ...opts });
  return { ...info, isolated: self.crossOriginIsolated === true };
}

async function run(c: PageCase): Promise<PageResult> {
  const before = tf.memory().numTensors;
  const feats = c.levels.map((l) => tf.tensor4d(l.data, l.shape));
  const rois = tf.tensor2d(c.rois, [c.numRois, 4]);
  const t0 = performance.now();
  const res = multiLevelRoIAlign(feats, rois, c.attrs);
  const data = await res.data();
  const ms = performance.now() - t0;
  const shape = res.shape;
  tf.dispose([...feats, rois, res]);
  return { out: Array.from(data), shape, leaked: tf.memory().numTensors - before, ms };
}

export interface MrcnnTestApi {
  init: typeof init;
  run: typeof run;
  backend(): string;
}

declare global {
  interface Window { mrcnnTest: MrcnnTestApi }
}

const api: MrcnnTestApi = { init, run, backend: () => tf.getBackend() };
self.mrcnnTest = api;
