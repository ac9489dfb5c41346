/**
 * Where the tfjs-wasm subject's resident memory goes: RSS, V8 heap, ArrayBuffers and the wasm heap
 * after each phase (backend init, weights read, tensors made, model with its kernel plan, the first
 * run stage by stage, later runs). Env: KERNELS='{"winograd":false}' (a kernel plan),
 * WARMUP_SIZE=64 (one run on a tiny image first: what packing the weights alone costs).
 *   node benchmarks/levers/build_probe.mjs && node benchmarks/levers/dist/memory_probe.js [threads] [runs]
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mrcnn/engine';
import { wasmBackendMemory } from '@mrcnn/engine/internal';
import { MaskRCNN } from '@mrcnn/model';
import { configFor } from '../src/subjects/config';
import { tfjsWeightArrays, toTensorMap } from '../../test/parity/oracle_model';
import { readImageInput, resolveInputs } from '../src/inputs';

const MiB = 1 << 20;
let last = performance.now();
function report(phase: string): void {
  const now = performance.now();
  phase = `${phase} +${(now - last).toFixed(0)}`;
  last = now;
  const m = process.memoryUsage();
  let heap = 0;
  try { heap = wasmBackendMemory(tf.backend()).buffer.byteLength; } catch { /* not wasm yet */ }
  console.log(`${phase.padEnd(28)} rss ${(m.rss / MiB).toFixed(0).padStart(5)}  v8 ${(m.heapUsed / MiB).toFixed(0).padStart(4)}  arrayBuffers ${(m.arrayBuffers / MiB).toFixed(0).padStart(5)}  external ${(m.external / MiB).toFixed(0).padStart(5)}  wasm heap ${(heap / MiB).toFixed(0).padStart(5)}  tensors ${tf.memory().numTensors} ${(tf.memory().numBytes / MiB).toFixed(0)} MiB`);
}

async function main(): Promise<void> {
  const threads = Number(process.argv[2] ?? 2);
  const runs = Number(process.argv[3] ?? 3);
  const oracleDir = path.resolve('.cache/oracle/k1');
  console.log('start rss', (process.memoryUsage().rss / MiB).toFixed(0));
  await initBackend('wasm', { threads });
  report('backend');
  let arrays: ReturnType<typeof tfjsWeightArrays> | undefined = tfjsWeightArrays(path.join(oracleDir, 'weights_0049'));
  report('weights read');
  const weights = toTensorMap(arrays);
  arrays = undefined; // as the harness: only the tensors stay
  report('tensors made');
  const t0 = performance.now();
  const model = new MaskRCNN(weights, configFor(1), { ownsWeights: true, kernels: process.env.KERNELS ? JSON.parse(process.env.KERNELS) : undefined });
  report(`model ${(performance.now() - t0).toFixed(0)} ms`);
  const input = readImageInput(resolveInputs({ oracleDir, images: ['astronaut_fit'] }), 'astronaut_fit');
  if (process.env.WARMUP_SIZE) {
    const sz = Number(process.env.WARMUP_SIZE);
    const t0 = performance.now();
    const o = await model.execute(tf.zeros([1, 3, sz, sz]) as tf.Tensor4D, tf.tensor2d([[sz, sz, 1]]));
    tf.dispose(Object.values(o));
    report(`warm-up ${sz} ${(performance.now() - t0).toFixed(0)} ms`);
  }
  const onStage = (name: string, ms: number): void => report(`  ${name} ${ms.toFixed(0)} ms`);
  for (let i = 0; i < runs; i++) {
    const imData = tf.tensor4d(input.imData, input.imDataShape as [number, number, number, number]);
    const imInfo = tf.tensor2d(input.imInfo, [1, 3]);
    const t0 = performance.now();
    const out = await model.execute(imData, imInfo, i < 2 ? { onStage } : {});
    await out.rawMasks.data();
    const ms = performance.now() - t0;
    tf.dispose([imData, imInfo, out.classes, out.scores, out.boxes, out.rawMasks]);
    report(`run ${i} ${ms.toFixed(0)} ms`);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
