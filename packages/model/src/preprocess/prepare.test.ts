import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'fs';
import * as path from 'path';
import { closeStats } from '../../../../test/helpers/compare';
import { IMAGES, ORACLE_K8 } from '../../../../test/helpers/paths';
import { readTensorDump } from '../../../../test/helpers/tensor_dump';
import { DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG, InputConfig, ResizePolicy } from '@mrcnn/schema';
import { ArgumentError, ShapeMismatchError } from '../errors';
import { readImageFile } from './decode';
import { imageTransform, inputGeometry } from '../transform/image_transform';
import { preparePixelsInto, preprocess } from '../transform/preprocess';
import { preparePixels, prepareRgbTensor } from './prepare';

/** Golden directory; MRCNN_ORACLE_K8 points elsewhere to check against freshly generated goldens. */
const GOLDEN_DIR = process.env.MRCNN_ORACLE_K8 ?? ORACLE_K8;
const INPUT = DEFAULT_0049_CONFIG.input;
const CASES: Array<[string, ResizePolicy]> = [
  ['astronaut', 'fit'], ['astronaut', 'window'], ['chelsea', 'fit'], ['chelsea', 'window'],
  // Portrait: the policies differ; fit pads to 448x480.
  ['phone', 'fit'], ['phone', 'window'],
];

function rgbTensor(data: ArrayLike<number>, shape: number[]): tf.Tensor3D {
  return tf.tensor3d(Int32Array.from(data), [shape[0], shape[1], shape[2]], 'int32');
}

describe('preprocessing against the oracle goldens', () => {
  it.each(CASES)('%s (%s): im_data and im_info equal the oracle', async (image, policy) => {
    const golden = readTensorDump(path.join(GOLDEN_DIR, `${image}_${policy}`));
    // Light goldens drop image_rgb (and im_data); meta.image_rgb_in names the golden holding it.
    const holder = (golden.meta.image_rgb_in as string | undefined) ?? `${image}_fit`;
    const source = golden.has('image_rgb') ? golden : readTensorDump(path.join(GOLDEN_DIR, holder));
    const rgb = source.get('image_rgb');
    const before = tf.memory().numTensors;
    // The pixel path (JS resize); the tensor path equals it bit for bit (tests below).
    const pixels = { height: rgb.shape[0], width: rgb.shape[1], data: rgb.data as Uint8Array };
    const { imData, imInfo, geometry } = preparePixels(pixels, policy, INPUT);
    expect(imData.shape).toEqual([1, 3, ...(golden.meta.padded_hw as number[])]);
    if (golden.has('im_data')) {
      const stats = closeStats(await imData.data(), golden.get('im_data').data);
      // Measured 3.1e-5 .. 4.6e-5 (float32 rounding of the interpolation, 0..255 pixels).
      expect(stats.maxAbs).toBeLessThanOrEqual(1e-4);
    }
    const info = Array.from(await imInfo.data());
    const expInfo = Array.from(golden.get('im_info').data);
    expect(info[0]).toBe(expInfo[0]);
    expect(info[1]).toBe(expInfo[1]);
    expect(info[2]).toBeCloseTo(expInfo[2], 6);
    expect([geometry.height, geometry.width]).toEqual([expInfo[0], expInfo[1]]);
    tf.dispose([imData, imInfo]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(['astronaut', 'chelsea'])('decoding %s.png gives the oracle image_rgb exactly', async (image) => {
    const golden = readTensorDump(path.join(GOLDEN_DIR, `${image}_fit`));
    const rgb = golden.get('image_rgb');
    const decoded = await readImageFile(path.join(IMAGES, `${image}.png`));
    expect([decoded.height, decoded.width, 3]).toEqual(rgb.shape);
    expect(closeStats(decoded.data, rgb.data).maxAbs).toBe(0);
  });
});

/** Independent reference: float64 bilinear, half-pixel centres, then BGR, zero pad, CHW. */
function referencePrepare(rgb: Uint8Array, h0: number, w0: number, input: InputConfig, policy: ResizePolicy): Float64Array {
  const g = inputGeometry(h0, w0, policy, input);
  const out = new Float64Array(3 * g.paddedHeight * g.paddedWidth);
  const tap = (d: number, inSize: number, outSize: number): [number, number, number] => {
    const src = Math.max((d + 0.5) * (inSize / outSize) - 0.5, 0);
    const a = Math.floor(src);
    return [a, Math.min(a + 1, inSize - 1), src - a];
  };
  for (let y = 0; y < g.height; y++) {
    const [y0, y1, ly] = tap(y, h0, g.height);
    for (let x = 0; x < g.width; x++) {
      const [x0, x1, lx] = tap(x, w0, g.width);
      for (let c = 0; c < 3; c++) {
        const p = (yy: number, xx: number): number => rgb[(yy * w0 + xx) * 3 + c];
        const v = (1 - ly) * ((1 - lx) * p(y0, x0) + lx * p(y0, x1)) + ly * ((1 - lx) * p(y1, x0) + lx * p(y1, x1));
        out[((2 - c) * g.paddedHeight + y) * g.paddedWidth + x] = v;
      }
    }
  }
  return out;
}

function syntheticRgb(h: number, w: number): Uint8Array {
  const data = new Uint8Array(h * w * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 5) * 31) % 256;
  return data;
}

describe('preprocessing geometry and portrait inputs', () => {
  it('computes the two policies as the card states', () => {
    // Landscape 300x451: both policies give s = 480/451.
    expect(inputGeometry(300, 451, 'fit', INPUT)).toMatchObject({ height: 319, width: 480, paddedHeight: 320, paddedWidth: 480 });
    // Portrait 480x300: fit keeps s = 1 (short side 300 ≤ 320, long side 480 ≤ 480) and pads to 480x480.
    expect(inputGeometry(480, 300, 'fit', INPUT)).toMatchObject({ scale: 1, height: 480, width: 300, paddedHeight: 480, paddedWidth: 480 });
    // Portrait in the window: s = 320/480.
    expect(inputGeometry(480, 300, 'window', INPUT)).toMatchObject({ height: 320, width: 200, paddedHeight: 320, paddedWidth: 480 });
    // Tall fit input 1000x700: s = min(320/700, 480/1000) = 0.457 -> 457x320, padded to 480x480.
    expect(inputGeometry(1000, 700, 'fit', INPUT)).toMatchObject({ height: 457, width: 320, paddedHeight: 480, paddedWidth: 480 });
  });

  it.each<[number, number, ResizePolicy]>([[480, 300, 'fit'], [200, 150, 'window'], [97, 61, 'fit']])(
    '%ix%i %s matches a float64 reference (upscaling and downscaling), BGR, zero padded', async (h0, w0, policy) => {
      const rgb = syntheticRgb(h0, w0);
      const t = rgbTensor(rgb, [h0, w0, 3]);
      const { imData, imInfo, geometry } = prepareRgbTensor(t, policy, INPUT);
      expect(imData.shape).toEqual([1, 3, geometry.paddedHeight, geometry.paddedWidth]);
      const stats = closeStats(await imData.data(), referencePrepare(rgb, h0, w0, INPUT, policy));
      expect(stats.maxAbs).toBeLessThanOrEqual(1e-3);
      // The JS path on the bytes gives the same float32 values bit for bit.
      const fromPixels = preparePixels({ width: w0, height: h0, data: rgb }, policy, INPUT);
      expect(closeStats(await fromPixels.imData.data(), await imData.data()).maxAbs).toBe(0);
      tf.dispose([t, imData, imInfo, fromPixels.imData, fromPixels.imInfo]);
    });

  it('gives the same im_data for every input form (tensor int32/float32, RGB/RGBA pixels, bytes, path)', async () => {
    const file = path.join(IMAGES, 'chelsea.png');
    const decoded = await readImageFile(file);
    const n = decoded.width * decoded.height;
    const rgba = new Uint8ClampedArray(n * 4);
    for (let i = 0; i < n; i++) {
      rgba.set(decoded.data.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = 128;
    }
    const i32 = rgbTensor(decoded.data, [decoded.height, decoded.width, 3]);
    const f32 = tf.cast(i32, 'float32');
    const before = tf.memory().numTensors;
    const inputs = [file, fs.readFileSync(file), new Uint8Array(fs.readFileSync(file)).buffer, decoded,
      { width: decoded.width, height: decoded.height, data: rgba }, i32, f32];
    const ref = await preprocess(inputs[0], INPUT, { policy: 'window' });
    const refData = await ref.imData.data();
    for (const input of inputs.slice(1)) {
      const p = await preprocess(input, INPUT, { policy: 'window' });
      expect(closeStats(await p.imData.data(), refData).maxAbs).toBe(0);
      expect(Array.from(await p.imInfo.data())).toEqual(Array.from(await ref.imInfo.data()));
      tf.dispose([p.imData, p.imInfo]);
    }
    tf.dispose([ref.imData, ref.imInfo]);
    expect(tf.memory().numTensors).toBe(before);
    expect(i32.isDisposed || f32.isDisposed).toBe(false);
    tf.dispose([i32, f32]);
  });

  it('channel order follows the config (RGB for torchvision-style inputs)', async () => {
    const t = rgbTensor([10, 20, 30], [1, 1, 3]);
    const bgr = prepareRgbTensor(t, 'fit', INPUT);
    const rgbCfg = prepareRgbTensor(t, 'fit', { ...INPUT, channelOrder: 'RGB' });
    const [hp, wp] = [bgr.geometry.paddedHeight, bgr.geometry.paddedWidth];
    const plane = hp * wp;
    const b = await bgr.imData.data();
    const r = await rgbCfg.imData.data();
    // A 1x1 image scales to 320x320 (fit) and stays constant; padding is zero.
    expect([b[0], b[plane], b[2 * plane]]).toEqual([30, 20, 10]);
    expect([r[0], r[plane], r[2 * plane]]).toEqual([10, 20, 30]);
    expect(b[wp - 1]).toBe(0);
    tf.dispose([t, bgr.imData, bgr.imInfo, rgbCfg.imData, rgbCfg.imInfo]);
  });

  it.each<[number, number, ResizePolicy, 'BGR' | 'RGB']>([[64, 96, 'fit', 'BGR'], [480, 300, 'fit', 'BGR'], [97, 61, 'window', 'RGB'], [200, 150, 'window', 'BGR']])(
    'preparePixelsInto %ix%i %s %s: preparePixels\'s im_data bit for bit, on the host, into a reused buffer', async (h0, w0, policy, order) => {
      const input = { ...INPUT, channelOrder: order };
      const pixels = { width: w0, height: h0, data: syntheticRgb(h0, w0) };
      const before = tf.memory().numTensors;
      const host = preparePixelsInto(pixels, policy, input);
      expect(tf.memory().numTensors).toBe(before); // no tensor made
      const ref = preparePixels(pixels, policy, input);
      expect(host.geometry).toEqual(ref.geometry);
      expect(host.data.length).toBe(ref.imData.size);
      expect(closeStats(host.data, await ref.imData.data()).maxAbs).toBe(0);
      // A dirty buffer of the right size is reused and fully rewritten (padding zeroed again).
      const dirty = new Float32Array(host.data.length).fill(-7);
      const again = preparePixelsInto(pixels, policy, input, dirty);
      expect(again.data).toBe(dirty);
      expect(closeStats(dirty, await ref.imData.data()).maxAbs).toBe(0);
      // A buffer of another size is not used.
      const small = new Float32Array(10);
      expect(preparePixelsInto(pixels, policy, input, small).data).not.toBe(small);
      tf.dispose([ref.imData, ref.imInfo]);
    });

  it.each<[number, number, 'BGR' | 'RGB']>([[64, 96, 'RGB'], [97, 61, 'RGB'], [200, 150, 'BGR']])(
    'preparePixelsInto through the torchvision transform %ix%i %s: its preparePixels\'s im_data bit for bit, into a reused buffer', async (h0, w0, order) => {
      const input = { ...DEFAULT_TORCHVISION_CONFIG.input, minSize: 64, maxSize: 96, channelOrder: order };
      const pixels = { width: w0, height: h0, data: syntheticRgb(h0, w0) };
      const ref = imageTransform(input).preparePixels(pixels, 'fit', input);
      const before = tf.memory().numTensors;
      const dirty = new Float32Array(ref.imData.size).fill(-7);
      const host = preparePixelsInto(pixels, 'fit', input, dirty);
      expect(tf.memory().numTensors).toBe(before); // no tensor made
      expect(host.data).toBe(dirty);
      expect(host.geometry).toEqual(ref.geometry);
      expect(closeStats(dirty, await ref.imData.data()).maxAbs).toBe(0); // padding zeroed again
      expect(() => preparePixelsInto(pixels, 'window', input)).toThrow(ArgumentError);
      tf.dispose([ref.imData, ref.imInfo]);
    });

  it('rejects tensors of the wrong shape or dtype', () => {
    const bad = tf.zeros([4, 4, 4]);
    const b = tf.zeros([4, 4, 3], 'bool');
    expect(() => prepareRgbTensor(bad as tf.Tensor3D, 'fit', INPUT)).toThrow(ShapeMismatchError);
    expect(() => prepareRgbTensor(bad as tf.Tensor3D, 'fit', INPUT)).toThrow('image: expected [H, W, 3] RGB, got [4,4,4]');
    expect(() => prepareRgbTensor(b as tf.Tensor3D, 'fit', INPUT)).toThrow('image: expected dtype int32 or float32, got bool');
    tf.dispose([bad, b]);
  });
});
