/**
 * The demo page (examples/web), built with Vite from the packages' ES module builds and driven in
 * headless Chromium through playwright-core:
 * - webgl, the embedded default model, its held-out demo image from the page's sample button: the
 *   mask overlay must cover the masks the same model finds in Node (cpu backend), and what it draws
 *   must lie on the image's ground-truth objects (demo_instances.json);
 * - webgl, the K=8 oracle model from a URL, chelsea.png through the file input, and
 * - wasm, the K=8 model as model.json + shard picked from disk, chelsea dropped on the page:
 *   the overlay must cover the oracle's pasted masks (detections with score >= 0.65) and little else;
 * - webgpu (SwiftShader's adapter here), the K=8 model from a URL, chelsea from a sample button: the same;
 * - webgpu asked for in a page without WebGPU (navigator.gpu hidden before the page runs): the page
 *   falls back to webgl, says so, and marks webgpu unavailable.
 * - a model from a URL shows its download on the status line and stays in the browser's Cache API:
 *   the next visit reads it from there with no request for model.json or its weights.
 * No request may leave the page's origin. Screenshots go to test-output/demo_page/.
 * Needs `npm run build` (the ES module builds) and /usr/bin/chromium; fails, never skips, without them.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { decodeRle, load } from '@mrcnn/model';
import type { CocoRle } from '@mrcnn/model';
import { ChromiumSession, IsolatedServer, launchChromium, serveIsolated, staticFolder } from './chromium';
import { describeOverlay, dropImage, oracleMasks, OverlayMatch, overlayVsMasks, readOverlay } from './demo_overlay';
import { k8Files, k8ModelFiles } from './k8_model_files';
import { IMAGES, ORACLE_K8, REPO_ROOT } from '../helpers/paths';
import { readTensorDump } from '../helpers/tensor_dump';

const OUT = path.join(REPO_ROOT, 'test-output', 'demo_page');
const DEFAULT_MODEL = path.join(REPO_ROOT, 'packages', 'model', 'default-model');
/** The default model's own score threshold, which the page shows and uses (its scores are 0.15..0.39 on its demo image). */
const DEFAULT_SCORE = 0.3;
/** Score threshold used with the K=8 oracle model (4 detections on chelsea). */
const K8_SCORE = 0.65;
/**
 * Same model, same image, other runtime (oracle or Node cpu): fraction of each expected mask drawn
 * and IoU of all drawn pixels with the union of the expected masks. Measured: 1.0000 and 1.0000
 * (pixel-identical) on webgl and wasm; the bounds leave room for a few boundary pixels whose 28x28
 * values sit at the 0.5 threshold.
 */
const SAME_MODEL = { coverage: 0.99, unionIoU: 0.98 };
/**
 * The default model against the ground truth of its held-out demo image: the share of the drawn
 * mask pixels that lie on a true object. Measured 0.981 (3 instances at score >= 0.3 drawn; the
 * 6 objects are covered 0.98, 0.73, 0.12, 0.11, 0, 0: a small model trained for minutes).
 */
const GROUND_TRUTH = { precision: 0.9 };

function buildDemo(outDir: string): void {
  for (const pkg of ['engine', 'model']) {
    const esm = path.join(REPO_ROOT, 'packages', pkg, 'dist', 'esm', 'index.mjs');
    if (!fs.existsSync(esm)) throw new Error(`${esm} is missing: run 'npm run build' first`);
  }
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', path.join(REPO_ROOT, 'examples', 'web'),
    '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

/** The default model's masks on its demo image, computed in Node on the cpu backend. */
async function nodeDefaultModelMasks(score: number): Promise<Uint8Array[]> {
  const model = await load(undefined, { backend: 'cpu' });
  try {
    const instances = await model.detect(new Uint8Array(fs.readFileSync(path.join(DEFAULT_MODEL, 'demo.png'))), { scoreThreshold: score });
    return instances.map((i) => i.mask.data);
  } finally {
    model.dispose();
  }
}

function groundTruthMasks(): Uint8Array[] {
  const coco = JSON.parse(fs.readFileSync(path.join(DEFAULT_MODEL, 'demo_instances.json'), 'utf8')) as {
    annotations: Array<{ segmentation: CocoRle }>;
  };
  return coco.annotations.map((a) => decodeRle(a.segmentation).data);
}

describe('demo page (examples/web) in headless Chromium', () => {
  let server: IsolatedServer | undefined;
  let chrome: ChromiumSession | undefined;
  const report: string[] = [];
  const requests: string[] = [];
  const golden = readTensorDump(path.join(ORACLE_K8, 'chelsea_fit'));
  const modelDir = path.join(OUT, 'k8-model');

  beforeAll(async () => {
    fs.mkdirSync(modelDir, { recursive: true });
    const dist = path.join(OUT, 'dist');
    buildDemo(dist);
    const k8 = k8ModelFiles();
    fs.writeFileSync(path.join(modelDir, 'model.json'), k8.modelJson);
    fs.writeFileSync(path.join(modelDir, 'weights.bin'), k8.weightsBin);
    server = await serveIsolated(staticFolder(dist), k8Files());
    chrome = await launchChromium();
    chrome.page.on('request', (r) => requests.push(r.url()));
    // Every text the status line shows, from the first script on (progress lines come and go).
    await chrome.page.addInitScript(() => {
      const log: string[] = [];
      (self as unknown as { statusLog: string[] }).statusLog = log;
      new MutationObserver(() => {
        const text = document.getElementById('status')?.textContent ?? '';
        if (text !== '' && log[log.length - 1] !== text) log.push(text);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
  }, 180000);

  afterAll(async () => {
    await chrome?.close();
    await server?.close();
    console.log(`demo page\n${report.join('\n')}`);
  });

  function session(): { page: Page; origin: string } {
    if (chrome === undefined || server === undefined) throw new Error('Chromium or the server did not start');
    return { page: chrome.page, origin: server.origin };
  }

  /** Waits for the status line to reach `state` (optionally with `text`); an error fails with the console. */
  async function settle(page: Page, state: string, what: string, text?: string): Promise<void> {
    const want = `#status[data-state="${state}"]${text === undefined ? '' : `:has-text("${text}")`}`;
    await page.waitForSelector(text === undefined ? `${want}, #status[data-state="error"]` : want, { timeout: 240000 }).catch(() => undefined);
    if (await page.$(want) === null) {
      throw new Error(`${what}: status "${await page.textContent('#status')}"\npage console:\n${chrome?.console.join('\n')}`);
    }
  }

  /** Screenshot, instance count, overlay vs `expected`, same-origin requests; returns the match. */
  async function checkPage(page: Page, label: string, expected: Uint8Array[], t0: number): Promise<OverlayMatch> {
    await page.screenshot({ path: path.join(OUT, `${label.replace(/\W+/g, '_')}.png`), fullPage: true });
    const m = overlayVsMasks(await readOverlay(page), expected);
    const instances = await page.$$eval('#instances li', (lis) => lis.length);
    const stages = await page.$$eval('#stages tbody tr', (trs) => trs.map((t) => Array.from((t as HTMLTableRowElement).cells, (c) => c.textContent).join(' ')));
    report.push(`${label}: ${instances} instances drawn, ${m.masks} expected; ${describeOverlay(m)}; image to overlay ` +
      `${Date.now() - t0} ms; stages: ${stages.join(', ')}`);
    // Offline: every request stays on the page's origin (blob: URLs are made in the page).
    const origin = session().origin;
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith(`blob:${origin}/`))).toEqual([]);
    return m;
  }

  it('webgl, embedded default model, its demo image from the sample button: masks where Node and the ground truth have them', async () => {
    const { page, origin } = session();
    const nodeMasks = await nodeDefaultModelMasks(DEFAULT_SCORE);
    const truth = groundTruthMasks();
    await page.goto(`${origin}/index.html`);
    await settle(page, 'ready', 'default model load', 'default-model/model.json on webgl');
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    // the page says what the model detects, and uses its own score threshold
    const info = await page.textContent('#model-info');
    expect(info).toContain('Model mrcnn-shapes-default detects: circle, square, triangle, star, ring, cross.');
    expect(info).toContain('trained on synthetic shapes');
    expect(await page.inputValue('#score')).toBe(String(DEFAULT_SCORE));
    const t0 = Date.now();
    await page.click('button[data-sample="default-model/demo.png"]');
    await settle(page, 'done', 'detect');
    const m = await checkPage(page, 'webgl default model demo vs Node cpu', nodeMasks, t0);
    expect(m.masks).toBeGreaterThan(0);
    expect(await page.$$eval('#instances li', (lis) => lis.length)).toBe(nodeMasks.length);
    expect(Math.min(...m.coverage)).toBeGreaterThanOrEqual(SAME_MODEL.coverage);
    expect(m.unionIoU).toBeGreaterThanOrEqual(SAME_MODEL.unionIoU);
    const g = overlayVsMasks(await readOverlay(page), truth);
    report.push(`webgl default model demo vs ground truth (${truth.length} objects): ${describeOverlay(g)}`);
    expect(g.precision).toBeGreaterThanOrEqual(GROUND_TRUTH.precision);
  }, 300000);

  it('webgl, K=8 oracle model from a URL, chelsea from the file input: coloured masks where the oracle masks are', async () => {
    const { page, origin } = session();
    await page.goto(`${origin}/index.html?backend=webgl&model=k8/model.json&score=${K8_SCORE}`);
    await settle(page, 'ready', 'model load');
    const t0 = Date.now();
    await page.setInputFiles('#image-input', path.join(IMAGES, 'chelsea.png'));
    await settle(page, 'done', 'detect');
    const expected = oracleMasks(golden, K8_SCORE);
    const m = await checkPage(page, 'webgl K8 model URL chelsea', expected, t0);
    expect(m.masks).toBeGreaterThan(0);
    expect(await page.$$eval('#instances li', (lis) => lis.length)).toBe(expected.length);
    expect(Math.min(...m.coverage)).toBeGreaterThanOrEqual(SAME_MODEL.coverage);
    expect(m.unionIoU).toBeGreaterThanOrEqual(SAME_MODEL.unionIoU);
  }, 300000);

  it('the URL model showed its download and stays in the browser cache: the next visit makes no request for it', async () => {
    const { page, origin } = session();
    const statusLog = (): Promise<string[]> => page.evaluate(() => (self as unknown as { statusLog: string[] }).statusLog);
    const weightBytes = k8ModelFiles().weightsBin.length;
    // The visit of the previous test: the download on the status line, up to the whole weights.
    const mib = (weightBytes / 1048576).toFixed(1);
    expect((await statusLog()).filter((t) => t.startsWith('Downloading k8/model.json: ')).pop())
      .toMatch(new RegExp(`^Downloading k8/model\\.json: ${mib} MiB of ${mib} MiB \\(100%\\)`));
    const before = requests.filter((u) => new URL(u).pathname.startsWith('/k8/')).length;
    await page.goto(`${origin}/index.html?backend=wasm&model=k8/model.json&score=${K8_SCORE}`);
    await settle(page, 'ready', 'cached model load', 'k8/model.json on wasm (from the browser cache)');
    expect(requests.filter((u) => new URL(u).pathname.startsWith('/k8/')).length).toBe(before);
    expect((await statusLog()).some((t) => t.startsWith(`Reading from the browser cache k8/model.json: ${mib} MiB of ${mib} MiB (100%)`))).toBe(true);
    expect(await page.$eval('#model-progress', (e) => (e as HTMLProgressElement).hidden)).toBe(true);
    const t0 = Date.now();
    await page.setInputFiles('#image-input', path.join(IMAGES, 'chelsea.png'));
    await settle(page, 'done', 'detect with the cached model');
    const expected = oracleMasks(golden, K8_SCORE);
    const m = await checkPage(page, 'wasm K8 model URL from the browser cache', expected, t0);
    expect(await page.$$eval('#instances li', (lis) => lis.length)).toBe(expected.length);
    expect(Math.min(...m.coverage)).toBeGreaterThanOrEqual(SAME_MODEL.coverage);
  }, 300000);

  it('wasm, K=8 model.json + shard picked from disk, chelsea dropped on the page: the same masks', async () => {
    const { page, origin } = session();
    await page.goto(`${origin}/index.html?backend=wasm&model=k8/model.json&score=${K8_SCORE}`);
    await settle(page, 'ready', 'model load');
    await page.setInputFiles('#model-files', [path.join(modelDir, 'model.json'), path.join(modelDir, 'weights.bin')]);
    await settle(page, 'ready', 'model from disk', 'from disk');
    const t0 = Date.now();
    await dropImage(page, 'samples/chelsea.png', 'chelsea.png');
    await settle(page, 'done', 'detect');
    expect(await page.textContent('#status')).toContain('(wasm)');
    const expected = oracleMasks(golden, K8_SCORE);
    const m = await checkPage(page, 'wasm K8 model from disk chelsea dropped', expected, t0);
    expect(await page.$$eval('#instances li', (lis) => lis.length)).toBe(expected.length);
    expect(Math.min(...m.coverage)).toBeGreaterThanOrEqual(SAME_MODEL.coverage);
    expect(m.unionIoU).toBeGreaterThanOrEqual(SAME_MODEL.unionIoU);
  }, 300000);

  it('webgpu, K=8 oracle model from a URL, chelsea from the sample button: the same masks', async () => {
    const { page, origin } = session();
    await page.goto(`${origin}/index.html?backend=webgpu&model=k8/model.json&score=${K8_SCORE}`);
    await settle(page, 'ready', 'model load', 'on webgpu');
    expect(await page.isHidden('#notice')).toBe(true);
    const t0 = Date.now();
    await page.click('button[data-sample="samples/chelsea.png"]');
    await settle(page, 'done', 'detect');
    expect(await page.textContent('#status')).toContain('(webgpu)');
    const expected = oracleMasks(golden, K8_SCORE);
    const m = await checkPage(page, 'webgpu K8 model URL chelsea sample', expected, t0);
    expect(await page.$$eval('#instances li', (lis) => lis.length)).toBe(expected.length);
    expect(Math.min(...m.coverage)).toBeGreaterThanOrEqual(SAME_MODEL.coverage);
    expect(m.unionIoU).toBeGreaterThanOrEqual(SAME_MODEL.unionIoU);
  }, 600000);

  it('webgpu in a page without WebGPU: falls back to webgl with a notice, webgpu marked unavailable', async () => {
    const { origin } = session();
    if (chrome === undefined) throw new Error('Chromium did not start');
    const page = await chrome.page.context().newPage();
    try {
      // what a browser without WebGPU shows the page: no navigator.gpu
      await page.addInitScript(() => { Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true }); });
      await page.goto(`${origin}/index.html?backend=webgpu&model=k8/model.json&score=${K8_SCORE}`);
      await settle(page, 'ready', 'fallback model load', 'on webgl');
      const notice = await page.textContent('#notice');
      report.push(`webgpu without WebGPU: notice "${notice}"`);
      expect(await page.isVisible('#notice')).toBe(true);
      expect(notice).toMatch(/^Could not start webgpu: WebGPU is not available here \(no navigator\.gpu[^)]*\)\. Running on webgl instead\.$/);
      expect(await page.$eval('#backend', (s) => (s as HTMLSelectElement).value)).toBe('webgl');
      expect(await page.$eval('#backend option[value="webgpu"]', (o) => [(o as HTMLOptionElement).disabled, o.textContent]))
        .toEqual([true, 'webgpu (not available here)']);
    } finally {
      await page.close();
    }
  }, 300000);
});
