/**
 * A converted model loaded from a URL in headless Chromium with `load(url, { cache: true,
 * onFetchProgress })`: fp16 shards written by the converter (`--quantize fp16`: half the bytes of
 * float32) from the seeded torchvision-layout checkpoint (test/fixtures/oracle-tv-k8). The first
 * visit downloads model.json and every shard with byte progress up to the manifest's total; the
 * next visit (the page reloaded, same browser profile) reads everything from the Cache API with no
 * request and detects the same instances, which are those Node finds with the same files;
 * `deleteCachedModel` forgets it; a model *name* is refused in a browser with the URL route.
 * Needs /usr/bin/chromium; fails, never skips, without it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { load } from '@mrcnn/model';
import { TORCHVISION_COCO_CATEGORIES } from '@mrcnn/schema';
import { convert } from '@mrcnn/weights-converter';
import {
  bundlePage, ChromiumSession, contentType, IsolatedServer, launchChromium, memoryFiles, serveIsolated, staticFolder,
  testPageHtml, tfjsWasmBinaries,
} from './chromium';
import type { CachePageApi, CachePageResult } from './cache_page';
import { ORACLE_TV_K8 } from '../helpers/converter_fixtures';
import { IMAGES } from '../helpers/paths';

type Page = ChromiumSession['page'];
const api = (page: Page) => ({
  run: (modelUrl: string, imageUrl: string, cache: boolean): Promise<CachePageResult> => page.evaluate(
    ([m, i, c]) => (self as unknown as { mrcnnCacheTest: CachePageApi }).mrcnnCacheTest.run(m, i, c), [modelUrl, imageUrl, cache] as const),
  cachedUrls: (): Promise<string[]> => page.evaluate(() => (self as unknown as { mrcnnCacheTest: CachePageApi }).mrcnnCacheTest.cachedUrls()),
  forget: (url: string): Promise<boolean> => page.evaluate((u) => (self as unknown as { mrcnnCacheTest: CachePageApi }).mrcnnCacheTest.forget(u), url),
  loadByName: (name: string) => page.evaluate((n) => (self as unknown as { mrcnnCacheTest: CachePageApi }).mrcnnCacheTest.loadByName(n), name),
});

describe('a model from a URL, kept in the Cache API (headless Chromium, wasm)', () => {
  let tmp: string;
  let modelDir: string;
  let server: IsolatedServer | undefined;
  let chrome: ChromiumSession | undefined;
  const requests: string[] = [];
  let first: CachePageResult;

  async function visit(): Promise<Page> {
    const page = chrome!.page;
    await page.goto(`${server!.origin}/`);
    await page.waitForFunction(() => 'mrcnnCacheTest' in self);
    expect(await page.evaluate(() => (self as unknown as { mrcnnCacheTest: CachePageApi }).mrcnnCacheTest.init('wasm'))).toBe('wasm');
    return page;
  }

  const modelRequests = (): string[] => requests.filter((u) => new URL(u).pathname.startsWith('/tv/'));
  const shardNames = (): string[] => fs.readdirSync(modelDir).filter((f) => f.endsWith('.bin')).sort();

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-cache-page-'));
    const pth = path.join(tmp, 'maskrcnn_tv_k8.pth');
    fs.writeFileSync(pth, zlib.gunzipSync(fs.readFileSync(path.join(ORACLE_TV_K8, 'model_torchvision.pth.gz'))));
    modelDir = path.join(tmp, 'tv');
    await convert(pth, modelDir, { quantize: 'fp16', labels: [...TORCHVISION_COCO_CATEGORIES], maxShardBytes: 512 * 1024 });
    const bundle = await bundlePage(path.join(__dirname, 'cache_page.ts'));
    const image = fs.readFileSync(path.join(IMAGES, 'astronaut.png'));
    server = await serveIsolated(memoryFiles({
      '/': testPageHtml('mrcnn cache test'), '/bundle.js': bundle, '/img/astronaut.png': { body: image, type: contentType('x.png') },
    }), tfjsWasmBinaries(), staticFolder(modelDir, '/tv/'));
    chrome = await launchChromium();
    chrome.page.on('request', (r) => requests.push(r.url()));
  }, 120000);

  afterAll(async () => {
    await chrome?.close();
    await server?.close();
    if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('first visit: downloads model.json and the fp16 shards with progress, then caches them', async () => {
    const page = await visit();
    first = await api(page).run('/tv/model.json', '/img/astronaut.png', true);
    expect(first.leaked).toBe(0);
    expect(first.instances.length).toBeGreaterThan(0);
    expect(modelRequests().map((u) => new URL(u).pathname).sort()).toEqual(['/tv/model.json', ...shardNames().map((f) => `/tv/${f}`)].sort());
    const shardBytes = shardNames().reduce((n, f) => n + fs.statSync(path.join(modelDir, f)).size, 0);
    const last = first.progress[first.progress.length - 1];
    expect(last).toMatchObject({ phase: 'download', bytes: shardBytes, total: shardBytes, done: true });
    expect(first.progress.every((p) => p.total === shardBytes && p.phase === 'download')).toBe(true);
    for (let i = 1; i < first.progress.length; i++) expect(first.progress[i].bytes).toBeGreaterThanOrEqual(first.progress[i - 1].bytes);
    // fp16: two bytes per weight, half of float32.
    const manifest = (JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8')) as {
      weightsManifest: Array<{ weights: Array<{ shape: number[]; quantization?: { dtype: string } }> }>;
    }).weightsManifest.flatMap((g) => g.weights);
    expect(manifest.every((w) => w.quantization?.dtype === 'float16')).toBe(true);
    expect(shardBytes).toBe(2 * manifest.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0));
    expect(await api(page).cachedUrls()).toEqual(['/tv/model.json', ...shardNames().map((f) => `/tv/${f}`)].sort());
  }, 300000);

  it('next visit: everything from the Cache API, no request, the same instances', async () => {
    const before = modelRequests().length;
    const page = await visit();
    const again = await api(page).run('/tv/model.json', '/img/astronaut.png', true);
    expect(modelRequests().length).toBe(before);
    expect(again.progress.every((p) => p.phase === 'cache')).toBe(true);
    expect(again.progress[again.progress.length - 1]).toMatchObject({ bytes: first.progress[first.progress.length - 1].bytes, done: true });
    expect(again.instances).toEqual(first.instances);
    expect(again.leaked).toBe(0);
  }, 300000);

  it('the instances are those Node finds with the same files', async () => {
    const model = await load(modelDir, { backend: 'wasm' });
    try {
      const node = await model.detect(new Uint8Array(fs.readFileSync(path.join(IMAGES, 'astronaut.png'))), { scoreThreshold: 0.3 });
      expect(first.instances.map((d) => d.label)).toEqual(node.map((d) => d.label));
      // Same wasm kernels (the page may run XNNPACK on threads: summation order only). Measured: identical, 100 instances.
      let score = 0;
      let box = 0;
      first.instances.forEach((d, k) => {
        score = Math.max(score, Math.abs(d.score - node[k].score));
        d.box.forEach((v, j) => { box = Math.max(box, Math.abs(v - node[k].box[j])); });
      });
      process.stdout.write(`[cache page vs Node, wasm] ${node.length} instances, max |score diff| ${score}, max |box diff| ${box} px\n`);
      expect(score).toBeLessThanOrEqual(1e-4);
      expect(box).toBeLessThanOrEqual(0.05);
    } finally {
      model.dispose();
    }
  }, 300000);

  it('deleteCachedModel forgets it: the next load downloads again', async () => {
    const page = chrome!.page;
    expect(await api(page).forget('/tv/model.json')).toBe(true);
    expect(await api(page).cachedUrls()).toEqual([]);
    const before = modelRequests().length;
    const r = await api(page).run('/tv/model.json', '/img/astronaut.png', false);
    expect(modelRequests().length - before).toBe(1 + shardNames().length);
    expect(r.progress[r.progress.length - 1].phase).toBe('download');
    expect(await api(page).cachedUrls()).toEqual([]); // cache: false stores nothing
  }, 300000);

  it('a model name is refused in a browser, pointing at the URL route', async () => {
    const r = await api(chrome!.page).loadByName('torchvision-maskrcnn-coco');
    expect(r.isModelLoadError).toBe(true);
    expect(r.message).toMatch(/^torchvision-maskrcnn-coco: named models are downloaded and converted in Node .*mrcnn models export torchvision-maskrcnn-coco -o <dir> --quantize fp16/);
  });
});
