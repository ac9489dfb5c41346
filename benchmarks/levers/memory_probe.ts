/**
 * Where the tfjs-wasm subject's resident memory goes: RSS, V8 heap, ArrayBuffers and the wasm heap
 * after each phase (backend init, weights read, tensors made, first and later runs).
 *   node benchmarks/levers/build_probe.mjs && node benchmarks/levers/dist/memory_probe.js [threads] [runs]
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mrcnn/engine';
import { wasmBackendMemory } from '../../packages/engine/src/kernels/wasm/wasm_backend_access';
import { configFor } from '../src/subjects/config';
import { MaskRCNN } from '../../packages/model/src/network/mask_rcnn';
import { tfjsWeightArrays, toTensorMap } from '../../test/parity/oracle_model';
import { readImageInput, resolveInputs } from '../src/inputs';

const MiB = 1 << 20;
function report(phase: string): void {
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
  const model = new MaskRCNN(weights, configFor(1), { ownsWeights: true });
  report('model');
  const input = readImageInput(resolveInputs({ oracleDir, images: ['astronaut_fit'] }), 'astronaut_fit');
  model.onStage = (name, ms) => report(`  ${name} ${ms.toFixed(0)} ms`);
  for (let i = 0; i < runs; i++) {
    if (i === 1) model.onStage = undefined;
    const imData = tf.tensor4d(input.imData, input.imDataShape as [number, number, number, number]);
    const imInfo = tf.tensor2d(input.imInfo, [1, 3]);
    const t0 = performance.now();
    const out = await model.execute(imData, imInfo);
    await out.rawMasks.data();
    const ms = performance.now() - t0;
    tf.dispose([imData, imInfo, out.classes, out.scores, out.boxes, out.rawMasks]);
    report(`run ${i} ${ms.toFixed(0)} ms`);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
