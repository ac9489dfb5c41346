/**
 * load() in Node runs tfjs-wasm on the machine's cores by default (the README's figures are
 * 2 threads): the threaded SIMD build on worker_threads with min(8, logical cores) threads,
 * without the caller touching @mrcnn/engine; `threads` sets the count; bad counts are ArgumentErrors.
 * Its own file: a process initialises the wasm backend once.
 */
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { wasmBackendMemory } from '@mrcnn/engine/internal';
import { ArgumentError, load } from '@mrcnn/model';
import { IMAGES } from '../helpers/paths';

it('rejects thread counts outside 1..8 before touching a backend', async () => {
  await expect(load(undefined, { threads: 0 })).rejects.toThrow(new ArgumentError('options.threads', 'expected an integer in [1, 8], got 0'));
  await expect(load(undefined, { threads: 2.5 })).rejects.toThrow(ArgumentError);
  expect(Object.keys(tf.engine().registry)).toEqual([]);
});

it('defaults to wasm on min(8, logical cores) threads, the threaded SIMD build, and detects', async () => {
  const cores = Math.min(8, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  const model = await load();
  try {
    expect(model.backend).toBe('wasm');
    expect(getThreadsCount()).toBe(cores);
    const memory = wasmBackendMemory(tf.backend() as Parameters<typeof wasmBackendMemory>[0]);
    expect(cores === 1 || memory.buffer instanceof SharedArrayBuffer).toBe(true);
    const before = tf.memory().numTensors;
    const found = await model.detect(path.join(IMAGES, 'chelsea.png'), { scoreThreshold: 0 });
    expect(found.length).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  } finally {
    model.dispose();
  }
});
