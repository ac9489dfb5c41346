import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mrcnn/engine';
import { load, Model } from '../api';
import { ArgumentError } from '../errors';
import { readImageFile } from '../preprocess/decode';

const DEMO = path.join(__dirname, '..', '..', 'default-model', 'demo.png');

describe('input size as a load/detect option (the embedded default model, card transform)', () => {
  let model: Model;
  beforeAll(async () => {
    await initBackend('wasm');
    model = await load(undefined, { backend: 'wasm' });
  });
  afterAll(() => model.dispose());

  it('detect({ minSize, maxSize }) runs at that size; refuses sizes the card transform cannot take', async () => {
    const img = await readImageFile(DEMO);
    const before = tf.memory().numTensors;
    const small = await model.detect(img, { scoreThreshold: 0, minSize: 160, maxSize: 256 });
    const dflt = await model.detect(img, { scoreThreshold: 0 });
    expect(dflt.map((d) => d.score)).not.toEqual(small.map((d) => d.score));
    expect(small.every((d) => d.mask.width === img.width && d.mask.height === img.height)).toBe(true);
    await expect(model.detect(img, { minSize: 333 })).rejects.toThrow(ArgumentError);
    await expect(model.detect(img, { minSize: 333 })).rejects.toThrow(/^options\.minSize: invalid config input\.minSize: expected a positive multiple of padMultiple \(32\), got 333$/);
    await expect(model.detect(img, { maxSize: 0 })).rejects.toThrow(/options\.maxSize: expected a positive integer, got 0/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('load({ minSize, maxSize }) sets the model\'s input size; a bad one is an ArgumentError, no tensor left', async () => {
    const before = tf.memory().numTensors;
    const sized = await load(undefined, { backend: 'wasm', minSize: 160, maxSize: 256 });
    try {
      expect([sized.config.input.minSize, sized.config.input.maxSize]).toEqual([160, 256]);
      const img = await readImageFile(DEMO);
      const viaLoad = await sized.detect(img, { scoreThreshold: 0 });
      const viaDetect = await model.detect(img, { scoreThreshold: 0, minSize: 160, maxSize: 256 });
      expect(viaLoad.map((d) => [d.classId, d.score, d.box])).toEqual(viaDetect.map((d) => [d.classId, d.score, d.box]));
    } finally {
      sized.dispose();
    }
    await expect(load(undefined, { backend: 'wasm', maxSize: 500 })).rejects.toThrow(/options\.maxSize: .*multiple of padMultiple \(32\), got 500/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
