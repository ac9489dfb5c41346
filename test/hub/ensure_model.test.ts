/**
 * Named models end to end, against a local HTTP server on 127.0.0.1 serving the seeded checkpoint
 * tools/oracle writes in torchvision's layout (test/fixtures/oracle-tv-k8/model_torchvision.pth,
 * K = 8 widths) under a file name carrying its SHA-256 prefix, as torchvision's URLs do:
 * - good: the cache entry equals converting the file by hand (every file byte-identical), runs like
 *   the oracle (torchvision's own MaskRCNN on the same weights), and a second call makes no request;
 *   the same checkpoint in torch's legacy serialization (the format of torchvision's 2019 COCO
 *   checkpoint) gives the same weights;
 *   `load('<name>')` of @mrcnn/model fetches through the hub and detects as the by-hand model does;
 * - corrupt (hash mismatch), truncated then resumed (HTTP Range), 404, refused, unsupported
 *   architecture: typed errors naming the URL, and nothing in the cache;
 * - two calls at once download once; export as fp16 equals `convert --quantize fp16`; remove.
 * The cache is a temporary MRCNN_CACHE_DIR.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import * as tf from '@tensorflow/tfjs-core';
import {
  cachedModels, ensureModel, exportModel, ExportExistsError, HashMismatchError, HttpStatusError, ModelFetchError, NetworkError,
  registerModel, removeCachedModel, UnsupportedModelError,
} from '@mrcnn/hub';
import { load } from '@mrcnn/model';
import { loadHub } from '@mrcnn/model/internal';
import { TORCHVISION_COCO_CATEGORIES } from '@mrcnn/schema';
import type { FetchProgress } from '@mrcnn/schema';
import { convert } from '@mrcnn/weights-converter';
import { initBackend } from '@mrcnn/engine';
import { CheckpointServer, refusedPort, sha256Hex, startCheckpointServer } from '../helpers/checkpoint_server';
import { ORACLE_TV_K8 } from '../helpers/converter_fixtures';
import { IMAGES } from '../helpers/paths';
import { readTensorDump } from '../helpers/tensor_dump';
import { compareWithGolden, runConverted } from '../converter/convert_run';
import { TORCHVISION_CARD_INPUT } from '../parity/torchvision_card_input';

const CHECKPOINT = zlib.gunzipSync(fs.readFileSync(path.join(ORACLE_TV_K8, 'model_torchvision.pth.gz')));
const DIGEST = sha256Hex(CHECKPOINT);
const FILE = `maskrcnn_tv_k8-${DIGEST.slice(0, 8)}.pth`;
/** The same weights as torch.save wrote them before torch 1.6 (tools/oracle/legacy_checkpoint.py). */
const LEGACY = zlib.gunzipSync(fs.readFileSync(path.join(ORACLE_TV_K8, 'model_torchvision_legacy.pth.gz')));
const LEGACY_FILE = `maskrcnn_tv_k8_legacy-${sha256Hex(LEGACY).slice(0, 8)}.pth`;
const HALF = 1 << 20;

let server: CheckpointServer;
let tmp: string;
let cache: string;
let byHand: string;
let savedCacheEnv: string | undefined;

/** Every file of a directory, name → bytes. */
function files(dir: string): Map<string, Buffer> {
  return new Map(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}

function expectSameFiles(actual: string, expected: string, except: string[] = []): void {
  const a = files(actual);
  const e = files(expected);
  expect([...a.keys()].filter((f) => !except.includes(f))).toEqual([...e.keys()]);
  for (const [f, bytes] of e) expect({ f, same: a.get(f)?.equals(bytes) }).toEqual({ f, same: true });
}

/** Nothing of `name` in models/, no partial download, no staging directory, no lock. */
function expectNothingCached(name: string): void {
  expect(fs.existsSync(path.join(cache, 'models', name))).toBe(false);
  const downloads = path.join(cache, 'downloads', name);
  expect(fs.existsSync(downloads) ? fs.readdirSync(downloads).filter((f) => f.endsWith('.part')) : []).toEqual([]);
  expect(fs.existsSync(path.join(cache, 'staging')) ? fs.readdirSync(path.join(cache, 'staging')) : []).toEqual([]);
  expect(fs.existsSync(path.join(cache, 'locks', `${name}.lock`))).toBe(false);
}

const requestsFor = (prefix: string): typeof server.requests => server.requests.filter((r) => r.path.startsWith(prefix));

beforeAll(async () => {
  await initBackend('wasm');
  const corrupt = Buffer.from(CHECKPOINT);
  corrupt[corrupt.length >> 1] ^= 0xff;
  server = await startCheckpointServer({
    [`/models/${FILE}`]: { body: CHECKPOINT },
    [`/load/${FILE}`]: { body: CHECKPOINT },
    [`/twice/${FILE}`]: { body: CHECKPOINT },
    [`/corrupt/${FILE}`]: { body: corrupt },
    [`/drop/${FILE}`]: { body: CHECKPOINT, dropAfter: HALF },
    [`/legacy/${LEGACY_FILE}`]: { body: LEGACY },
  });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-hub-e2e-'));
  cache = path.join(tmp, 'cache');
  savedCacheEnv = process.env.MRCNN_CACHE_DIR;
  process.env.MRCNN_CACHE_DIR = cache;
  const base = { variant: 'torchvision-v1', labels: TORCHVISION_COCO_CATEGORIES, licence: 'test fixture' };
  for (const [name, dir] of [['tv-k8', 'models'], ['tv-k8-load', 'load'], ['tv-k8-twice', 'twice'], ['tv-k8-corrupt', 'corrupt'],
    ['tv-k8-drop', 'drop'], ['tv-k8-404', 'absent']]) {
    registerModel({ ...base, name, url: `${server.origin}/${dir}/${FILE}`, sha256Prefix: DIGEST.slice(0, 8), description: name });
  }
  registerModel({ ...base, name: 'tv-k8-legacy', url: `${server.origin}/legacy/${LEGACY_FILE}`, description: 'legacy serialization' });
  registerModel({ ...base, name: 'tv-k8-refused', url: `http://127.0.0.1:${await refusedPort()}/${FILE}`, sha256Prefix: DIGEST.slice(0, 8), description: 'refused' });
  registerModel({ ...base, name: 'tv-k8-future', url: `${server.origin}/models/${FILE}`, sha256Prefix: DIGEST.slice(0, 8), variant: 'torchvision-v9', description: 'future' });
  // The by-hand route: the same file, converted with the converter's API (as `mrcnn convert` does).
  fs.mkdirSync(path.join(tmp, 'hand'));
  fs.writeFileSync(path.join(tmp, 'hand', FILE), CHECKPOINT);
  byHand = path.join(tmp, 'hand', 'model');
  await convert(path.join(tmp, 'hand', FILE), byHand, { labels: [...TORCHVISION_COCO_CATEGORIES] });
}, 120000);

afterAll(async () => {
  await server?.close();
  if (savedCacheEnv === undefined) delete process.env.MRCNN_CACHE_DIR;
  else process.env.MRCNN_CACHE_DIR = savedCacheEnv;
  if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('ensureModel', () => {
  it('fetches, verifies and converts once: the entry equals the by-hand conversion and runs like the oracle', async () => {
    const phases: string[] = [];
    const m = await ensureModel('tv-k8', { onProgress: (p: FetchProgress) => { if (phases[phases.length - 1] !== p.phase) phases.push(p.phase); } });
    expect(m.dir).toBe(path.join(cache, 'models', 'tv-k8'));
    expect(phases).toEqual(['download', 'verify', 'convert']);
    expectSameFiles(m.dir, byHand, ['hub.json']);
    expect(m.record).toMatchObject({ name: 'tv-k8', url: `${server.origin}/models/${FILE}`, sha256: DIGEST, variant: 'torchvision-v1', checkpointBytes: CHECKPOINT.length });
    expect(m.bytes).toBe([...files(m.dir).values()].reduce((n, b) => n + b.length, 0));
    expectNothingCached('tv-k8-none');
    expect(fs.existsSync(path.join(cache, 'downloads', 'tv-k8'))).toBe(false); // the checkpoint went with the conversion
    // The cached model runs like torchvision's own MaskRCNN on these weights (the oracle's golden,
    // whose im_data is the card-style 320x480 tensor: torchvision_card_input.ts).
    const golden = readTensorDump(path.join(ORACLE_TV_K8, 'astronaut_fit'));
    const s = compareWithGolden((await runConverted(m.dir, golden, TORCHVISION_CARD_INPUT)).result, golden, 0.5);
    process.stdout.write(`[hub tv-k8 vs oracle, wasm] ${JSON.stringify(s)}\n`);
    expect(s.expected).toBeGreaterThan(10);
    expect([s.matched, s.confidentMatched]).toEqual([s.expected, s.confident]);
    // Tolerances of test/converter/k8_end_to_end; measured here on wasm: 100/100 matched, min IoU 0.99975,
    // scores within 5.8e-5, boxes within 0.016 px, mask IoU 1.
    expect(s.minIoU).toBeGreaterThanOrEqual(0.99);
    expect(s.maxScoreDiff).toBeLessThanOrEqual(1e-3);
    expect(s.maxBoxDiff).toBeLessThanOrEqual(0.05);
    expect(s.meanMaskIoU).toBeGreaterThanOrEqual(0.99);
    // Later calls read the cache: no request.
    const before = server.requests.length;
    expect((await ensureModel('tv-k8')).dir).toBe(m.dir);
    expect(server.requests.length).toBe(before);
  }, 180000);

  it("load('<name>') of @mrcnn/model fetches through the hub and detects as the by-hand model does", async () => {
    expect(typeof loadHub()?.ensureModel).toBe('function');
    const seen: FetchProgress[] = [];
    const before = tf.memory().numTensors;
    const named = await load('tv-k8-load', { backend: 'wasm', onFetchProgress: (p) => seen.push({ ...p }) });
    const hand = await load(byHand, { backend: 'wasm' });
    try {
      expect(requestsFor('/load/').map((r) => r.status)).toEqual([200]);
      expect(seen.filter((p) => p.phase === 'download').pop()).toMatchObject({ bytes: CHECKPOINT.length, total: CHECKPOINT.length, done: true });
      expect(named.labels).toEqual(TORCHVISION_COCO_CATEGORIES);
      expect(named.config).toEqual(hand.config);
      const image = new Uint8Array(fs.readFileSync(path.join(IMAGES, 'astronaut.png')));
      const [a, b] = [await named.detect(image, { scoreThreshold: 0.3 }), await hand.detect(image, { scoreThreshold: 0.3 })];
      expect(a.length).toBeGreaterThan(0);
      expect(a.map((i) => [i.label, i.score, i.box])).toEqual(b.map((i) => [i.label, i.score, i.box]));
      a.forEach((inst, k) => expect(Buffer.from(inst.mask.data).equals(Buffer.from(b[k].mask.data))).toBe(true));
    } finally {
      named.dispose();
      hand.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 180000);

  it("a checkpoint in torch's legacy serialization (torch.save before 1.6, as torchvision's 2019 COCO file) gives the same weights", async () => {
    const m = await ensureModel('tv-k8-legacy');
    expect(m.record?.sha256).toBe(sha256Hex(LEGACY));
    const shards = (dir: string): Buffer[] => [...files(dir).entries()].filter(([f]) => f.endsWith('.bin')).map(([, b]) => b);
    const [a, b] = [shards(m.dir), shards(byHand)];
    expect(a.length).toBe(b.length);
    a.forEach((bytes, i) => expect(bytes.equals(b[i])).toBe(true));
    const json = (dir: string): { weightsManifest: unknown; userDefinedMetadata: { mrcnn: unknown; labels: unknown } } =>
      JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json(m.dir).weightsManifest).toEqual(json(byHand).weightsManifest);
    expect(json(m.dir).userDefinedMetadata.mrcnn).toEqual(json(byHand).userDefinedMetadata.mrcnn);
  }, 120000);

  it('deletes a download whose SHA-256 does not match and caches nothing (HashMismatchError)', async () => {
    const url = `${server.origin}/corrupt/${FILE}`;
    const err = await ensureModel('tv-k8-corrupt').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HashMismatchError);
    expect(err).toBeInstanceOf(ModelFetchError);
    expect(err).toMatchObject({ url, expectedPrefix: DIGEST.slice(0, 8) });
    expect((err as HashMismatchError).actual).not.toMatch(new RegExp(`^${DIGEST.slice(0, 8)}`));
    expect((err as Error).message).toMatch(new RegExp(`^${url}: SHA-256 [0-9a-f]{64} does not start with ${DIGEST.slice(0, 8)} .*was deleted\\. To do it by hand: download ${url} .*\`mrcnn convert <file> -o <dir>\``));
    expectNothingCached('tv-k8-corrupt');
  });

  it('resumes a truncated download with HTTP Range on the next call; the part stays outside models/', async () => {
    const err = await ensureModel('tv-k8-drop', { retries: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(fs.existsSync(path.join(cache, 'models', 'tv-k8-drop'))).toBe(false);
    const part = path.join(cache, 'downloads', 'tv-k8-drop', `${FILE}.part`);
    const kept = fs.statSync(part).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(HALF);
    const m = await ensureModel('tv-k8-drop', { retries: 0 });
    expect(requestsFor('/drop/').map((r) => [r.status, r.range])).toEqual([[200, undefined], [206, `bytes=${kept}-`]]);
    expect(m.record?.sha256).toBe(DIGEST);
    expectSameFiles(m.dir, byHand, ['hub.json']);
    expect(fs.existsSync(part)).toBe(false);
  }, 120000);

  it.each([
    ['tv-k8-404', HttpStatusError, /: HTTP 404 Not Found\. To do it by hand: download /],
    ['tv-k8-refused', NetworkError, /: network error: .*ECONNREFUSED.*\. To do it by hand: download /],
  ] as const)('%s: a typed error naming the URL, nothing cached', async (name, type, message) => {
    const err = await ensureModel(name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message.startsWith(`${(err as ModelFetchError).url}: `)).toBe(true);
    expect((err as Error).message).toMatch(/`mrcnn convert <file> -o <dir>`/);
    expectNothingCached(name);
  });

  it('refuses an architecture this version cannot run before any request (UnsupportedModelError)', async () => {
    const before = server.requests.length;
    await expect(ensureModel('tv-k8-future')).rejects.toThrow(UnsupportedModelError);
    await expect(ensureModel('tv-k8-future')).rejects.toThrow(
      /model tv-k8-future: its architecture "torchvision-v9" is not supported by this version .*; nothing was downloaded/);
    expect(server.requests.length).toBe(before);
    expectNothingCached('tv-k8-future');
  });

  it('downloads once when two calls want the same model at once', async () => {
    const [a, b] = await Promise.all([ensureModel('tv-k8-twice'), ensureModel('tv-k8-twice')]);
    expect(a.dir).toBe(b.dir);
    expect(requestsFor('/twice/').length).toBe(1);
  }, 120000);

  it('exports an fp16 copy equal to `convert --quantize fp16` of the checkpoint, and refuses a non-empty output', async () => {
    const out = path.join(tmp, 'export-fp16');
    const s = await exportModel('tv-k8', out, { quantize: 'fp16' });
    const ref = path.join(tmp, 'hand', 'fp16');
    await convert(path.join(tmp, 'hand', FILE), ref, { labels: [...TORCHVISION_COCO_CATEGORIES], quantize: 'fp16' });
    expectSameFiles(out, ref);
    const float32 = [...files(path.join(cache, 'models', 'tv-k8')).entries()].filter(([f]) => f.endsWith('.bin')).reduce((n, [, b]) => n + b.length, 0);
    expect(s).toMatchObject({ name: 'tv-k8', quantize: 'fp16' });
    expect(s.bytes / float32).toBeCloseTo(0.5, 3); // every weight is float32 in the cache
    await expect(exportModel('tv-k8', out)).rejects.toThrow(ExportExistsError);
    await exportModel('tv-k8', out, { overwrite: true });
    expectSameFiles(path.join(cache, 'models', 'tv-k8'), out, ['hub.json']); // float32: the cache's own files
  }, 120000);

  it('removes a cached model', async () => {
    const m = (await cachedModels()).find((c) => c.name === 'tv-k8-twice');
    expect(m).toBeDefined();
    expect(await removeCachedModel('tv-k8-twice')).toBe(m!.bytes);
    expect(cachedModels().map((c) => c.name)).not.toContain('tv-k8-twice');
    expect(await removeCachedModel('tv-k8-twice')).toBe(0);
    expectNothingCached('tv-k8-twice');
  });
});
