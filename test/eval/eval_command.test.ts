/**
 * `mrcnn eval` (@mrcnn/cli) end to end with the embedded default model on its demo image (a held-out synthetic
 * image with its COCO annotations), plus usage and failure exit codes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mrcnn/engine';
import { main } from '@mrcnn/cli';
import { evaluateCoco, type CocoResult } from '@mrcnn/model';
import { validateDataset } from '@mrcnn/model/internal';
import { REPO_ROOT } from '../helpers/paths';
import { captureIO } from '../helpers/capture_io';

const DEFAULT_MODEL = path.join(REPO_ROOT, 'packages', 'model', 'default-model');
const DEMO_ANNOTATIONS = path.join(DEFAULT_MODEL, 'demo_instances.json');

describe('mrcnn eval: arguments and failures', () => {
  it('--help prints the usage and exits 0', async () => {
    const c = captureIO();
    expect(await main(['eval', '--help'], c.io)).toBe(0);
    expect(c.out()).toContain('Usage: mrcnn eval --annotations');
    expect(c.out()).toContain('--backend cpu|wasm '); // the engine's registered backends that run in Node
  });

  it.each([
    [[], 'missing --annotations'],
    [['--annotations', 'a.json'], 'missing --images'],
    [['--annotations', 'a.json', '--images', 'd', '--iou-type', 'keypoints'], '--iou-type must be'],
    [['--annotations', 'a.json', '--images', 'd', '--score', '2'], '--score must be'],
    [['--annotations', 'a.json', '--images', 'd', '--bogus'], 'unknown option --bogus'],
    [['--annotations', 'a.json', '--images', 'd', '--backend', 'gpu'], '--backend must be one of cpu, wasm, got "gpu"'],
  ])('usage error %j exits 2', async (argv, message) => {
    const c = captureIO();
    expect(await main(['eval', ...(argv as string[])], c.io)).toBe(2);
    expect(c.err()).toContain(message);
  });

  it('an unreadable annotation file exits 1 naming the file', async () => {
    const c = captureIO();
    const missing = path.join(os.tmpdir(), 'no-such-instances.json');
    expect(await main(['eval', '--annotations', missing, '--images', DEFAULT_MODEL], c.io)).toBe(1);
    expect(c.err()).toContain(missing);
  });
});

describe('mrcnn eval with the default model on its demo image', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-eval-'));
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('prints box and mask summaries equal to re-evaluating the written results; no tensor leaks', async () => {
    const c = captureIO();
    const resultsFile = path.join(tmp, 'results.json');
    const statsFile = path.join(tmp, 'stats.json');
    const before = tf.memory().numTensors;
    const code = await main(['eval', '--annotations', DEMO_ANNOTATIONS, '--images', DEFAULT_MODEL, '--backend', 'wasm', '--score', '0.3',
      '--results', resultsFile, '--json', statsFile, '--quiet'], c.io);
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);

    const lines = c.out().split('\n');
    expect(lines.filter((l) => l.startsWith(' Average Precision'))).toHaveLength(12);
    expect(lines.filter((l) => l.startsWith(' Average Recall'))).toHaveLength(12);

    const gt = validateDataset(JSON.parse(fs.readFileSync(DEMO_ANNOTATIONS, 'utf8')), DEMO_ANNOTATIONS);
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as CocoResult[];
    const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
    expect(results.length).toBe(stats.detections);
    expect(results.every((r) => r.score >= 0.3 && r.bbox !== undefined && r.segmentation !== undefined)).toBe(true);
    const box = evaluateCoco(gt, results.map(({ image_id, category_id, score, bbox }) => ({ image_id, category_id, score, bbox })), 'bbox');
    const segm = evaluateCoco(gt, results.map(({ image_id, category_id, score, segmentation }) => ({ image_id, category_id, score, segmentation })), 'segm');
    expect(stats.bbox).toEqual(box.summary.stats);
    expect(stats.segm).toEqual(segm.summary.stats);
    expect(c.out()).toContain(box.summary.lines[0]);
    expect(c.out()).toContain(segm.summary.lines[0]);
    for (const v of [...box.summary.values, ...segm.summary.values]) {
      expect(v === -1 || (v >= 0 && v <= 1)).toBe(true);
    }
  }, 120000);
});
