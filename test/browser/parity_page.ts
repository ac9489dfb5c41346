/**
 * Browser side of the parity suite in headless Chromium (parity_target.ts): bundled with Node
 * built-ins stubbed, it exposes `self.mrcnnParity` to initialise a backend, load a model.json over
 * HTTP, open a golden fetched from the test server and answer the suite's stage checks with the
 * very runner the jest process uses in process (test/parity/stage_runner.ts).
 *
 * Ownership: the page's model owns its weights (dispose() releases them); the open golden's runner
 * owns its tensors until close().
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineBackendName, initBackend } from '@mrcnn/engine';
import type { EnabledBackend } from '@mrcnn/engine';
import type { ModelConfig } from '@mrcnn/schema';
import { loadWeights, MaskRCNN } from '@mrcnn/model';
import { parseTensorDump, TensorDump } from '../helpers/tensor_dump';
import { GoldenStages, StageRunner } from '../parity/stage_runner';

/** The runner's checks the page answers (everything but close, which `closeGolden` does). */
export type StageCheck = Exclude<keyof StageRunner, 'close'>;

let loaded: { model: MaskRCNN; config: ModelConfig } | undefined;
let runner: GoldenStages | undefined;

async function init(name: EngineBackendName): Promise<EnabledBackend & { isolated: boolean }> {
  return { ...await initBackend(name), isolated: self.crossOriginIsolated === true };
}

/** Loads the model; returns tf.memory().numTensors with it loaded. */
async function load(modelUrl: string): Promise<number> {
  const w = await loadWeights(modelUrl);
  loaded = { model: new MaskRCNN(w.weights, w.config, { ownsWeights: true }), config: w.config };
  return tf.memory().numTensors;
}

async function fetchDump(url: string): Promise<TensorDump> {
  const [header, bin] = await Promise.all([
    fetch(`${url}.json`).then((r) => r.json() as Promise<unknown>),
    fetch(`${url}.bin`).then((r) => r.arrayBuffer()),
  ]);
  return parseTensorDump(header, new Uint8Array(bin), url);
}

/** Opens a golden (`url`.json + `url`.bin) on the model; `imageUrl`: a golden holding its image_rgb. */
async function openGolden(url: string, fromImage: boolean, imageUrl: string | null): Promise<void> {
  if (loaded === undefined) throw new Error('parity page: load() first');
  if (runner !== undefined) throw new Error('parity page: closeGolden() the previous golden first');
  const d = await fetchDump(url);
  const image = imageUrl === null ? undefined : (await fetchDump(imageUrl)).get('image_rgb');
  runner = GoldenStages.open(loaded.model, loaded.config, d, { fromImage, image });
}

/** One stage check of the open golden, its arguments as the runner takes them. */
async function check(name: StageCheck, args: unknown[]): Promise<unknown> {
  if (runner === undefined) throw new Error(`parity page: no golden open for ${name}`);
  const method = runner[name] as (...a: unknown[]) => Promise<unknown>;
  return method.apply(runner, args);
}

async function closeGolden(): Promise<number> {
  if (runner === undefined) throw new Error('parity page: no golden open');
  const leaked = await runner.close();
  runner = undefined;
  return leaked;
}

function dispose(): number {
  loaded?.model.dispose();
  loaded = undefined;
  return tf.memory().numTensors;
}

export interface ParityPageApi {
  init: typeof init;
  load: typeof load;
  openGolden: typeof openGolden;
  check: typeof check;
  closeGolden: typeof closeGolden;
  dispose: typeof dispose;
}
export interface ParityPageGlobal { mrcnnParity: ParityPageApi }

(self as unknown as ParityPageGlobal).mrcnnParity = { init, load, openGolden, check, closeGolden, dispose };
