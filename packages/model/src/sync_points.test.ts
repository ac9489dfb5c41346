/**
 * Host↔device sync points per call, counted on the cpu backend as the tensor reads that reach the
 * engine (`engine.read` for `data()`, `engine.readSync` for `dataSync()`: every read-back goes
 * through them): detect 3 (proposals' top-k, the detection output's probabilities and deltas, the
 * selected masks' heatmaps); execute 3 (its input check with im_info's size, then the same two
 * stages; no masks are read); MaskRCNN.execute with an im_info tensor 3 (im_info, the two stages),
 * with the size on the host 2. The onStage/onProfile options are per call and leave the counts
 * alone when unset. Synthetic K=8 weights, small input (cheap heads on the cpu backend).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mrcnn/engine';
import { Model } from './api';
import { resolveConfig, widthDivOverrides } from '@mrcnn/schema';
import { MaskRCNN, ProfileEvent, StageName } from './network/mask_rcnn';
import { syntheticWeights } from './network/__tests__/synthetic';

const cfg = resolveConfig({
  ...widthDivOverrides(8), input: { minSize: 64, maxSize: 96 }, rpn: { postNmsTopN: 100 }, detection: { maxDetections: 10 },
});
const labels = Array.from({ length: cfg.numClasses }, (_, i) => `class ${i}`);

/** Reads reaching the engine while `call` runs. */
async function countReads<T>(call: () => Promise<T>): Promise<{ out: T; read: number; readSync: number }> {
  const engine = tf.engine();
  const read = jest.spyOn(engine, 'read');
  const readSync = jest.spyOn(engine, 'readSync');
  try {
    const out = await call();
    return { out, read: read.mock.calls.length, readSync: readSync.mock.calls.length };
  } finally {
    read.mockRestore();
    readSync.mockRestore();
  }
}

describe('sync points per call (cpu, synthetic K=8 weights, 64x96 input)', () => {
  let net: MaskRCNN;
  let model: Model;
  let imData: tf.Tensor4D;
  let imInfo: tf.Tensor2D;
  const pixels = { width: 90, height: 60, data: new Uint8Array(90 * 60 * 3).map((_, i) => (i * 37) % 251) };
  beforeAll(async () => {
    await initBackend('cpu');
    net = new MaskRCNN(syntheticWeights(cfg, 7), cfg, { ownsWeights: true });
    model = new Model(net, labels, 'cpu');
    imData = tf.tidy(() => tf.mul(tf.randomUniform([1, 3, 64, 96], 0, 1, 'float32', 3), 255) as tf.Tensor4D);
    imInfo = tf.tensor2d([[60, 90, 1]]);
  });
  afterAll(() => {
    tf.dispose([imData, imInfo]);
    model.dispose();
  });

  it('detect: 3 (proposals, detection output, heatmaps of the returned instances), none synchronous', async () => {
    const before = tf.memory().numTensors;
    const { out, read, readSync } = await countReads(() => model.detect(pixels, { scoreThreshold: 0 }));
    expect(out.length).toBeGreaterThan(0); // the heatmap read happens only when an instance is returned
    expect([read, readSync]).toEqual([3, 0]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Model.execute: 3 (input check + im_info, proposals, detection output); the four card outputs', async () => {
    const before = tf.memory().numTensors;
    const { out, read, readSync } = await countReads(() => model.execute(imData, imInfo));
    expect([read, readSync]).toEqual([3, 0]);
    expect(out.classes.shape).toEqual([10]);
    expect(out.rawMasks.shape).toEqual([10, cfg.numClasses, 28, 28]);
    tf.dispose([out.classes, out.scores, out.boxes, out.rawMasks]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('MaskRCNN.execute: 3 with an im_info tensor, 2 with the size on the host; same outputs', async () => {
    const a = await countReads(() => net.execute(imData, imInfo));
    const b = await countReads(() => net.execute(imData, { height: 60, width: 90 }));
    expect([a.read, a.readSync]).toEqual([3, 0]);
    expect([b.read, b.readSync]).toEqual([2, 0]);
    for (const k of ['classes', 'scores', 'boxes', 'rawMasks'] as const) {
      expect(Array.from(await b.out[k].data())).toEqual(Array.from(await a.out[k].data()));
    }
    tf.dispose([...Object.values(a.out), ...Object.values(b.out)]);
  });

  it('onStage and onProfile hold for their call only; the profile splits RoIAlign from the heads with the RoI counts', async () => {
    const stages: StageName[] = [];
    const events: ProfileEvent[] = [];
    const plain = await net.execute(imData, imInfo);
    const before = tf.memory().numTensors;
    const profiled = await net.execute(imData, imInfo, { onStage: (s) => stages.push(s), onProfile: (e) => events.push(e) });
    expect(tf.memory().numTensors).toBe(before + 4);
    expect(stages).toEqual(['normalize', 'backbone', 'fpn', 'rpn', 'proposals', 'boxHead', 'detectionOutput', 'maskHead']);
    expect(events.map((e) => e.stage)).toEqual(['boxRoIAlign', 'boxHead', 'maskRoIAlign', 'maskHead']);
    expect(events.every((e) => e.ms >= 0)).toBe(true);
    expect(events[0].rois).toBe(events[1].rois);
    expect(events[0].rois).toBeGreaterThan(0);
    expect(events[0].rois).toBeLessThanOrEqual(100);
    expect(events.slice(2).map((e) => e.rois)).toEqual([10, 10]);
    for (const k of ['classes', 'scores', 'boxes', 'rawMasks'] as const) {
      expect(Array.from(await profiled[k].data())).toEqual(Array.from(await plain[k].data()));
    }
    const again = await countReads(() => net.execute(imData, imInfo));
    expect(stages).toHaveLength(8);
    expect(events).toHaveLength(4);
    expect(again.read).toBe(3);
    tf.dispose([...Object.values(plain), ...Object.values(profiled), ...Object.values(again.out)]);
    expect(tf.memory().numTensors).toBe(before - 4);
  });

  it('the box RoI count of the profile is the proposals\' count', async () => {
    const x = net.normalize(imData);
    const c = net.backbone(x);
    const p = net.fpn(c);
    const r = net.rpn(p);
    const props = await net.proposals(r, 60, 90);
    tf.dispose([x, ...c, ...p, ...r.flatMap((o) => [o.logits, o.deltas])]);
    const events: ProfileEvent[] = [];
    const out = await net.execute(imData, imInfo, { onProfile: (e) => events.push(e) });
    tf.dispose(Object.values(out));
    expect(events[0].rois).toBe(props.count);
  });
});
