/**
 * The packages as a user gets them: `npm pack` of every publishable workspace package, then
 * `npm install` of the tarballs into a new project in a temporary directory outside the
 * repository. Checked there: the `mrcnn` bin of @mrcnn/cli (help, exit codes, `bench` absent
 * without the repository's private harness, `video` on a generated clip), the embedded default model and the wasm files (a
 * detect on default-model/demo.png finds the instances the repository's own build finds), the
 * types (a consumer compiled by the installed typescript under node16 and node10 module
 * resolution, and a wrong use reported), and the CommonJS / ES module entry points.
 * Slow (npm, a detect): `npm run test:packaging` (jest.packaging.config.js), after `npm run build`.
 * The temporary directories are removed in teardown.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../helpers/paths';

/** The publishable packages, dependencies first (benchmarks and test are private workspaces). */
const PACKAGES = ['packages/schema', 'packages/engine', 'packages/weights-converter', 'packages/model', 'packages/queue', 'packages/video', 'packages/cli'];
const STEP_TIMEOUT_MS = 8 * 60 * 1000;

interface PackedFile { path: string }
interface Packed { name: string; filename: string; files: PackedFile[] }

let tmp: string;
let consumer: string;
let packed: Packed[];

/** The environment of a fresh shell: no npm_* variables of an enclosing `npm run` (the repo's .npmrc). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: cleanEnv(), timeout: STEP_TIMEOUT_MS, maxBuffer: 64 << 20 });
}

function mustRun(cmd: string, args: string[], cwd: string): string {
  const r = run(cmd, args, cwd);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}: ${r.error?.message ?? ''}\n${r.stderr}`);
  return r.stdout;
}

const repoVersion = (pkg: string): string =>
  (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

const mrcnn = (args: string[]): SpawnSyncReturns<string> => run(path.join(consumer, 'node_modules', '.bin', 'mrcnn'), args, consumer);

beforeAll(() => {
  for (const p of PACKAGES) {
    if (!fs.existsSync(path.join(REPO_ROOT, p, 'dist', 'index.js'))) throw new Error(`${p}/dist is missing: run npm run build first`);
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-pack-'));
  const packs = path.join(tmp, 'packs');
  consumer = path.join(tmp, 'consumer');
  fs.mkdirSync(packs);
  fs.mkdirSync(consumer);
  const out = mustRun('npm', ['pack', '--json', '--pack-destination', packs, ...PACKAGES.flatMap((p) => ['-w', p])], REPO_ROOT);
  packed = JSON.parse(out.slice(out.indexOf('['))) as Packed[];
  fs.writeFileSync(path.join(consumer, 'package.json'), `${JSON.stringify({ name: 'mrcnn-consumer', version: '1.0.0', private: true })}\n`);
  mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...packed.map((p) => path.join(packs, p.filename)),
    `typescript@${repoVersion('typescript')}`, `@types/node@${repoVersion('@types/node')}`], consumer);
}, 2 * STEP_TIMEOUT_MS);

afterAll(() => {
  if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('packs the seven packages with their built files, the wasm files and the embedded model; no sources, no tests', () => {
    expect(packed.map((p) => p.name)).toEqual(['@mrcnn/schema', '@mrcnn/engine', '@mrcnn/weights-converter', '@mrcnn/model', '@mrcnn/queue', '@mrcnn/video', '@mrcnn/cli']);
    const files = new Map(packed.map((p) => [p.name, p.files.map((f) => f.path)]));
    expect(files.get('@mrcnn/schema')).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/esm/index.mjs', 'README.md']));
    expect(files.get('@mrcnn/engine')).toEqual(expect.arrayContaining(['dist/index.js', 'dist/internal.d.ts', 'dist/esm/index.mjs', 'wasm/kernels.wasm']));
    expect(files.get('@mrcnn/model')).toEqual(expect.arrayContaining([
      'dist/index.js', 'dist/index.d.ts', 'dist/internal.js', 'dist/esm/index.mjs', 'dist/browser/mrcnn.mjs',
      'dist/browser/tfjs-backend-wasm-simd.wasm', 'default-model/model.json', 'default-model/demo.png']));
    expect(files.get('@mrcnn/queue')).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'README.md']));
    expect(files.get('@mrcnn/video')).toEqual(expect.arrayContaining([
      'dist/index.js', 'dist/index.d.ts', 'dist/esm/index.mjs', 'dist/node/index.js', 'dist/node/index.d.ts', 'dist/node/live_worker.js', 'README.md']));
    expect(files.get('@mrcnn/cli')).toEqual(expect.arrayContaining(['dist/main.js', 'dist/worker.js', 'dist/index.d.ts', 'README.md']));
    for (const [name, list] of files) {
      expect({ name, stray: list.filter((f) => /^src\/|\.test\.|__tests__|^dist\/cli\//.test(f)) }).toEqual({ name, stray: [] });
    }
  });
});

describe('npm install of the tarballs in a project outside the repository', () => {
  it('installs the seven packages and none of the benchmark peers (no onnxruntime-node download)', () => {
    const nm = path.join(consumer, 'node_modules');
    expect(fs.readdirSync(path.join(nm, '@mrcnn')).sort()).toEqual(['cli', 'engine', 'model', 'queue', 'schema', 'video', 'weights-converter']);
    expect(['bullmq', 'ioredis'].filter((p) => !fs.existsSync(path.join(nm, p)))).toEqual([]);
    expect(['onnxruntime-node', 'onnxruntime-web', 'playwright-core'].filter((p) => fs.existsSync(path.join(nm, p)))).toEqual([]);
    const wasm = path.join(nm, '@tensorflow', 'tfjs-backend-wasm', 'dist');
    expect(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']
      .filter((f) => !fs.existsSync(path.join(wasm, f)))).toEqual([]);
  });

  it('mrcnn: help lists the commands (no bench without the repository), exit codes hold', () => {
    const help = mrcnn(['--help']);
    expect([help.status, help.stderr]).toEqual([0, '']);
    const listed = help.stdout.split('\n').filter((l) => /^ {2}\w/.test(l)).map((l) => l.trim().split(' ')[0]);
    expect(listed).toEqual(['detect', 'info', 'convert', 'eval', 'video', 'enqueue', 'worker', 'status', 'collect']);
    const bench = mrcnn(['bench', '--quick']);
    expect(bench.status).toBe(1);
    expect(bench.stderr).toMatch(/^mrcnn bench: CommandUnavailableError: 'bench' is not available: @mrcnn\/benchmarks is not installed/);
    const usage = mrcnn(['detect', '--colour', 'red']);
    expect([usage.status, usage.stderr.split('\n')[0]]).toEqual([2, 'mrcnn detect: unknown option --colour']);
    const info = mrcnn(['info', path.join(consumer, 'node_modules', '@mrcnn', 'model', 'default-model'), '--json']);
    expect(info.status).toBe(0);
    expect((JSON.parse(info.stdout) as { config: { numClasses: number } }).config.numClasses).toBeGreaterThan(1);
  });

  it('mrcnn detect on the embedded demo image finds the instances the repository build finds (wasm)', () => {
    const demo = path.join(consumer, 'node_modules', '@mrcnn', 'model', 'default-model', 'demo.png');
    const r = mrcnn(['detect', demo, '--score', '0.3', '--out', 'out', '--quiet']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const repoOut = path.join(tmp, 'repo-out');
    mustRun(process.execPath, [path.join(REPO_ROOT, 'packages', 'cli', 'dist', 'main.js'), 'detect',
      path.join(REPO_ROOT, 'packages', 'model', 'default-model', 'demo.png'), '--score', '0.3', '--out', repoOut, '--quiet'], REPO_ROOT);
    type Doc = { width: number; instances: Array<{ label: string; score: number; rle: unknown }> };
    const installed = JSON.parse(fs.readFileSync(path.join(consumer, 'out', 'demo.json'), 'utf8')) as Doc;
    const repo = JSON.parse(fs.readFileSync(path.join(repoOut, 'demo.json'), 'utf8')) as Doc;
    expect(installed.instances.length).toBeGreaterThan(0);
    expect(installed.instances.every((d) => d.score >= 0.3)).toBe(true);
    expect(installed.instances).toEqual(repo.instances);
    expect(fs.statSync(path.join(consumer, 'out', 'demo.png')).size).toBeGreaterThan(1000);
  });

  it('mrcnn video on a clip ffmpeg makes: JSONL of every frame; a file read in real time goes through the live reader\'s worker script', () => {
    const clip = path.join(consumer, 'clip.mkv');
    mustRun('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=10:duration=1', '-c:v', 'libx264', clip], consumer);
    for (const extra of [[], ['--realtime']]) {
      const r = mrcnn(['video', clip, '--jsonl', 'v.jsonl', '--score', '0.9', '--quiet', ...extra]);
      expect([r.status, r.stderr]).toEqual([0, '']);
      const lines = fs.readFileSync(path.join(consumer, 'v.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; frames?: number });
      const end = lines[lines.length - 1];
      expect(end.type).toBe('end');
      expect(lines.filter((l) => l.type === 'frame')).toHaveLength(end.frames!);
      if (extra.length === 0) expect(end.frames).toBe(10);
    }
  });

  it('the types typecheck with the installed typescript (node16 and node10 resolution); a wrong use is reported', () => {
    fs.writeFileSync(path.join(consumer, 'consumer.ts'), `
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type EnabledBackend } from '@mrcnn/engine';
import { wasmBackendMemory } from '@mrcnn/engine/internal';
import { convert, type ConvertSummary } from '@mrcnn/weights-converter';
import { COCO_LABELS, defaultModelPath, load, type CocoResult, type Instance } from '@mrcnn/model';
import { MrcnnError, resolveConfig, type ModelConfig } from '@mrcnn/schema';
import { toXywh } from '@mrcnn/model/internal';
import { main, UsageError, type CommandIO } from '@mrcnn/cli';
import { jobIdOf, QueueError, type RunStatus } from '@mrcnn/queue';

export async function run(image: Uint8Array, io: CommandIO): Promise<number> {
  const enabled: EnabledBackend = await initBackend('cpu');
  const model = await load(defaultModelPath(), { backend: enabled.backend });
  const found: Instance[] = await model.detect(image, { scoreThreshold: 0.3 });
  const results: CocoResult[] = found.map((d) => ({ image_id: 1, category_id: d.classId, score: d.score, bbox: toXywh(d.box, false) }));
  model.dispose();
  const pending: Promise<ConvertSummary> | undefined = results.length > 1e9 ? convert('a.pth', 'out') : undefined;
  const e: MrcnnError = new UsageError(COCO_LABELS[1] ?? 'x');
  const config: ModelConfig = resolveConfig({ numClasses: 3 });
  const q: MrcnnError = new QueueError(jobIdOf('a:b.png'));
  const st: RunStatus | undefined = undefined;
  void [pending, e, config, wasmBackendMemory, tf.memory().numTensors, q, st];
  return main(['--help'], io);
}
`);
    fs.writeFileSync(path.join(consumer, 'wrong.ts'), `
import { COCO_LABELS, load } from '@mrcnn/model';
export const n: number = COCO_LABELS;
export const m: Promise<string> = load();
`);
    const tsc = path.join(consumer, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const [resolution, module] of [['node16', 'node16'], ['node10', 'commonjs']]) {
      const opts = ['--noEmit', '--strict', '--target', 'es2020', '--module', module, '--moduleResolution', resolution];
      const ok = run(process.execPath, [tsc, ...opts, 'consumer.ts'], consumer);
      expect({ resolution, status: ok.status, out: ok.stdout }).toEqual({ resolution, status: 0, out: '' });
      const bad = run(process.execPath, [tsc, ...opts, 'wrong.ts'], consumer);
      expect(bad.status).toBe(2);
      expect(bad.stdout).toMatch(/wrong\.ts\(3,14\): error TS2322: Type 'readonly string\[\]' is not assignable to type 'number'/);
      expect(bad.stdout).toMatch(/wrong\.ts\(4,14\): error TS2322: Type 'Promise<Model>' is not assignable to type 'Promise<string>'/);
    }
  });

  it('the CommonJS and ES module entry points (and the internal subpath) load in Node', () => {
    const script = `
const cjs = require('@mrcnn/model'); const internal = require('@mrcnn/model/internal'); const cli = require('@mrcnn/cli');
import('@mrcnn/model').then((esm) => console.log(JSON.stringify({
  cjs: typeof cjs.load, internal: typeof internal.validateDataset, cli: typeof cli.main, esm: typeof esm.load,
  sameClass: esm.ModelLoadError === cjs.ModelLoadError, model: require.resolve('@mrcnn/model/default-model/model.json'),
})));`;
    const out = JSON.parse(mustRun(process.execPath, ['-e', script], consumer)) as Record<string, unknown>;
    expect(out).toEqual({
      cjs: 'function', internal: 'function', cli: 'function', esm: 'function', sameClass: true,
      model: path.join(fs.realpathSync(consumer), 'node_modules', '@mrcnn', 'model', 'default-model', 'model.json'),
    });
  });
});
