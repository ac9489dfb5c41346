/**
 * The kernel plan (Winograd 3x3 convs, fc6 in column blocks) against the plain path on the same
 * synthetic K=8 weights and image, on cpu (where both paths exist): same detections, raw masks within
 * float32 reordering, derived weights made once and disposed with the model, originals replaced
 * only when the model owns them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mrcnn/engine';
import { DEFAULT_TORCHVISION_CONFIG, resolveConfig, widthDivOverrides } from '@mrcnn/schema';
import { defaultKernelPlan, FC6, outputTileOf, prepareLayers, winogradConvs } from './kernel_plan';
import { ExecuteOutput, MaskRCNN } from './mask_rcnn';
import { preparedTensors } from './prepared_layers';
import { syntheticWeights } from './__tests__/synthetic';

const cfg = resolveConfig(widthDivOverrides(8));
const PLAIN = { winograd: false, denseColumnBlocks: 1 };
const FAST = { winograd: true, denseColumnBlocks: 8 };

async function values(out: ExecuteOutput): Promise<{ classes: Int32Array; scores: Float32Array; boxes: Float32Array; masks: Float32Array }> {
  const [classes, scores, boxes, masks] = await Promise.all([out.classes.data(), out.scores.data(), out.boxes.data(), out.rawMasks.data()]);
  tf.dispose(Object.values(out));
  return { classes: classes as Int32Array, scores: scores as Float32Array, boxes: boxes as Float32Array, masks: masks as Float32Array };
}

/**
 * Row of b for each row of a: same class, score within 1e-3, box within 0.1 px (rows with nearly
 * equal scores may swap places between the two summation orders). -1 when none.
 */
function matchRows(a: { classes: Int32Array; scores: Float32Array; boxes: Float32Array }, b: typeof a): number[] {
  const used = new Set<number>();
  return Array.from(a.classes, (c, i) => {
    for (let j = 0; j < b.classes.length; j++) {
      if (used.has(j) || b.classes[j] !== c || Math.abs(b.scores[j] - a.scores[i]) > 1e-3) continue;
      if (maxAbsDiff(a.boxes.subarray(4 * i, 4 * i + 4), b.boxes.subarray(4 * j, 4 * j + 4)) > 0.1) continue;
      used.add(j);
      return j;
    }
    return -1;
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('kernel plan on cpu (synthetic K=8 weights)', () => {
  let weights: tf.NamedTensorMap;
  beforeAll(async () => {
    await initBackend('cpu');
    weights = syntheticWeights(cfg);
  });
  afterAll(() => tf.dispose(Object.values(weights)));

  it('defaults: both levers on wasm, neither on cpu and webgl', () => {
    expect(defaultKernelPlan('wasm')).toMatchObject(FAST);
    expect(defaultKernelPlan('cpu')).toMatchObject(PLAIN);
    expect(defaultKernelPlan('webgl')).toMatchObject(PLAIN);
  });

  it('takes the 3x3 stride-1 convs from the weight schema: torchvision\'s stride-2 conv2s are left out', () => {
    const names = (c: typeof cfg): string[] => winogradConvs(c).map((x) => x.conv);
    const ours = names(cfg); // 0049 strides on the 1x1s: all 16 body conv2, 4 FPN outputs, RPN, mask convs
    expect(ours).toHaveLength(16 + 4 + 1 + cfg.mask.convs);
    expect(ours).toContain('backbone.body.layer2.0.conv2');
    const tv = names(DEFAULT_TORCHVISION_CONFIG);
    expect(tv).toHaveLength(16 - 3 + 4 + 1 + DEFAULT_TORCHVISION_CONFIG.mask.convs);
    for (const s of [2, 3, 4]) expect(tv).not.toContain(`backbone.body.layer${s}.0.conv2`);
    expect(tv).toContain('backbone.body.layer2.1.conv2');
    expect(tv).toContain('rpn.head.conv');
  });

  it('derives 16 Winograd filters for each 3x3 stride-1 conv and 8 fc6 blocks; res5 stays direct above the size limit', () => {
    const { prepared, replaced } = prepareLayers(weights, cfg, { ...FAST, winogradMaxWeights: 32 * 32 });
    // K=8: res2..res4 3x3 are 8x8..32x32, res5 64x64 (excluded by the limit), FPN/RPN 32x32, mask 32→16, 16→16.
    const convs = [3, 4, 6].reduce((a, b) => a + b, 0) + 4 + 1 + cfg.mask.convs;
    expect(replaced).toHaveLength(convs + 1);
    expect(replaced).not.toContain('backbone.body.layer4.0.conv2.weight');
    expect(replaced).toContain('backbone.body.layer1.0.conv2.weight');
    expect(replaced).toContain(`${FC6}.weight`);
    expect(preparedTensors(prepared)).toHaveLength(16 * convs + 2 * 8);
    expect(prepared.winograd.size).toBe(convs);
    expect([...prepared.winograd.values()].every((u) => u.length === 16)).toBe(true);
    expect(prepared.winograd.get('rpn.head.conv')![15].shape).toEqual([32, 32]);
    const w6 = weights[`${FC6}.weight`];
    const [rows, cols] = w6.shape as [number, number];
    expect(prepared.denseBlocks.get(FC6)).toHaveLength(8);
    expect(prepared.denseBlocks.get(FC6)![7].weight.shape).toEqual([rows, cols / 8]);
    expect(prepared.denseBlocks.get(FC6)![7].bias.shape).toEqual([cols / 8]);
    tf.dispose(preparedTensors(prepared));
  });

  it('packed Winograd: F(4x4) filters (36 positions) on the FPN and RPN, F(2x2) (16) on the backbone and mask head, as the wasm plan says', () => {
    const plan = { ...FAST, winogradMaxWeights: 32 * 32, packedGemm: true, winogradOutputTile: 2, winogradPyramidOutputTile: 4 } as const;
    expect(defaultKernelPlan('wasm')).toMatchObject({ winogradOutputTile: 2, winogradPyramidOutputTile: 4 });
    expect(outputTileOf('rpn.head.conv', plan)).toBe(4);
    expect(outputTileOf('backbone.fpn.layer_blocks.0', plan)).toBe(4);
    expect(outputTileOf('backbone.body.layer1.0.conv2', plan)).toBe(2);
    expect(outputTileOf('roi_heads.mask_head.mask_fcn1', plan)).toBe(2);
    expect(outputTileOf('backbone.body.layer1.0.conv2', { ...plan, winogradOutputTile: 4, winogradPyramidOutputTile: undefined })).toBe(4);
    expect(outputTileOf('rpn.head.conv', { ...FAST, winogradMaxWeights: 1 })).toBe(2);
    const { prepared } = prepareLayers(weights, cfg, plan);
    const positions = (conv: string): number => (prepared.winograd.get(conv) as { packed: tf.Tensor }).packed.shape[0];
    expect(positions('rpn.head.conv')).toBe(36);
    expect(positions('backbone.body.layer1.0.conv2')).toBe(16);
    expect(positions('roi_heads.mask_head.mask_fcn1')).toBe(16);
    expect([...prepared.winograd.keys()].filter((k) => positions(k) === 36)).toHaveLength(4 + 1);
    tf.dispose(preparedTensors(prepared));
  });

  it('packs from the caller\'s host values without reading the weights back, giving the same prepared layers', () => {
    const plan = { ...FAST, winogradMaxWeights: 32 * 32, packedGemm: true, winogradOutputTile: 2, winogradPyramidOutputTile: 4 } as const;
    const host = new Map(Object.entries(weights).map(([k, t]) => [k, Float32Array.from(t.dataSync() as Float32Array)]));
    const before = tf.memory().numTensors;
    const read = Object.values(weights).map((t) => jest.spyOn(t, 'dataSync'));
    const fromHost = prepareLayers(weights, cfg, plan, false, host);
    const readBack = read.reduce((n, s) => n + s.mock.calls.length, 0);
    read.forEach((s) => s.mockRestore());
    const fromTensors = prepareLayers(weights, cfg, plan);
    expect(readBack).toBe(0);
    expect(fromHost.replaced).toEqual(fromTensors.replaced);
    const a = preparedTensors(fromHost.prepared);
    const b = preparedTensors(fromTensors.prepared);
    expect(a.map((t) => t.shape)).toEqual(b.map((t) => t.shape));
    a.forEach((t, i) => expect(Buffer.compare(Buffer.from(t.dataSync().buffer), Buffer.from(b[i].dataSync().buffer))).toBe(0));
    tf.dispose([...a, ...b]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the plain path\'s detections and raw masks within float32 reordering, and leaks nothing', async () => {
    const imData = tf.tidy(() => tf.mul(tf.randomUniform([1, 3, 192, 256], 0, 1, 'float32', 3), 255) as tf.Tensor4D);
    const imInfo = tf.tensor2d([[192, 256, 1]]);
    const before = tf.memory().numTensors;
    const plain = new MaskRCNN(weights, cfg, { kernels: PLAIN });
    expect(tf.memory().numTensors).toBe(before);
    const fast = new MaskRCNN(weights, cfg, { kernels: FAST });
    const derivedCount = tf.memory().numTensors - before;
    expect(derivedCount).toBeGreaterThan(16 * 10);
    const a = await values(await plain.execute(imData, imInfo));
    const b = await values(await fast.execute(imData, imInfo));
    expect(tf.memory().numTensors).toBe(before + derivedCount);
    expect(a.classes.some((c) => c > 0)).toBe(true);
    // Matched within the K=8 parity tolerances (test/parity/k8_stages.test.ts: detScore, degenerateBox).
    const match = matchRows(a, b);
    expect(match.filter((j) => j < 0)).toEqual([]);
    const k = a.masks.length / a.classes.length;
    let masks = 0;
    match.forEach((j, i) => { masks = Math.max(masks, maxAbsDiff(a.masks.subarray(i * k, (i + 1) * k), b.masks.subarray(j * k, (j + 1) * k))); });
    const reordered = match.filter((j, i) => j !== i).length;
    // eslint-disable-next-line no-console
    console.log(`kernel plan vs plain path on cpu: ${reordered} rows reordered, raw masks max abs difference ${masks}`);
    expect(masks).toBeLessThan(1e-2); // maskEndToEnd
    fast.dispose();
    plain.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(weights[`${FC6}.weight`].isDisposed).toBe(false);
    tf.dispose([imData, imInfo]);
  });

  it('an owning model disposes the replaced originals at once and everything else on dispose()', () => {
    const own = syntheticWeights(cfg, 7);
    const before = tf.memory().numTensors;
    const model = new MaskRCNN(own, cfg, { kernels: FAST, ownsWeights: true });
    expect(own[`${FC6}.weight`].isDisposed).toBe(true);
    expect(own['rpn.head.conv.weight'].isDisposed).toBe(true);
    expect(own['rpn.head.conv.bias'].isDisposed).toBe(false);
    model.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before - Object.keys(own).length + 1);
    expect(Object.values(own).every((t) => t.isDisposed)).toBe(true);
  });
});
