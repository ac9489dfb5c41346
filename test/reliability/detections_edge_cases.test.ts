/**
 * Edge cases of detect's output on the K=8 oracle weights (wasm): zero detections (threshold 1.0;
 * a classifier that always says background, on a blank and a real image), 100 detections all of
 * one class (a constant classifier: every score is the hand-computed softmax value), and boxes on
 * the image border (clipped to the legacy [0, W−1] window, in original pixels).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { Instance, load, Model } from '@mrcnn/model';
import { IMAGES } from '../helpers/paths';
import { writeOneClassModel } from './k8_variants';

const ASTRONAUT = path.join(IMAGES, 'astronaut.png'); // 512x512: fit → 320x320, scale 0.625
const NUM_CLASSES = 81;
const LOGIT = 10;
/** softmax of [LOGIT, 0 × 80] at the chosen class. */
const ONE_CLASS_SCORE = Math.exp(LOGIT) / (Math.exp(LOGIT) + (NUM_CLASSES - 1));
const ONE_CLASS = 17; // 'dog' in the card's COCO order

let root: string;
const models: Model[] = [];
let oneClass: Model;
let background: Model;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-edge-'));
  oneClass = await load(writeOneClassModel(path.join(root, 'one'), ONE_CLASS, LOGIT), { backend: 'wasm' });
  background = await load(writeOneClassModel(path.join(root, 'bg'), 0, LOGIT), { backend: 'wasm' });
  models.push(oneClass, background);
});

afterAll(() => {
  for (const m of models) m.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

function blank(height: number, width: number, value: number): { width: number; height: number; data: Uint8Array } {
  return { width, height, data: new Uint8Array(width * height * 3).fill(value) };
}

describe('zero detections', () => {
  it('scoreThreshold 1.0 keeps nothing when every score is below 1', async () => {
    // The constant classifier scores every row e^10 / (e^10 + 80) ≈ 0.99638 < 1.
    const before = tf.memory().numTensors;
    expect(await oneClass.detect(ASTRONAUT, { scoreThreshold: 1 })).toEqual([]);
    expect((await oneClass.detect(ASTRONAUT, { scoreThreshold: 0.996 })).length).toBe(100);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a classifier that always says background: no rows on a blank or a real image, even at threshold 0', async () => {
    // Foreground scores are 1/(e^10 + 80) ≈ 4.5e-5, under the network's own 0.05 threshold.
    const before = tf.memory().numTensors;
    expect(await background.detect(blank(240, 320, 128), { scoreThreshold: 0 })).toEqual([]);
    expect(await background.detect(ASTRONAUT, { scoreThreshold: 0, rle: true })).toEqual([]);
    const imData = tf.zeros([1, 3, 320, 480]) as tf.Tensor4D;
    const imInfo = tf.tensor2d([[320, 480, 1]]);
    const out = await background.execute(imData, imInfo);
    // The card's outputs keep their fixed shapes, every row empty (class 0, score 0).
    expect(out.classes.shape).toEqual([100]);
    expect(Array.from(await out.classes.data()).every((c) => c === 0)).toBe(true);
    expect(Array.from(await out.scores.data()).every((s) => s === 0)).toBe(true);
    tf.dispose([imData, imInfo, out.classes, out.scores, out.boxes, out.rawMasks]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('100 detections of one class, boxes on the border', () => {
  let found: Instance[];
  beforeAll(async () => {
    found = await oneClass.detect(ASTRONAUT, { scoreThreshold: 0 });
  });

  it('fills all 100 rows with the one class at the softmax score', () => {
    expect(found.length).toBe(100);
    for (const d of found) {
      expect(d.classId).toBe(ONE_CLASS);
      expect(d.label).toBe('dog');
      expect(Math.abs(d.score - ONE_CLASS_SCORE)).toBeLessThan(1e-6);
    }
  });

  it('keeps every box inside the clip window [0, (320 − 1) / 0.625] and some on its edges', () => {
    const max = (320 - 1) / 0.625; // legacy clip to W − 1 in processed pixels, then back to original
    let onEdge = 0;
    for (const d of found) {
      const [x1, y1, x2, y2] = d.box;
      for (const v of d.box) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(max + 1e-3);
      }
      // Legacy coding: width = x2 − x1 + 1 in processed pixels, > 0 (a sub-pixel box has x2 < x1).
      expect((x2 - x1) * 0.625 + 1).toBeGreaterThan(0);
      expect((y2 - y1) * 0.625 + 1).toBeGreaterThan(0);
      if (x1 === 0 || y1 === 0 || Math.abs(x2 - max) < 1e-3 || Math.abs(y2 - max) < 1e-3) onEdge++;
      expect([d.mask.width, d.mask.height]).toEqual([512, 512]);
      expect(d.mask.data.length).toBe(512 * 512);
    }
    expect(onEdge).toBeGreaterThan(0);
  });

  it('masks of boxes on the border stay inside the box (expanded by the paste margin) and the image', () => {
    for (const d of found) {
      const [x1, y1, x2, y2] = d.box;
      // Legacy paste expands the box by (28 + 2) / 28 around its centre, then rounds to pixels.
      const mx = ((x2 - x1 + 1) * (30 / 28 - 1)) / 2 + 2;
      const my = ((y2 - y1 + 1) * (30 / 28 - 1)) / 2 + 2;
      const { width, data } = d.mask;
      let outside = 0;
      for (let i = 0; i < data.length; i++) {
        if (data[i] === 0) continue;
        const x = i % width;
        const y = (i - x) / width;
        if (!(x >= x1 - mx && x <= x2 + mx && y >= y1 - my && y <= y2 + my)) outside++;
      }
      expect(outside).toBe(0);
    }
  });
});
