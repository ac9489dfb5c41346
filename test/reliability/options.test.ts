/**
 * Options a caller misspells or passes in another library's form are ArgumentErrors naming them,
 * never silently ignored (in plain JavaScript no type checker catches them): coco-ssd's positional
 * `detect(img, maxNumBoxes, minScore)`, `{threshold: 0.1}`, a third argument, non-boolean flags,
 * unknown load options. Checked before any work: no tensor is created or leaked.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, load, Model, MrcnnError } from '@mrcnn/model';
import { IMAGES } from '../helpers/paths';
import { writeK8Model } from '../e2e/helpers/k8_model';

let dir: string;
let model: Model;
const CHELSEA = path.join(IMAGES, 'chelsea.png');

/** Calls as plain JavaScript would, past the types. */
type Loose = (...args: unknown[]) => Promise<unknown>;

beforeAll(async () => {
  dir = writeK8Model(fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-options-')));
  model = await load(dir, { backend: 'wasm', threads: 1 });
});

afterAll(() => {
  model.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('detect options', () => {
  const detect = (...args: unknown[]): Promise<unknown> => (model.detect.bind(model) as unknown as Loose)(...args);

  it.each([
    ['coco-ssd\'s positional detect(img, 20, 0.1)', [CHELSEA, 20, 0.1],
      'detect: takes (image, options): got 3 arguments (a third, 0.1); pass {scoreThreshold, maxDetections} as the options object'],
    ['a number as options', [CHELSEA, 20], 'options: expected an options object such as {scoreThreshold: 0.5, maxDetections: 20}, got 20'],
    ['{threshold: 0.1}', [CHELSEA, { threshold: 0.1 }],
      'options.threshold: unknown option (known: scoreThreshold, maxDetections, policy, cropMasks, rle, maskThreshold, exifOrientation, onStage, minSize, maxSize)'],
    ['{minScore: 0.1} beside a known option', [CHELSEA, { scoreThreshold: 0.2, minScore: 0.1 }], /^options\.minScore: unknown option/],
    ['a third argument after options', [CHELSEA, { scoreThreshold: 0.2 }, 0.1], /^detect: takes \(image, options\): got 3 arguments/],
    ['options as an array', [CHELSEA, [0.1]], 'options: expected an options object such as {scoreThreshold: 0.5, maxDetections: 20}, got an array'],
    ['rle: "yes"', [CHELSEA, { rle: 'yes' }], 'options.rle: expected a boolean, got "yes"'],
    ['cropMasks: 1', [CHELSEA, { cropMasks: 1 }], 'options.cropMasks: expected a boolean, got 1'],
  ])('%s → ArgumentError', async (_what, args, message) => {
    const before = tf.memory().numTensors;
    const err = await detect(...args).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err).toBeInstanceOf(MrcnnError);
    if (typeof message === 'string') expect((err as Error).message).toBe(message);
    else expect((err as Error).message).toMatch(message);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('undefined options and every known option still work', async () => {
    const found = await model.detect(CHELSEA, undefined);
    const all = await model.detect(CHELSEA, {
      scoreThreshold: 0, maxDetections: 2, policy: 'fit', cropMasks: true, rle: true, maskThreshold: 0.5, exifOrientation: true, onStage: () => undefined,
    });
    expect(all.length).toBe(2);
    expect(found.every((d) => d.score >= model.config.detection.defaultScoreThreshold)).toBe(true);
  });
});

describe('load options', () => {
  const loose = load as unknown as Loose;

  it.each([
    ['{backends: "cpu"}', { backends: 'cpu' }, /^options\.backends: unknown option \(known: backend, threads, config,/],
    ['a string as options', 'cpu', 'options: expected an options object such as {backend: \'wasm\', threads: 4}, got "cpu"'],
    ['threads: 16', { backend: 'wasm', threads: 16 }, 'options.threads: expected an integer in [1, 8], got 16'],
  ])('%s → ArgumentError', async (_what, options, message) => {
    const err = await loose(dir, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArgumentError);
    if (typeof message === 'string') expect((err as Error).message).toBe(message);
    else expect((err as Error).message).toMatch(message);
  });
});
