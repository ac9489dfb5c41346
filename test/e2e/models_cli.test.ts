/**
 * `mrcnn models` and `--model <name>` as a user runs them: the built CLI (npm run build first),
 * spawned with a temporary MRCNN_CACHE_DIR and an MRCNN_MODEL_CATALOGUE naming models served by a
 * local server on 127.0.0.1 (the seeded torchvision-layout checkpoint of test/fixtures/oracle-tv-k8).
 * `detect --model <name>` downloads with progress lines, verifies, converts and caches, and detects
 * as the same checkpoint converted by hand; `models` lists it cached; a second run makes no request;
 * `info`, `export --quantize fp16`, `remove`; failures exit 1 with the typed error, usage errors 2.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { isVariantName, TORCHVISION_COCO_CATEGORIES } from '@mrcnn/schema';
import { convert } from '@mrcnn/weights-converter';
import { CheckpointServer, sha256Hex, startCheckpointServer } from '../helpers/checkpoint_server';
import { ORACLE_TV_K8 } from '../helpers/converter_fixtures';
import { IMAGES, REPO_ROOT } from '../helpers/paths';

const CLI = path.join(REPO_ROOT, 'packages', 'cli', 'dist', 'main.js');
const CHECKPOINT = zlib.gunzipSync(fs.readFileSync(path.join(ORACLE_TV_K8, 'model_torchvision.pth.gz')));
const FILE = `maskrcnn_tv_k8-${sha256Hex(CHECKPOINT).slice(0, 8)}.pth`;
const IMAGE = path.join(IMAGES, 'astronaut.png');

let server: CheckpointServer;
let tmp: string;
let env: Record<string, string>;

interface Run { status: number | null; stdout: string; stderr: string }

/** Runs the CLI without blocking this process (the server answers from it). */
function mrcnn(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, cwd: tmp });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300000);
    child.on('error', reject);
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

interface DetectJson { instances: Array<{ classId: number; label: string; score: number; box: number[]; rle: unknown }> }
const instances = (file: string): DetectJson['instances'] => (JSON.parse(fs.readFileSync(file, 'utf8')) as DetectJson).instances;

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build before these tests`);
  server = await startCheckpointServer({ [`/models/${FILE}`]: { body: CHECKPOINT } });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-models-cli-'));
  const catalogue = path.join(tmp, 'catalogue.json');
  fs.writeFileSync(catalogue, JSON.stringify([
    { name: 'tv-k8', url: `${server.origin}/models/${FILE}`, variant: 'torchvision-v1', labels: TORCHVISION_COCO_CATEGORIES, description: 'seeded K=8 checkpoint' },
    { name: 'tv-k8-404', url: `${server.origin}/absent/${FILE}`, variant: 'torchvision-v1' },
  ]));
  env = { MRCNN_CACHE_DIR: path.join(tmp, 'cache'), MRCNN_MODEL_CATALOGUE: catalogue };
  fs.writeFileSync(path.join(tmp, FILE), CHECKPOINT);
  await convert(path.join(tmp, FILE), path.join(tmp, 'by-hand'), { labels: [...TORCHVISION_COCO_CATEGORIES] });
}, 120000);

afterAll(async () => {
  await server?.close();
  if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('mrcnn models and --model <name>', () => {
  it('lists the known models, none cached yet', async () => {
    const r = await mrcnn(['models', '--json']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const list = JSON.parse(r.stdout) as { cacheDir: string; models: Array<{ name: string; variant: string; supported: boolean; cached: unknown }> };
    expect(list.cacheDir).toBe(path.join(tmp, 'cache'));
    expect(list.models.map((m) => m.name)).toEqual(['torchvision-maskrcnn-coco', 'torchvision-maskrcnn-v2-coco', 'tv-k8', 'tv-k8-404']);
    for (const m of list.models) expect({ name: m.name, supported: m.supported, cached: m.cached }).toEqual({ name: m.name, supported: isVariantName(m.variant), cached: null });
  });

  it('detect --model <name> fetches with progress, caches, and detects as the by-hand conversion', async () => {
    const r = await mrcnn(['detect', IMAGE, '--model', 'tv-k8', '--score', '0.3', '--out', 'named']);
    expect([r.status, r.stderr.split('\n').filter((l) => /Error/.test(l))]).toEqual([0, []]);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(`fetching ${server.origin}/models/${FILE}`);
    // Not a terminal: plain lines, the last download line at 100%.
    expect(lines.filter((l) => l.startsWith('download [')).pop()).toMatch(/^download \[=+\] \d+\.\d MiB\/3\.0 MiB 100% /);
    expect(lines.some((l) => l.startsWith('verify SHA-256 ['))).toBe(true);
    expect(lines.some((l) => /^convert .*\.pth: done$/.test(l))).toBe(true);
    const hand = await mrcnn(['detect', IMAGE, '--model', 'by-hand', '--score', '0.3', '--out', 'hand']);
    expect(hand.status).toBe(0);
    const a = instances(path.join(tmp, 'named', 'astronaut.json'));
    expect(a.length).toBeGreaterThan(0);
    expect(a).toEqual(instances(path.join(tmp, 'hand', 'astronaut.json')));
    expect(a.every((i) => TORCHVISION_COCO_CATEGORIES[i.classId] === i.label)).toBe(true);
  }, 300000);

  it('lists it as cached; a second run, info and export use the cache with no request', async () => {
    const requests = server.requests.length;
    const list = await mrcnn(['models']);
    expect(list.status).toBe(0);
    const dir = path.join(tmp, 'cache', 'models', 'tv-k8');
    expect(list.stdout.split('\n').find((l) => l.startsWith('tv-k8 '))).toMatch(new RegExp(`^tv-k8 +torchvision-v1 +- +\\d+\\.\\d MiB  ${dir}$`));
    const again = await mrcnn(['detect', IMAGE, '--model', 'tv-k8', '--score', '0.3', '--out', 'again', '--quiet']);
    expect([again.status, again.stderr]).toEqual([0, '']);
    const info = await mrcnn(['info', 'tv-k8', '--json']);
    expect(info.status).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ model: path.join(dir, 'model.json'), config: { numClasses: 91 } });
    const exp = await mrcnn(['models', 'export', 'tv-k8', '-o', 'web-model', '--quantize', 'fp16']);
    expect(exp.status).toBe(0);
    expect(exp.stdout).toMatch(/^tv-k8: \d+\.\d MiB of weights \(fp16\) in \d+ shard\(s\) -> web-model\n$/);
    const json = JSON.parse(fs.readFileSync(path.join(tmp, 'web-model', 'model.json'), 'utf8')) as { weightsManifest: Array<{ weights: Array<{ quantization?: { dtype: string } }> }> };
    expect(json.weightsManifest[0].weights.every((w) => w.quantization?.dtype === 'float16')).toBe(true);
    expect(server.requests.length).toBe(requests);
  }, 300000);

  it('removes it', async () => {
    const r = await mrcnn(['models', 'remove', 'tv-k8']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^tv-k8: removed \(\d+\.\d MiB freed\)\n$/);
    expect(fs.existsSync(path.join(tmp, 'cache', 'models', 'tv-k8'))).toBe(false);
    const again = await mrcnn(['models', 'remove', 'tv-k8']);
    expect([again.status, again.stdout]).toEqual([0, 'tv-k8: not cached\n']);
  });

  it('exits 1 with the typed error for a failed fetch or an unknown model, 2 for a bad command line', async () => {
    const missing = await mrcnn(['detect', IMAGE, '--model', 'tv-k8-404', '--out', 'x']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`mrcnn detect: HttpStatusError: ${server.origin}/absent/${FILE}: HTTP 404 Not Found. To do it by hand: download`);
    expect(missing.stderr).toContain('`mrcnn convert <file> -o <dir>`');
    expect(fs.existsSync(path.join(tmp, 'cache', 'models', 'tv-k8-404'))).toBe(false);
    const unknown = await mrcnn(['models', 'fetch', 'no-such-model']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^mrcnn models: UnknownModelError: unknown model "no-such-model"; known models: torchvision-maskrcnn-coco, torchvision-maskrcnn-v2-coco, tv-k8, tv-k8-404/);
    for (const args of [['models', 'frob'], ['models', 'export', 'tv-k8'], ['models', 'fetch'], ['models', 'list', '--quantize', 'fp16']]) {
      const r = await mrcnn(args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
    }
  });
});
