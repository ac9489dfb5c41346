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
let live = 0;
let peak = 0;
let last = performance.now();
function report(phase: string): void {
  const now = performance.now();
  phase = `${phase} +${(now - last).toFixed(0)}`;
  last = now;
  const m = process.memoryUsage();
  let heap = 0;
  try { heap = wasmBackendMemory(tf.backend()).buffer.byteLength; } catch { /* not wasm yet */ }
  console.log(`${phase.padEnd(28)} rss ${(m.rss / MiB).toFixed(0).padStart(5)}  v8 ${(m.heapUsed / MiB).toFixed(0).padStart(4)}  arrayBuffers ${(m.arrayBuffers / MiB).toFixed(0).padStart(5)}  external ${(m.external / MiB).toFixed(0).padStart(5)}  wasm heap ${(heap / MiB).toFixed(0).padStart(5)}  tensors ${tf.memory().numTensors} ${(tf.memory().numBytes / MiB).toFixed(0)} MiB  js-malloc live ${(live / MiB).toFixed(0)} peak ${(peak / MiB).toFixed(0)}`);
  peak = live;
}

async function main(): Promise<void> {
  const threads = Number(process.argv[2] ?? 2);
  const runs = Number(process.argv[3] ?? 3);
  const oracleDir = path.resolve('.cache/oracle/k1');
  console.log('start rss', (process.memoryUsage().rss / MiB).toFixed(0));
  await initBackend('wasm', { threads });
  // Live bytes the backend mallocs from JS (tensor data; XNNPACK's own packs are malloc'd in C, unseen).
  const w = (tf.backend() as unknown as { wasm: { _malloc(n: number): number; _free(p: number): void } }).wasm;
  const sizes = new Map<number, number>();
  const malloc = w._malloc.bind(w);
  const free = w._free.bind(w);
  w._malloc = (n: number) => { const p = malloc(n); sizes.set(p, n); live += n; peak = Math.max(peak, live); return p; };
  w._free = (p: number) => { live -= sizes.get(p) ?? 0; sizes.delete(p); free(p); };
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
  model.onStage = (name, ms) => report(`  ${name} ${ms.toFixed(0)} ms`);
  for (let i = 0; i < runs; i++) {
    if (i === 2) model.onStage = undefined;
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
