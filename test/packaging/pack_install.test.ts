/**
 * The packages as a user gets them: `npm pack` of every publishable workspace package, then
 * `npm install` of the tarballs into a new project in a temporary directory outside the
 * repository. Checked there: the `mrcnn` bin of @mrcnn/cli (help, exit codes, `bench` absent
 * without the repository's private harness, `video` on a generated clip), the embedded default model and the wasm files (a
 * detect on default-model/demo.png finds the instances the repository's own build finds), the
 * types (a consumer compiled by the installed typescript under node16 and node10 module
 * resolution, and a wrong use reported), `mrcnn serve` ready on the embedded model, and the
 * CommonJS / ES module entry points.
 * Slow (npm, a detect): `npm run test:packaging` (jest.packaging.config.js), after `npm run build`.
 * Then the inference-only install a library user makes (schema, engine, model next to their own
 * @tensorflow/tfjs-core and one backend: the packages' peer dependencies): no converter, no
 * protobufjs, no unused backend, one tfjs, detect with the user's tfjs, and its size on disk
 * (logged; before the peer dependencies the same install was 97.5 MB in 21 packages, with
 * tfjs-backend-webgl and a 5.5 MB source map of the standalone browser module).
 * The temporary directories are removed in teardown.
 */
import { spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../helpers/paths';

/** The publishable packages, dependencies first (benchmarks and test are private workspaces). */
const PACKAGES = ['packages/schema', 'packages/engine', 'packages/weights-converter', 'packages/hub', 'packages/model', 'packages/queue',
  'packages/video', 'packages/worker-pool', 'packages/server', 'packages/cli'];
const STEP_TIMEOUT_MS = 8 * 60 * 1000;

interface PackedFile { path: string }
interface Packed { name: string; filename: string; files: PackedFile[] }

let tmp: string;
let consumer: string;
let inference: string;
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
  inference = path.join(tmp, 'inference');
  fs.mkdirSync(inference);
  fs.writeFileSync(path.join(inference, 'package.json'), `${JSON.stringify({ name: 'mrcnn-inference', version: '1.0.0', private: true })}\n`);
  const tarball = (name: string): string => path.join(packs, packed.find((p) => p.name === name)!.filename);
  mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball('@mrcnn/schema'), tarball('@mrcnn/engine'), tarball('@mrcnn/model'),
    `@tensorflow/tfjs-core@${repoVersion('@tensorflow/tfjs-core')}`, `@tensorflow/tfjs-backend-wasm@${repoVersion('@tensorflow/tfjs-backend-wasm')}`], inference);
}, 3 * STEP_TIMEOUT_MS);

/** Every installed copy of `pkg` under `root`'s node_modules (nested ones too). */
function copiesOf(root: string, pkg: string): string[] {
  const found: string[] = [];
  const walk = (nm: string): void => {
    if (!fs.existsSync(nm)) return;
    if (fs.existsSync(path.join(nm, pkg, 'package.json'))) found.push(path.join(nm, pkg));
    for (const e of fs.readdirSync(nm)) {
      const dirs = e.startsWith('@') ? fs.readdirSync(path.join(nm, e)).map((x) => path.join(nm, e, x)) : [path.join(nm, e)];
      for (const d of dirs) walk(path.join(d, 'node_modules'));
    }
  };
  walk(path.join(root, 'node_modules'));
  return found;
}

/** Bytes under `dir` (files only, symlinks not followed). */
function duBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += duBytes(p);
    else if (e.isFile()) n += fs.statSync(p).size;
  }
  return n;
}

afterAll(() => {
  if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('packs the ten packages with their built files, the wasm files and the embedded model; no sources, no tests', () => {
    expect(packed.map((p) => p.name)).toEqual(['@mrcnn/schema', '@mrcnn/engine', '@mrcnn/weights-converter', '@mrcnn/hub', '@mrcnn/model', '@mrcnn/queue',
      '@mrcnn/video', '@mrcnn/worker-pool', '@mrcnn/server', '@mrcnn/cli']);
    const files = new Map(packed.map((p) => [p.name, p.files.map((f) => f.path)]));
    expect(files.get('@mrcnn/schema')).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/esm/index.mjs', 'README.md']));
    expect(files.get('@mrcnn/engine')).toEqual(expect.arrayContaining(['dist/index.js', 'dist/internal.d.ts', 'dist/esm/index.mjs', 'wasm/kernels.wasm']));
    expect(files.get('@mrcnn/model')).toEqual(expect.arrayContaining([
      'dist/index.js', 'dist/index.d.ts', 'dist/internal.js', 'dist/esm/index.mjs', 'dist/browser/mrcnn.mjs',
      'dist/browser/tfjs-backend-wasm-simd.wasm', 'default-model/model.json', 'default-model/demo.png']));
    expect(files.get('@mrcnn/queue')).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'README.md']));
    expect(files.get('@mrcnn/hub')).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'README.md']));
    expect(files.get('@mrcnn/worker-pool')).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'README.md']));
    expect(files.get('@mrcnn/server')).toEqual(expect.arrayContaining(['dist/index.js', 'dist/worker.js', 'dist/client.js', 'dist/client.d.ts', 'README.md']));
    expect(files.get('@mrcnn/video')).toEqual(expect.arrayContaining([
      'dist/index.js', 'dist/index.d.ts', 'dist/esm/index.mjs', 'dist/node/index.js', 'dist/node/index.d.ts', 'dist/node/live_worker.js', 'README.md']));
    expect(files.get('@mrcnn/cli')).toEqual(expect.arrayContaining(['dist/main.js', 'dist/worker.js', 'dist/index.d.ts', 'README.md']));
    for (const [name, list] of files) {
      expect({ name, stray: list.filter((f) => /^src\/|\.test\.|__tests__|^dist\/cli\//.test(f)) }).toEqual({ name, stray: [] });
    }
    // no 5.5 MB source map of the standalone browser module; every file under 3 MB (the default model's shard is 2.7)
    expect(files.get('@mrcnn/model')).not.toContain('dist/browser/mrcnn.mjs.map');
    const big = packed.flatMap((p) => (p.files as Array<PackedFile & { size: number }>).filter((f) => f.size > 3e6).map((f) => `${p.name}/${f.path}`));
    expect(big).toEqual([]);
    const model = packed.find((p) => p.name === '@mrcnn/model') as Packed & { unpackedSize: number };
    console.log(`@mrcnn/model tarball: ${model.files.length} files, ${(model.unpackedSize / 1e6).toFixed(1)} MB unpacked (11.8 MB with the source map)`);
  });
});

describe('npm install of the tarballs in a project outside the repository', () => {
  it('installs the ten packages and none of the benchmark peers (no onnxruntime-node download)', () => {
    const nm = path.join(consumer, 'node_modules');
    expect(fs.readdirSync(path.join(nm, '@mrcnn')).sort()).toEqual(['cli', 'engine', 'hub', 'model', 'queue', 'schema', 'server', 'video', 'weights-converter', 'worker-pool']);
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
    expect(listed).toEqual(['detect', 'info', 'models', 'convert', 'eval', 'video', 'enqueue', 'worker', 'status', 'collect', 'serve']);
    const bench = mrcnn(['bench', '--quick']);
    expect(bench.status).toBe(1);
    expect(bench.stderr).toMatch(/^mrcnn bench: CommandUnavailableError: 'bench' is not available: @mrcnn\/benchmarks is not installed/);
    const usage = mrcnn(['detect', '--colour', 'red']);
    expect([usage.status, usage.stderr.split('\n')[0]]).toEqual([2, 'mrcnn detect: unknown option --colour']);
    const info = mrcnn(['info', path.join(consumer, 'node_modules', '@mrcnn', 'model', 'default-model'), '--json']);
    expect(info.status).toBe(0);
    expect((JSON.parse(info.stdout) as { config: { numClasses: number } }).config.numClasses).toBeGreaterThan(1);
  });

  it('one tfjs-core in the whole install (the libraries\' peer dependency, the cli\'s dependency); mrcnn --version', () => {
    expect(copiesOf(consumer, '@tensorflow/tfjs-core')).toEqual([path.join(consumer, 'node_modules', '@tensorflow', 'tfjs-core')]);
    const v = mrcnn(['--version']);
    expect([v.status, v.stdout]).toEqual([0, 'mrcnn (@mrcnn/cli) 0.1.0\n']);
  });

  it('mrcnn detect on the embedded demo image finds the instances the repository build finds (wasm, the model\'s own threshold)', () => {
    const demo = path.join(consumer, 'node_modules', '@mrcnn', 'model', 'default-model', 'demo.png');
    const r = mrcnn(['detect', demo, '--out', 'out', '--quiet']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const repoOut = path.join(tmp, 'repo-out');
    mustRun(process.execPath, [path.join(REPO_ROOT, 'packages', 'cli', 'dist', 'main.js'), 'detect',
      path.join(REPO_ROOT, 'packages', 'model', 'default-model', 'demo.png'), '--out', repoOut, '--quiet'], REPO_ROOT);
    type Doc = { width: number; instances: Array<{ label: string; score: number; rle: unknown }> };
    const installed = JSON.parse(fs.readFileSync(path.join(consumer, 'out', 'demo.json'), 'utf8')) as Doc;
    const repo = JSON.parse(fs.readFileSync(path.join(repoOut, 'demo.json'), 'utf8')) as Doc;
    expect(installed.instances.length).toBeGreaterThan(0);
    expect(installed.instances.every((d) => d.score >= 0.3)).toBe(true);
    expect(installed.instances).toEqual(repo.instances);
    expect(fs.statSync(path.join(consumer, 'out', 'demo.png')).size).toBeGreaterThan(1000);
  });

  it('mrcnn serve from the installed packages: its worker script and the embedded model are found; SIGTERM exits 0', async () => {
    const child = spawn(path.join(consumer, 'node_modules', '.bin', 'mrcnn'), ['serve', '--port', '0', '--name', 'demo'],
      { cwd: consumer, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const end = Date.now() + 120_000;
      let status = 0;
      while (status !== 200 && Date.now() < end) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const url = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)?.[1];
        if (url !== undefined) status = await fetch(`${url}/v2/models/demo/ready`).then((r) => r.status, () => 0);
      }
      expect({ status, out }).toEqual({ status: 200, out: expect.stringMatching(/model demo ready: 7 classes, wasm backend/) });
    } finally {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      expect(await exited).toBe(0);
      clearTimeout(timer);
    }
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
import { cachedModels, knownModels, type FetchProgress } from '@mrcnn/hub';
import { InferenceClient, type ModelMetadata } from '@mrcnn/server';
import { InferenceClient as BrowserClient } from '@mrcnn/server/client';

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
  const meta: Promise<ModelMetadata> = new InferenceClient('http://127.0.0.1:8000').modelMetadata('m');
  const progress: FetchProgress | undefined = undefined;
  void [pending, e, config, wasmBackendMemory, tf.memory().numTensors, q, st, meta, BrowserClient, knownModels().length, cachedModels, progress];
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
const hub = internal.loadHub();
import('@mrcnn/model').then((esm) => console.log(JSON.stringify({
  cjs: typeof cjs.load, internal: typeof internal.validateDataset, cli: typeof cli.main, esm: typeof esm.load,
  hub: hub === undefined ? 'absent' : typeof hub.ensureModel,
  sameClass: esm.ModelLoadError === cjs.ModelLoadError, model: require.resolve('@mrcnn/model/default-model/model.json'),
})));`;
    const out = JSON.parse(mustRun(process.execPath, ['-e', script], consumer)) as Record<string, unknown>;
    expect(out).toEqual({
      cjs: 'function', internal: 'function', cli: 'function', esm: 'function', sameClass: true, hub: 'function',
      model: path.join(fs.realpathSync(consumer), 'node_modules', '@mrcnn', 'model', 'default-model', 'model.json'),
    });
  });
});

describe('an inference-only install: @mrcnn/model with the user\'s own tfjs-core and tfjs-backend-wasm', () => {
  it('pulls no converter, protobufjs, unused backend or queue; one tfjs-core; its size', () => {
    const nm = path.join(inference, 'node_modules');
    expect(fs.readdirSync(path.join(nm, '@mrcnn')).sort()).toEqual(['engine', 'model', 'schema']);
    const absent = ['@mrcnn/weights-converter', 'protobufjs', 'fast-xml-parser', '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-webgpu',
      'bullmq', 'ioredis', 'onnxruntime-node'];
    expect(absent.filter((p) => fs.existsSync(path.join(nm, p)))).toEqual([]);
    expect(copiesOf(inference, '@tensorflow/tfjs-core')).toEqual([path.join(nm, '@tensorflow', 'tfjs-core')]);
    const packages = fs.readdirSync(nm).flatMap((e) => (e.startsWith('@') ? fs.readdirSync(path.join(nm, e)).map((x) => `${e}/${x}`) : [e]))
      .filter((e) => !e.startsWith('.'));
    const bytes = duBytes(nm);
    console.log(`inference-only install: ${(bytes / 1e6).toFixed(1)} MB in ${packages.length} packages (${packages.join(', ')}); `
      + 'before the peer dependencies: 97.5 MB in 21 packages');
    // measured after: 70.6 MB in 19 packages (tfjs-core 37, -backend-wasm 13, -backend-cpu 11 as its dependency; @mrcnn/model 6.7)
    expect(bytes).toBeLessThan(75e6);
  });

  it('detects with the user\'s tfjs (one engine, no "Platform node has already been set"); a missing backend says what to install', () => {
    const script = `
const tf = require('@tensorflow/tfjs-core');
const fs = require('fs');
const { load, defaultModelPath } = require('@mrcnn/model');
const { initBackend, EngineBackendError } = require('@mrcnn/engine');
(async () => {
  const model = await load();
  const found = await model.detect(new Uint8Array(fs.readFileSync(require('path').join(require('path').dirname(defaultModelPath()), 'demo.png'))));
  const backend = tf.getBackend();
  model.dispose();
  const missing = await initBackend('webgl').then(() => 'started', (e) => ({ typed: e instanceof EngineBackendError, message: e.message }));
  console.log(JSON.stringify({ backend, instances: found.length, labels: found.map((d) => d.label), missing }));
})().catch((e) => { console.error(e); process.exit(1); });`;
    const r = run(process.execPath, ['-e', script], inference);
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/Platform .* has already been set/);
    const out = JSON.parse(r.stdout) as { backend: string; instances: number; labels: string[]; missing: { typed: boolean; message: string } };
    expect(out.backend).toBe('wasm');
    expect(out.instances).toBeGreaterThan(0);
    expect(out.missing).toEqual({
      typed: true,
      message: "initBackend('webgl'): @tensorflow/tfjs-backend-webgl is not installed; it is an optional peer dependency of @mrcnn/engine: "
        + 'npm install @tensorflow/tfjs-backend-webgl@^4.22.0',
    });
  });
});
