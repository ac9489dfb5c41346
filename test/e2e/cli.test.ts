/**
 * The built `mrcnn` CLI (@mrcnn/cli: packages/cli/dist/main.js; `npm run build` first), spawned as a
 * user runs it, on the K=8 oracle weights: help and exit codes, info, detect on files (against
 * the oracle), a directory with a bad image and a crashing worker, and resuming.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeImage, decodeRle, load } from '@mrcnn/model';
import { maskIoU } from '../helpers/compare';
import { FIXTURES, IMAGES, ORACLE_K8, REPO_ROOT } from '../helpers/paths';
import { readTensorDump } from '../helpers/tensor_dump';
import { writeK8Model } from './helpers/k8_model';

const CLI = path.join(REPO_ROOT, 'packages', 'cli', 'dist', 'main.js');
let tmp: string;
let modelDir: string;

function mrcnn(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600000 });
}

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build before these tests`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-cli-'));
  modelDir = writeK8Model(path.join(tmp, 'model'));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('help and exit codes', () => {
  it('prints help with exit 0 and rejects bad command lines with exit 2', () => {
    const help = mrcnn(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/detect <image\|dir\.\.\.>/);
    for (const cmd of ['detect', 'info']) {
      const r = mrcnn([cmd, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: mrcnn ${cmd}`));
      expect(r.stdout).toMatch(/Exit codes/);
    }
    expect(mrcnn([]).status).toBe(2);
    const unknown = mrcnn(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    const badOpt = mrcnn(['detect', 'x.png', '--colour', 'red']);
    expect([badOpt.status, badOpt.stderr.split('\n')[0]]).toEqual([2, 'mrcnn detect: unknown option --colour']);
    const badScore = mrcnn(['detect', path.join(IMAGES, 'astronaut.png'), '--model', modelDir, '--score', '2']);
    expect(badScore.status).toBe(2);
    expect(badScore.stderr).toMatch(/--score must be a number in \[0, 1\], got "2"/);
    const noModel = mrcnn(['info', path.join(tmp, 'nope')]);
    expect(noModel.status).toBe(1);
    expect(noModel.stderr).toMatch(/ModelLoadError: .*nope: no such file or directory/);
  });

  it('dispatches convert, eval and bench (the built @mrcnn/benchmarks resolves in the repository)', () => {
    for (const cmd of ['convert', 'eval', 'bench']) {
      const r = mrcnn([cmd, '--help']);
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toMatch(new RegExp(`^Usage: mrcnn ${cmd} `));
    }
  });
});

describe('info', () => {
  it('reports config, the card-rule parameter count of the oracle model and the tensors', () => {
    const meta = readTensorDump(path.join(ORACLE_K8, 'weights_0049')).meta;
    const r = mrcnn(['info', modelDir, '--json']);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout) as { parameters: { total: number; unique: number }; config: { numClasses: number }; tensors: unknown[] };
    // The oracle's own counts of the same network (weights_0049.json meta).
    expect(info.parameters.total).toBe(meta.params_card_rule);
    expect(info.parameters.unique).toBe(meta.params_unique);
    expect(info.config.numClasses).toBe(81);
    const text = mrcnn(['info', modelDir, '--tensors']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/parameters: 755,617 \(card rule\)/);
    expect(text.stdout.split('\n').filter((l) => l.startsWith('  backbone.body.conv1.weight [7,7,3,8] float32')).length).toBe(1);
    expect(info.tensors.length).toBeGreaterThan(100);
  });
});

describe('detect', () => {
  it('writes an overlay PNG and an instances JSON per image, matching the oracle', async () => {
    const out = path.join(tmp, 'files');
    const r = mrcnn(['detect', path.join(IMAGES, 'astronaut.png'), '--model', modelDir, '--out', out, '--score', '0', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const png = await decodeImage(fs.readFileSync(path.join(out, 'astronaut.png')));
    expect([png.width, png.height]).toEqual([512, 512]);
    const doc = JSON.parse(fs.readFileSync(path.join(out, 'astronaut.json'), 'utf8')) as {
      width: number; height: number; instances: Array<{ classId: number; score: number; box: number[]; rle: { size: [number, number]; counts: string } }>;
    };
    const g = readTensorDump(path.join(ORACLE_K8, 'astronaut_fit'));
    const classes = g.get('classes').data;
    const scores = g.get('scores').data;
    expect(doc.instances.length).toBe(Array.from(classes).filter((c) => c > 0).length);
    // The top instance is the oracle's highest-scoring row: same class, score, mask.
    let best = 0;
    for (let i = 1; i < classes.length; i++) if (classes[i] > 0 && scores[i] > scores[best]) best = i;
    const top = doc.instances[0];
    expect(top.classId).toBe(classes[best]);
    expect(Math.abs(top.score - scores[best])).toBeLessThanOrEqual(1e-3);
    const n = 512 * 512;
    const iou = maskIoU(decodeRle(top.rle).data, g.get('pasted_masks').data.subarray(best * n, (best + 1) * n));
    expect(iou).toBeGreaterThanOrEqual(0.99);
  });

  it('a directory: COCO results, a bad image and a crashed worker reported, the rest done; then resume', () => {
    const dir = path.join(tmp, 'images');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(IMAGES, 'chelsea.png'), path.join(dir, '000000000042.png'));
    fs.copyFileSync(path.join(IMAGES, 'rocket.jpg'), path.join(dir, 'rocket.jpg'));
    fs.copyFileSync(path.join(IMAGES, 'astronaut.png'), path.join(dir, 'crash.png'));
    fs.writeFileSync(path.join(dir, 'bad.png'), 'this is not a png');
    const out = path.join(tmp, 'dir-out');
    const args = ['detect', dir, '--model', modelDir, '--out', out, '--score', '0.3', '--workers', '2'];
    const first = mrcnn(args, { MRCNN_TEST_WORKER_EXIT_ON: 'crash.png' });
    expect(first.status).toBe(1);
    expect(first.stderr).toMatch(/error: .*bad\.png: ImageDecodeError: .*not a PNG or JPEG/);
    expect(first.stderr).toMatch(/error: .*crash\.png: worker crashed \(exit code 70\)/);
    expect(first.stderr).toMatch(/\] 4\/4 100% .* ETA .* 2 failed/);
    expect(first.stderr).toMatch(/2 image\(s\) failed/);
    const results1 = JSON.parse(fs.readFileSync(path.join(out, 'images.results.json'), 'utf8')) as Array<{
      image_id: number; category_id: number; bbox: number[]; score: number; segmentation: { size: number[]; counts: string } }>;
    // Numeric file names give COCO image ids; others their 1-based position (rocket.jpg is 4th).
    expect([...new Set(results1.map((e) => e.image_id))].sort((a, b) => a - b)).toEqual([4, 42]);
    for (const e of results1) {
      expect(e.score).toBeGreaterThanOrEqual(0.3);
      expect(e.bbox).toHaveLength(4);
      expect(e.segmentation.size).toEqual(e.image_id === 42 ? [300, 451] : expect.any(Array));
    }
    expect(fs.existsSync(path.join(out, 'images', '000000000042.png'))).toBe(true);

    // Resume: only the two failed images run again; crash.png now succeeds, bad.png fails again.
    const second = mrcnn(args);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/resuming: 2 image\(s\) already done/);
    expect(second.stderr).not.toMatch(/crash\.png: /);
    expect(second.stdout).toMatch(/3\/4 image\(s\)/);
    const results2 = JSON.parse(fs.readFileSync(path.join(out, 'images.results.json'), 'utf8')) as Array<{ image_id: number; score: number }>;
    expect([...new Set(results2.map((e) => e.image_id))].sort((a, b) => a - b)).toEqual([3, 4, 42]);
    // Entries of the images done in the first run are carried over unchanged.
    expect(results2.filter((e) => e.image_id !== 3)).toEqual(results1);
  });
});

describe('input size (--min-size / --max-size)', () => {
  it('runs the card transform at another size, as load/detect do with the same options', async () => {
    const out = path.join(tmp, 'sized');
    const image = path.join(IMAGES, 'chelsea.png');
    const r = mrcnn(['detect', image, '--model', modelDir, '--out', out, '--score', '0', '--min-size', '256', '--max-size', '384', '--quiet']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const doc = JSON.parse(fs.readFileSync(path.join(out, 'chelsea.json'), 'utf8')) as {
      minSize: number; maxSize: number; instances: Array<{ classId: number; score: number; box: number[] }>;
    };
    expect([doc.minSize, doc.maxSize]).toEqual([256, 384]);
    const model = await load(modelDir, { backend: 'wasm' });
    try {
      const api = await model.detect(image, { scoreThreshold: 0, minSize: 256, maxSize: 384 });
      const dflt = await model.detect(image, { scoreThreshold: 0 });
      expect(doc.instances.map((x) => [x.classId, x.score])).toEqual(api.map((x) => [x.classId, Math.round(x.score * 1e5) / 1e5]));
      // A different input size gives different detections (the option is not ignored).
      expect(dflt.map((x) => x.score)).not.toEqual(api.map((x) => x.score));
    } finally {
      model.dispose();
    }
  });

  it('refuses sizes or a policy the model\'s transform cannot take (exit 2), before reading images', () => {
    const image = path.join(IMAGES, 'astronaut.png');
    const odd = mrcnn(['detect', image, '--model', modelDir, '--min-size', '333']);
    expect(odd.status).toBe(2);
    expect(odd.stderr).toMatch(/--min-size: invalid config input\.minSize: expected a positive multiple of padMultiple \(32\), got 333 \(model instance-segmentation-security-0049, card transform\)/);
    const zero = mrcnn(['detect', image, '--model', modelDir, '--max-size', '0']);
    expect(zero.status).toBe(2);
    expect(zero.stderr).toMatch(/--max-size must be an integer in \[1, 16384\], got "0"/);
    // torchvision's v2 model (K=8 seeded checkpoint) converted by the CLI: its transform, one policy.
    const tv = path.join(tmp, 'tv2');
    const conv = mrcnn(['convert', path.join(FIXTURES, 'oracle-tvx-k8', 'model_torchvision_v2.pth.gz'), '-o', tv, '--quiet']);
    expect([conv.status, conv.stderr]).toEqual([0, '']);
    const info = mrcnn(['info', tv]);
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/input: +torchvision transform, min 800 \/ max 1333, RGB, pad to 32, policy fit/);
    expect(info.stdout).toMatch(/heads: +RPN 2 conv\(s\); box 4 conv\(s\) \+ 1 FC\(s\) of 128; mask 4 conv\(s\) of 32/);
    const win = mrcnn(['detect', image, '--model', tv, '--policy', 'window']);
    expect(win.status).toBe(2);
    expect(win.stderr).toMatch(/--policy: .*the torchvision transform has one policy, 'fit'/);
  });
});
