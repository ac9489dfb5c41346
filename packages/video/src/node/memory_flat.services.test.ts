/**
 * Memory stays flat over 10,000 frames: `runVideo` (the `mrcnn video` pipeline: ffmpeg decode,
 * the network, the tracker, JSONL written per frame) on a 10,000-frame testsrc2 clip at 96x64 with
 * the embedded default model on wasm (its weights on a 64x96 network input with 100 proposals, so
 * the run takes minutes, not hours). Sampled every 500 frames, each time after a full garbage
 * collection (v8's gc, exposed at run time): tf.memory() (tensors, bytes), the wasm heap, the
 * process RSS and the JS heap. After a warm-up of 1,000 frames: no tensor or byte more, no wasm
 * heap growth, RSS and live JS heap within bounds. MRCNN_SOAK_FRAMES runs a shorter clip.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import * as tf from '@tensorflow/tfjs-core';
import { isWasmBackend, wasmBackendMemory } from '@mrcnn/engine/internal';
import { load, Model } from '@mrcnn/model';
import { probe, tempDir, testsrcClip } from '../../../../test/helpers/video_clips';
import { runVideo } from './run_video';

const FRAMES = Number(process.env.MRCNN_SOAK_FRAMES ?? 10000);
const EVERY = 500;
const WARMUP = Math.min(1000, FRAMES / 2);
const DIR = tempDir(os.tmpdir(), `mrcnn-soak-${process.pid}`);
const MiB = 1024 * 1024;

interface Sample { frame: number; tensors: number; bytes: number; wasmHeap: number; rss: number; heapUsed: number; seconds: number }

let model: Model;
/** A full collection before each sample, so the JS heap figure is what is alive, not GC timing. */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

beforeAll(async () => {
  model = await load(undefined, {
    backend: 'wasm',
    config: { input: { height: 64, width: 96 }, rpn: { preNmsTopNPerLevel: 300, postNmsTopNPerLevel: 100, postNmsTopN: 100 } },
  });
});

afterAll(() => {
  model.dispose();
  fs.rmSync(DIR, { recursive: true, force: true });
});

function sample(frame: number, t0: number): Sample {
  gc();
  const m = tf.memory();
  const backend = tf.backend();
  const u = process.memoryUsage();
  return {
    frame, tensors: m.numTensors, bytes: m.numBytes, wasmHeap: isWasmBackend(backend) ? wasmBackendMemory(backend).buffer.byteLength : 0,
    rss: u.rss, heapUsed: u.heapUsed, seconds: (performance.now() - t0) / 1000,
  };
}

it(`memory is flat over ${FRAMES} frames (tensors, wasm heap, RSS, JS heap)`, async () => {
  const clip = testsrcClip(path.join(DIR, 'long.mkv'), '96x64', 25, FRAMES / 25);
  expect(probe(clip).frames).toBe(FRAMES);
  const samples: Sample[] = [];
  const t0 = performance.now();
  let frames = 0;
  const summary = await runVideo(model, clip, {
    jsonl: path.join(DIR, 'long.jsonl'), track: true, scoreThreshold: 0.3,
    onEvent: (e) => {
      if (e.type !== 'frame') return;
      frames++;
      if (frames % EVERY === 0) samples.push(sample(frames, t0));
    },
  });
  expect(summary.frames).toBe(FRAMES);
  const lines = [`frames | s | tensors | tf bytes | wasm heap MiB | RSS MiB | JS heap MiB`, ...samples.map((s) =>
    `${s.frame} | ${s.seconds.toFixed(0)} | ${s.tensors} | ${s.bytes} | ${(s.wasmHeap / MiB).toFixed(1)} | ${(s.rss / MiB).toFixed(1)} | ${(s.heapUsed / MiB).toFixed(1)}`)];
  console.log(`memory over ${FRAMES} frames (${summary.fps.toFixed(1)} frames/s, ${summary.tracks} tracks)\n${lines.join('\n')}`);
  const after = samples.filter((s) => s.frame >= WARMUP);
  const base = after[0];
  const last = after[after.length - 1];
  // Tensors and their bytes: exactly the same at every sample (the weights and the one reused input).
  expect(after.every((s) => s.tensors === base.tensors && s.bytes === base.bytes)).toBe(true);
  // The wasm heap never grows after the warm-up.
  expect(last.wasmHeap).toBe(base.wasmHeap);
  // Live JS heap and RSS: no trend (a leak of one frame's pixels, 18 KiB, per frame would be 160 MiB over 9,000 frames).
  expect(Math.max(...after.map((s) => s.heapUsed)) - base.heapUsed).toBeLessThan(16 * MiB);
  expect(last.rss - base.rss).toBeLessThan(64 * MiB);
}, 60 * 60 * 1000);
