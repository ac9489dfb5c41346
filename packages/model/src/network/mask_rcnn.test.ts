import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mrcnn/engine';
import { resolveConfig, widthDivOverrides } from '@mrcnn/schema';
import { DisposedError, ShapeMismatchError } from '../errors';
import { MaskRCNN } from './mask_rcnn';
import { syntheticWeights } from './__tests__/synthetic';

describe.each(['cpu'] as const)('MaskRCNN wiring on %s (synthetic K=8 weights)', (backend) => {
  const cfg = resolveConfig(widthDivOverrides(8));
  let weights: tf.NamedTensorMap;
  beforeAll(async () => {
    await initBackend(backend);
    weights = syntheticWeights(cfg);
  });
  afterAll(() => Object.values(weights).forEach((t) => t.dispose()));

  it('runs execute end to end with the card shapes and leaks nothing', async () => {
    const model = new MaskRCNN(weights, cfg);
    const imData = tf.tidy(() => tf.mul(tf.randomUniform([1, 3, 320, 480], 0, 1, 'float32', 7), 255) as tf.Tensor4D);
    const imInfo = tf.tensor2d([[300, 450, 1]]);
    const before = tf.memory().numTensors;
    const stages: string[] = [];
    const out = await model.execute(imData, imInfo, { onStage: (name, ms) => { stages.push(name); expect(ms).toBeGreaterThanOrEqual(0); } });
    expect(tf.memory().numTensors).toBe(before + 4);
    expect(out.classes.shape).toEqual([100]);
    expect(out.classes.dtype).toBe('int32');
    expect(out.scores.shape).toEqual([100]);
    expect(out.boxes.shape).toEqual([100, 4]);
    expect(out.rawMasks.shape).toEqual([100, 81, 28, 28]);
    expect(stages).toEqual(['normalize', 'backbone', 'fpn', 'rpn', 'proposals', 'boxHead', 'detectionOutput', 'maskHead']);
    const boxes = await out.boxes.data();
    const classes = await out.classes.data();
    for (let i = 0; i < 100; i++) {
      if (classes[i] === 0) continue;
      expect(boxes[i * 4]).toBeGreaterThanOrEqual(0);
      expect(boxes[i * 4 + 2]).toBeLessThanOrEqual(449);
      expect(boxes[i * 4 + 3]).toBeLessThanOrEqual(299);
    }
    const m = await out.rawMasks.data();
    expect(Math.min(...m.subarray(0, 10000))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...m.subarray(0, 10000))).toBeLessThanOrEqual(1);
    Object.values(out).forEach((t) => t.dispose());
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([imData, imInfo]);
    model.dispose();
    await expect(model.execute(imData, imInfo)).rejects.toThrow(DisposedError);
  });

  it('rejects a weight map with a wrong shape, naming the tensor', () => {
    const bad = { ...weights, 'backbone.fpn.layer_blocks.0.bias': tf.zeros([3]) };
    expect(() => new MaskRCNN(bad, cfg)).toThrow(ShapeMismatchError);
    expect(() => new MaskRCNN(bad, cfg)).toThrow(/backbone\.fpn\.layer_blocks\.0\.bias/);
    bad['backbone.fpn.layer_blocks.0.bias'].dispose();
  });
});

describe('MaskRCNN public calls own exactly their outputs (cpu, synthetic K=8 weights, 64x96 input)', () => {
  // Small counts keep the heads cheap on the cpu backend: 100 RoIs, 10 detections.
  const cfg = resolveConfig({ ...widthDivOverrides(8), rpn: { postNmsTopN: 100 }, detection: { maxDetections: 10 } });
  let weights: tf.NamedTensorMap;
  let model: MaskRCNN;
  let imData: tf.Tensor4D;
  beforeAll(async () => {
    await initBackend('cpu');
    weights = syntheticWeights(cfg, 7);
    model = new MaskRCNN(weights, cfg);
    imData = tf.tidy(() => tf.mul(tf.randomUniform([1, 3, 64, 96], 0, 1, 'float32', 3), 255) as tf.Tensor4D);
  });
  afterAll(() => {
    imData.dispose();
    model.dispose();
    Object.values(weights).forEach((t) => t.dispose());
  });

  /** Runs a call, checks numTensors grew by exactly its outputs, disposes them, checks it is back. */
  async function owned<T>(call: () => T | Promise<T>, outputs: (o: T) => tf.Tensor[]): Promise<void> {
    const before = tf.memory().numTensors;
    const out = await call();
    const ts = outputs(out);
    expect(tf.memory().numTensors - before).toBe(ts.length);
    tf.dispose(ts);
    expect(tf.memory().numTensors).toBe(before);
  }

  it('normalize, backbone, fpn, rpn, proposals, roiFeatures, boxHead, detectionOutput, maskHead, execute', async () => {
    const start = tf.memory().numTensors;
    await owned(() => model.normalize(imData), (t) => [t]);
    const x = model.normalize(imData);
    await owned(() => model.backbone(x), (c) => [...c]);
    const c = model.backbone(x);
    await owned(() => model.fpn(c), (p) => [...p]);
    const p = model.fpn(c);
    await owned(() => model.rpn(p), (r) => r.flatMap((o) => [o.logits, o.deltas]));
    const r = model.rpn(p);
    await owned(() => model.proposals(r, 60, 90), () => []);
    const props = await model.proposals(r, 60, 90);
    expect(props.rois.length).toBe(props.count * 4);
    const rois = tf.tensor2d(props.rois, [props.count, 4]);
    await owned(() => model.roiFeatures(p, rois), (t) => [t]);
    await owned(() => model.boxHead(p, rois), (o) => [o.clsLogits, o.bboxDeltas]);
    const box = model.boxHead(p, rois);
    await owned(() => model.detectionOutput(props.rois, box.clsLogits, box.bboxDeltas, 60, 90), () => []);
    const det = await model.detectionOutput(props.rois, box.clsLogits, box.bboxDeltas, 60, 90);
    const boxes = tf.tensor2d(det.boxes, [det.classes.length, 4]);
    await owned(() => model.maskHead(p, boxes), (t) => [t]);
    const imInfo = tf.tensor2d([[60, 90, 1]]);
    await owned(() => model.execute(imData, imInfo), (o) => [o.classes, o.scores, o.boxes, o.rawMasks]);
    await owned(() => model.executeSelected(imData, { height: 60, width: 90 }, () => [0]), (o) => [o.rawMasks]);
    tf.dispose([x, ...c, ...p, ...r.flatMap((o) => [o.logits, o.deltas]), rois, box.clsLogits, box.bboxDeltas, boxes, imInfo]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('rejected inputs leak nothing and name the argument', async () => {
    const before = tf.memory().numTensors;
    const badInfo = tf.tensor2d([[60, 90]]);
    await expect(model.execute(imData, badInfo)).rejects.toThrow(/imInfo/);
    const zeroInfo = tf.tensor2d([[0, 90, 1]]);
    await expect(model.execute(imData, zeroInfo)).rejects.toThrow(ShapeMismatchError);
    const badData = tf.zeros([1, 3, 60, 96]) as tf.Tensor4D;
    const info = tf.tensor2d([[60, 90, 1]]);
    await expect(model.execute(badData, info)).rejects.toThrow(/imData/);
    tf.dispose([badInfo, zeroInfo, badData, info]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.each(['cpu', 'wasm'] as const)('MaskRCNN.executeSelected on %s (synthetic K=8 weights, 64x96 input)', (backend) => {
  const cfg = resolveConfig({ ...widthDivOverrides(8), rpn: { postNmsTopN: 100 }, detection: { maxDetections: 10 } });
  let weights: tf.NamedTensorMap;
  let model: MaskRCNN;
  let imData: tf.Tensor4D;
  let imInfo: tf.Tensor2D;
  beforeAll(async () => {
    await initBackend(backend);
    weights = syntheticWeights(cfg, 7);
    model = new MaskRCNN(weights, cfg); // on wasm with the kernel plan (Winograd, fc6 blocks)
    imData = tf.tidy(() => tf.mul(tf.randomUniform([1, 3, 64, 96], 0, 1, 'float32', 3), 255) as tf.Tensor4D);
    imInfo = tf.tensor2d([[60, 90, 1]]);
  });
  afterAll(() => {
    tf.dispose([imData, imInfo]);
    model.dispose();
    Object.values(weights).forEach((t) => t.dispose());
  });

  it('gives the selected rows the masks execute gives them, the other outputs unchanged, and leaks nothing', async () => {
    const full = await model.execute(imData, imInfo);
    const before = tf.memory().numTensors;
    const picked = [7, 0, 3];
    const seen: number[] = [];
    const sel = await model.executeSelected(imData, imInfo, (classes, scores) => {
      seen.push(classes.length, scores.length);
      return picked;
    });
    expect(seen).toEqual([10, 10]);
    expect(sel.rows).toEqual(picked);
    expect(sel.rawMasks.shape).toEqual([3, 81, 28, 28]);
    expect(Array.from(sel.classes)).toEqual(Array.from(await full.classes.data()));
    expect(Array.from(sel.boxes)).toEqual(Array.from(await full.boxes.data()));
    const all = await full.rawMasks.data();
    const some = await sel.rawMasks.data();
    const per = 81 * 28 * 28;
    picked.forEach((r, j) => {
      expect(Array.from(some.subarray(j * per, (j + 1) * per))).toEqual(Array.from(all.subarray(r * per, (r + 1) * per)));
    });
    sel.rawMasks.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([full.classes, full.scores, full.boxes, full.rawMasks]);
  });

  it('no row selected: an empty rawMasks and no mask head; a row out of range: ShapeMismatchError, no leak', async () => {
    const before = tf.memory().numTensors;
    const stages: string[] = [];
    const none = await model.executeSelected(imData, imInfo, () => [], { onStage: (s) => stages.push(s) });
    expect(none.rawMasks.shape).toEqual([0, 81, 28, 28]);
    expect(stages).not.toContain('maskHead');
    none.rawMasks.dispose();
    await expect(model.executeSelected(imData, imInfo, () => [10])).rejects.toThrow(ShapeMismatchError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
