/**
 * The embedded default model as a new user meets it: it names itself (not
 * "instance-segmentation-security-0049": it is a small shapes model), carries its own default
 * score threshold (0.3: its scores are low), and with every default — `detect(demo.png)`,
 * `mrcnn detect demo.png`, `mrcnn info` — finds its demo image's instances. A model.json without
 * the field (the K=8 0049 test model) keeps the 0049 default, 0.5.
 * Needs `npm run build` for the CLI part (the built bin).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { defaultModelPath, load } from '@mrcnn/model';
import { REPO_ROOT } from '../helpers/paths';
import { writeK8Model } from './helpers/k8_model';

const DEMO = path.join(REPO_ROOT, 'packages', 'model', 'default-model', 'demo.png');
const BIN = path.join(REPO_ROOT, 'packages', 'cli', 'dist', 'main.js');
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-default-'));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the embedded default model', () => {
  it('names itself, and detect() with no options uses its own threshold (0.3) and finds the demo image\'s instances', async () => {
    const model = await load(undefined, { backend: 'wasm', threads: 1 });
    try {
      expect(model.config.name).toBe('mrcnn-shapes-default');
      expect(model.config.detection.defaultScoreThreshold).toBe(0.3);
      expect(model.labels).toEqual(['background', 'circle', 'square', 'triangle', 'star', 'ring', 'cross']);
      const before = tf.memory().numTensors;
      const bytes = new Uint8Array(fs.readFileSync(DEMO));
      const found = await model.detect(bytes);
      expect(tf.memory().numTensors).toBe(before);
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((d) => d.score >= 0.3)).toBe(true);
      const explicit = await model.detect(bytes, { scoreThreshold: 0.3 });
      expect(found.map((d) => [d.label, d.score])).toEqual(explicit.map((d) => [d.label, d.score]));
      // the old default, 0.5, found nothing on this image
      expect(await model.detect(bytes, { scoreThreshold: 0.5 })).toEqual([]);
    } finally {
      model.dispose();
    }
  });

  it('a 0049 model.json without the field keeps the 0049 default, 0.5', async () => {
    const model = await load(writeK8Model(path.join(tmp, 'k8')), { backend: 'cpu' });
    try {
      expect(model.config.name).toBe('instance-segmentation-security-0049');
      expect(model.config.detection.defaultScoreThreshold).toBe(0.5);
    } finally {
      model.dispose();
    }
  });

  it('mrcnn info and mrcnn detect (no --score) name it and find the instances', () => {
    if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run 'npm run build' first`);
    const info = spawnSync(process.execPath, [BIN, 'info', path.dirname(defaultModelPath())], { encoding: 'utf8' });
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/^name: +mrcnn-shapes-default$/m);
    const out = path.join(tmp, 'demo-output');
    const r = spawnSync(process.execPath, [BIN, 'detect', DEMO, '--out', out, '--quiet'], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    const doc = JSON.parse(fs.readFileSync(path.join(out, 'demo.json'), 'utf8')) as {
      model: string; scoreThreshold: number; instances: Array<{ label: string; score: number }>;
    };
    expect(doc.model).toBe('mrcnn-shapes-default');
    expect(doc.scoreThreshold).toBe(0.3);
    expect(doc.instances.length).toBeGreaterThan(0);
    expect(doc.instances.every((d) => d.score >= 0.3)).toBe(true);
  });
});
