/**
 * The server's worker thread (a @mrcnn/worker-pool script): loads the model once, then runs the
 * tasks of ./task — the card's network on the caller's tensors (`execute`), or `detect` on an
 * encoded image — and answers with typed arrays that move back to the main thread.
 *
 * Ownership: every tensor made here is disposed before the answer (`numTensors` in each result lets
 * the server watch that); the task's arrays belong to this thread once received.
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeImage, load } from '@mrcnn/model';
import type { BackendName, Model } from '@mrcnn/model';
import { serveTasks } from '@mrcnn/worker-pool';
import type { ImageResult, ImageTask, InferResult, InferTask, ModelInfo, TensorResult, TensorTask, WorkerConfig } from './task';

/** `a`, or a copy of it when it is a view of a larger buffer (a transfer moves and a clone copies the whole buffer). */
function own<T extends Float32Array | Int32Array>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice() as T;
}

async function runTensors(model: Model, task: TensorTask): Promise<TensorResult> {
  const imData = tf.tensor4d(task.imData, task.imDataShape, 'float32');
  const imInfo = tf.tensor2d(task.imInfo, [1, 3], 'float32');
  try {
    const out = await model.execute(imData, imInfo);
    try {
      const want = new Set(task.outputs);
      const [n, k, mh, mw] = out.rawMasks.shape;
      return {
        kind: 'tensors',
        classes: want.has('classes') ? Int32Array.from(await out.classes.data()) : undefined,
        scores: want.has('scores') ? own(await out.scores.data() as Float32Array) : undefined,
        boxes: want.has('boxes') ? own(await out.boxes.data() as Float32Array) : undefined,
        rawMasks: want.has('raw_masks') ? own(await out.rawMasks.data() as Float32Array) : undefined,
        rawMasksShape: [n, k, mh, mw],
        numTensors: 0,
      };
    } finally {
      tf.dispose([out.classes, out.scores, out.boxes, out.rawMasks]);
    }
  } finally {
    tf.dispose([imData, imInfo]);
  }
}

async function runImage(model: Model, task: ImageTask): Promise<ImageResult> {
  const rgb = await decodeImage(task.bytes, 'input im_data');
  const instances = await model.detect(rgb, {
    scoreThreshold: task.scoreThreshold, maxDetections: task.maxDetections, policy: task.policy, rle: true,
  });
  return {
    kind: 'image',
    width: rgb.width,
    height: rgb.height,
    classes: Int32Array.from(instances, (d) => d.classId),
    scores: Float32Array.from(instances, (d) => d.score),
    boxes: Float32Array.from(instances.flatMap((d) => d.box)),
    labels: instances.map((d) => d.label),
    masks: instances.map((d) => d.rle!.counts),
    numTensors: 0,
  };
}

function buffersOf(r: InferResult): ArrayBuffer[] {
  const arrays = r.kind === 'tensors' ? [r.classes, r.scores, r.boxes, r.rawMasks] : [r.classes, r.scores, r.boxes];
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) if (a !== undefined) buffers.add(a.buffer as ArrayBuffer);
  return [...buffers];
}

serveTasks<WorkerConfig, InferTask, InferResult, ModelInfo>(async (cfg) => {
  const model = await load(cfg.model, { backend: cfg.backend as BackendName | undefined, threads: cfg.threads });
  const { config } = model;
  return {
    info: {
      configName: config.name,
      numClasses: config.numClasses,
      labels: [...model.labels],
      maxDetections: config.detection.maxDetections,
      maskSize: 2 * config.roi.maskOutputSize,
      input: { height: config.input.minSize, width: config.input.maxSize, padMultiple: config.input.padMultiple },
      backend: model.backend,
      numTensors: tf.memory().numTensors,
    },
    run: async (task) => {
      // Test hook: simulates a native crash of the worker on one request (test/server/lifecycle.test.ts).
      const crashOn = process.env.MRCNN_TEST_SERVE_EXIT_ON_ID;
      if (crashOn !== undefined && crashOn !== '' && task.requestId === crashOn) process.exit(70);
      const result = task.kind === 'tensors' ? await runTensors(model, task) : await runImage(model, task);
      result.numTensors = tf.memory().numTensors;
      return result;
    },
    transferList: buffersOf,
    dispose: () => model.dispose(),
  };
});
