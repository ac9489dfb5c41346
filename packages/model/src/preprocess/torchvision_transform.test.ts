import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_TORCHVISION_CONFIG, InputConfig } from '@mrcnn/schema';
import { ArgumentError } from '../errors';
import { inputGeometry } from '../transform/image_transform';
import { preprocess } from '../transform/preprocess';
import { prepareRgbTensor } from './prepare';
import { torchvisionGeometry } from './torchvision_transform';

const TV = DEFAULT_TORCHVISION_CONFIG.input;
const at = (minSize: number, maxSize: number): InputConfig => ({ ...TV, minSize, maxSize });

describe('torchvision transform: sizes', () => {
  // Printed by torchvision 0.14's GeneralizedRCNNTransform (eval) on zero images of these sizes:
  // image_sizes and the batch's padded size (tools/oracle/torchvision_exact.py's goldens check four
  // more end to end). Its float32 scale is reciprocal-then-multiply, the size floor(x·s): 400x600 at
  // 320/480 is 319x479, not 320x480.
  it.each([
    [400, 600, 320, 480, 319, 479, 320, 480], [480, 640, 320, 480, 320, 426, 320, 448], [333, 517, 320, 480, 309, 480, 320, 480],
    [427, 640, 320, 480, 319, 479, 320, 480], [600, 400, 320, 480, 479, 319, 480, 320], [512, 512, 320, 480, 320, 320, 320, 320],
    [375, 500, 320, 480, 320, 426, 320, 448], [400, 600, 800, 1333, 800, 1200, 800, 1216], [480, 640, 800, 1333, 800, 1066, 800, 1088],
    [333, 517, 800, 1333, 799, 1242, 800, 1248], [427, 640, 800, 1333, 799, 1199, 800, 1216], [600, 400, 800, 1333, 1200, 800, 1216, 800],
    [512, 512, 800, 1333, 800, 800, 800, 800], [375, 500, 800, 1333, 799, 1066, 800, 1088],
  ])('%ix%i at %i/%i → %ix%i, padded %ix%i', (h0, w0, mn, mx, h, w, hp, wp) => {
    expect(torchvisionGeometry(h0, w0, at(mn, mx))).toMatchObject({ height: h, width: w, paddedHeight: hp, paddedWidth: wp });
    expect(inputGeometry(h0, w0, 'fit', at(mn, mx))).toEqual(torchvisionGeometry(h0, w0, at(mn, mx)));
  });

  it('has one policy and refuses empty images', () => {
    expect(() => inputGeometry(400, 600, 'window', TV)).toThrow(ArgumentError);
    expect(() => inputGeometry(400, 600, 'window', TV)).toThrow(/policy: the torchvision transform has one resize rule, 'fit'/);
    expect(() => torchvisionGeometry(0, 5, TV)).toThrow(/image: size must be at least 1x1/);
  });
});

describe('torchvision transform: im_data', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });

  it('normalises, resizes and zero pads; pixels, RGBA and tensors give the same values; no tensor left', async () => {
    const [h0, w0] = [37, 53];
    const rgb = new Uint8Array(h0 * w0 * 3).map((_, i) => (i * 37 + (i >> 5) * 11) % 256);
    const rgba = new Uint8Array(h0 * w0 * 4);
    for (let i = 0; i < h0 * w0; i++) rgba.set([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], 255 - (i % 256)], i * 4);
    const input = at(64, 100);
    const before = tf.memory().numTensors;
    const a = await preprocess({ width: w0, height: h0, data: rgb }, input);
    const b = await preprocess({ width: w0, height: h0, data: rgba }, input);
    const t = tf.tensor3d(Int32Array.from(rgb), [h0, w0, 3], 'int32');
    const c = await preprocess(t, input);
    t.dispose();
    const g = a.geometry;
    expect([g.height, g.width, g.paddedHeight, g.paddedWidth]).toEqual([64, 91, 64, 96]);
    const [da, db, dc] = await Promise.all([a.imData.data(), b.imData.data(), c.imData.data()]);
    expect(Array.from(db)).toEqual(Array.from(da));
    expect(Array.from(dc)).toEqual(Array.from(da));
    expect(Array.from(await a.imInfo.data())).toEqual([64, 91, Math.fround(64 / 37)]);
    // The padding columns are zero (normalised units), the image is not: (0/255 − 0.485) / 0.229 ≈ −2.12.
    const plane = (ch: number, y: number, x: number): number => da[(ch * 64 + y) * 96 + x];
    expect([plane(0, 10, 91), plane(2, 63, 95)]).toEqual([0, 0]);
    expect(Math.min(...Array.from(da))).toBeGreaterThanOrEqual(-2.12);
    expect(Math.max(...Array.from(da))).toBeLessThanOrEqual(2.65);
    tf.dispose([a.imData, a.imInfo, b.imData, b.imInfo, c.imData, c.imInfo]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses NaN in a tensor image, and the card-only prepareRgbTensor for a torchvision config', async () => {
    const t = tf.tensor3d([0, 1, 2, NaN, 4, 5], [1, 2, 3], 'float32');
    await expect(preprocess(t, TV)).rejects.toThrow(/image: contains NaN or Infinity/);
    expect(() => prepareRgbTensor(t, 'fit', TV)).toThrow(/input\.transform: prepareRgbTensor implements the card transform/);
    t.dispose();
  });
});
