/**
 * Model.detectPrepared: the embedded default model on wasm, its demo image prepared on the host
 * (preparePixelsInto) into a tensor the test keeps and refills. The instances equal `detect`'s on
 * the same pixels (classes, scores, boxes, mask bytes, RLE); the input is borrowed (not disposed,
 * refillable after the call); no tensor leaks; bad inputs throw typed errors naming `input.*`.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs-core';
import { overwriteTensor } from '@mrcnn/engine';
import { ArgumentError, decodeImage, defaultModelPath, DisposedError, Instance, load, Model, preparePixelsInto, ShapeMismatchError } from '@mrcnn/model';
import * as path from 'path';

let model: Model;

beforeAll(async () => {
  model = await load(undefined, { backend: 'wasm' });
});

afterAll(() => model.dispose());

function summary(list: Instance[]): string[] {
  return list.map((d) => `${d.classId} ${d.score} ${d.box.join(',')} ${d.mask.width}x${d.mask.height} ` +
    `${Buffer.from(d.mask.data).toString('base64')} ${d.rle?.counts ?? '-'}`);
}

async function demoPixels(): Promise<{ width: number; height: number; data: Uint8Array }> {
  return decodeImage(new Uint8Array(fs.readFileSync(path.join(path.dirname(defaultModelPath()), 'demo.png'))));
}

describe('Model.detectPrepared', () => {
  it('equals detect on the same pixels; the input tensor is borrowed and can be refilled for the next image', async () => {
    const pixels = await demoPixels();
    const expected = await model.detect(pixels, { scoreThreshold: 0.2, rle: true });
    expect(expected.length).toBeGreaterThan(0);
    const host = preparePixelsInto(pixels, model.config.input.resizePolicy, model.config.input);
    const imData = tf.tensor4d(host.data, [1, 3, host.geometry.paddedHeight, host.geometry.paddedWidth]);
    const before = tf.memory().numTensors;
    const got = await model.detectPrepared({ imData, geometry: host.geometry }, { scoreThreshold: 0.2, rle: true });
    expect(summary(got)).toEqual(summary(expected));
    expect(imData.isDisposed).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    // Refill the same tensor with the image flipped left-right: the detections follow the image.
    const flipped = new Uint8Array(pixels.data.length);
    for (let y = 0; y < pixels.height; y++) {
      for (let x = 0; x < pixels.width; x++) {
        flipped.set(pixels.data.subarray((y * pixels.width + x) * 3, (y * pixels.width + x) * 3 + 3), (y * pixels.width + pixels.width - 1 - x) * 3);
      }
    }
    const flippedPixels = { ...pixels, data: flipped };
    expect(overwriteTensor(imData, preparePixelsInto(flippedPixels, 'fit', model.config.input, host.data).data)).toBe(true);
    const refilled = await model.detectPrepared({ imData, geometry: host.geometry }, { scoreThreshold: 0.2, rle: true });
    expect(summary(refilled)).toEqual(summary(await model.detect(flippedPixels, { scoreThreshold: 0.2, rle: true })));
    expect(summary(refilled)).not.toEqual(summary(got));
    expect(tf.memory().numTensors).toBe(before);
    imData.dispose();
  });

  it('reports the network stages and paste through onStage', async () => {
    const host = preparePixelsInto(await demoPixels(), 'fit', model.config.input);
    const imData = tf.tensor4d(host.data, [1, 3, host.geometry.paddedHeight, host.geometry.paddedWidth]);
    const stages: string[] = [];
    await model.detectPrepared({ imData, geometry: host.geometry }, { onStage: (s) => stages.push(s) });
    expect(stages).toContain('backbone');
    expect(stages[stages.length - 1]).toBe('paste');
    expect(stages).not.toContain('decode');
    imData.dispose();
  });

  it('refuses a wrong shape, dtype, a disposed tensor, a bad geometry, and a disposed model (typed errors)', async () => {
    const host = preparePixelsInto({ width: 96, height: 64, data: new Uint8Array(96 * 64 * 3) }, 'fit', model.config.input);
    const g = host.geometry;
    const good = tf.zeros([1, 3, g.paddedHeight, g.paddedWidth]) as tf.Tensor4D;
    const wrong = tf.zeros([1, 3, 32, 32]) as tf.Tensor4D;
    const ints = tf.zeros([1, 3, g.paddedHeight, g.paddedWidth], 'int32') as tf.Tensor4D;
    const before = tf.memory().numTensors;
    await expect(model.detectPrepared({ imData: wrong, geometry: g })).rejects.toThrow(ShapeMismatchError);
    await expect(model.detectPrepared({ imData: wrong, geometry: g })).rejects.toThrow(
      `input.imData: expected float32 [1,3,${g.paddedHeight},${g.paddedWidth}] (the geometry's padded size), got float32 [1,3,32,32]`);
    await expect(model.detectPrepared({ imData: ints, geometry: g })).rejects.toThrow(/got int32/);
    await expect(model.detectPrepared({ imData: good, geometry: { ...g, height: 0 } })).rejects.toThrow(ArgumentError);
    await expect(model.detectPrepared({ imData: good, geometry: { ...g, paddedWidth: g.width - 1 } })).rejects.toThrow(/input.geometry/);
    await expect(model.detectPrepared({ imData: good, geometry: g }, { scoreThreshold: 2 })).rejects.toThrow(/options.scoreThreshold/);
    expect(tf.memory().numTensors).toBe(before);
    const gone = tf.zeros([1, 3, g.paddedHeight, g.paddedWidth]) as tf.Tensor4D;
    gone.dispose();
    await expect(model.detectPrepared({ imData: gone, geometry: g })).rejects.toThrow('input.imData: tensor is disposed');
    const other = await load(undefined, { backend: 'wasm' });
    other.dispose();
    await expect(other.detectPrepared({ imData: good, geometry: g })).rejects.toThrow(DisposedError);
    tf.dispose([good, wrong, ints]);
  });
});
