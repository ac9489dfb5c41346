/**
 * The self-contained ES module build (packages/model/dist/browser/mrcnn.mjs, from
 * scripts/build-esm.mjs) in a plain `<script type="module">`, no bundler: tfjs-wasm's binaries
 * are found next to the module (no wasmPaths given), the K=8 oracle model runs on wasm, and its
 * detections match the oracle's (chelsea, fit); the bundle carries the webgpu backend, whose
 * RoIAlign kernel runs there (SwiftShader's adapter) and matches the typed-array reference.
 * Every request stays on the page's own origin.
 * Needs `npm run build` and /usr/bin/chromium; fails, never skips, without them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ChromiumSession, IsolatedServer, launchChromium, memoryFiles, serveIsolated, staticFolder } from './chromium';
import { k8Files } from './k8_model_files';
import { describeMatch, matchOracle } from './oracle_match';
import { ORACLE_K8, REPO_ROOT } from '../helpers/paths';
import { readTensorDump } from '../helpers/tensor_dump';

const BROWSER_DIST = path.join(REPO_ROOT, 'packages', 'model', 'dist', 'browser');
const golden = readTensorDump(path.join(ORACLE_K8, 'chelsea_fit'));

/** The page: imports ./mrcnn.mjs and exposes one function running the card network on /k8/. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>mrcnn.mjs</title>
<script type="module">
import { load, engine, tf } from './mrcnn.mjs';
window.runK8 = async (shape, info) => {
  const enabled = await engine.initBackend('wasm');
  const model = await load('/k8/model.json');
  const bytes = await (await fetch('/k8/im_data.bin')).arrayBuffer();
  const imData = tf.tensor4d(new Float32Array(bytes), shape);
  const imInfo = tf.tensor2d([info], [1, 3]);
  const out = await model.execute(imData, imInfo);
  const res = { classes: Array.from(await out.classes.data()), scores: Array.from(await out.scores.data()),
    boxes: Array.from(await out.boxes.data()), simd: enabled.simd, backend: tf.getBackend() };
  tf.dispose([imData, imInfo, out.classes, out.scores, out.boxes, out.rawMasks]);
  model.dispose();
  return res;
};
// the webgpu backend from the bundle: RoIAlign over 4 levels (C = 8) vs the typed-array reference
window.roiAlignWebGPU = async () => {
  const enabled = await engine.initBackend('webgpu');
  const shapes = [[1, 16, 24, 8], [1, 8, 12, 8], [1, 4, 6, 8], [1, 2, 3, 8]];
  const levels = shapes.map(([, h, w, c], l) => Float32Array.from({ length: h * w * c }, (_, i) => Math.sin(i * 0.37 + l)));
  const boxes = [0, 0, 95, 63, 10.5, 3.25, 40, 30, -8, -4, 20, 12, 30, 20, 29, 19, 0, 0, 300, 200];
  const attrs = engine.DEFAULT_ROI_ALIGN_0049;
  const before = tf.memory().numTensors;
  const feats = levels.map((d, l) => tf.tensor4d(d, shapes[l]));
  const rois = tf.tensor2d(boxes, [boxes.length / 4, 4]);
  const out = engine.multiLevelRoIAlign(feats, rois, attrs);
  const got = await out.data();
  tf.dispose([...feats, rois, out]);
  const ref = engine.multiLevelRoIAlignImpl(levels.map((data, l) => ({ data, height: shapes[l][1], width: shapes[l][2] })), 8,
    boxes, boxes.length / 4, engine.validateRoIAlignAttrs(attrs, 4));
  let maxAbs = 0;
  for (let i = 0; i < ref.length; i++) maxAbs = Math.max(maxAbs, Math.abs(got[i] - ref[i]));
  return { backend: tf.getBackend(), adapter: enabled.gpuAdapter, values: got.length, expected: ref.length,
    nonZero: ref.some((v) => v !== 0), maxAbs, leaked: tf.memory().numTensors - before };
};
window.pageReady = true;
</script>`;

describe('self-contained ES module build in a plain <script type="module">', () => {
  let server: IsolatedServer | undefined;
  let chrome: ChromiumSession | undefined;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(BROWSER_DIST, 'mrcnn.mjs'))) throw new Error(`${BROWSER_DIST}/mrcnn.mjs is missing: run 'npm run build' first`);
    server = await serveIsolated(memoryFiles({ '/browser/index.html': { body: PAGE, type: 'text/html' } }),
      staticFolder(BROWSER_DIST, '/browser/'), k8Files(golden));
    chrome = await launchChromium();
  }, 120000);

  afterAll(async () => {
    await chrome?.close();
    await server?.close();
  });

  it('runs the K=8 model on wasm with the .wasm files found next to the module, matching the oracle', async () => {
    if (chrome === undefined || server === undefined) throw new Error('Chromium or the server did not start');
    const origin = server.origin;
    const requests: string[] = [];
    chrome.page.on('request', (r) => requests.push(r.url()));
    await chrome.page.goto(`${origin}/browser/index.html`);
    await chrome.page.waitForFunction(() => 'pageReady' in self).catch((e: unknown) => {
      throw new Error(`mrcnn.mjs did not load: ${String(e)}\npage console:\n${chrome?.console.join('\n')}`);
    });
    const res = await chrome.page.evaluate(([shape, info]) => (self as unknown as {
      runK8(s: number[], i: number[]): Promise<{ classes: number[]; scores: number[]; boxes: number[]; simd: boolean; backend: string }>;
    }).runK8(shape, info), [golden.get('im_data').shape, Array.from(golden.get('im_info').data)]).catch((e: unknown) => {
      throw new Error(`${String(e)}\npage console:\n${chrome?.console.join('\n')}`);
    });
    expect(res.backend).toBe('wasm');
    expect(res.simd).toBe(true);
    const wasmFetched = requests.filter((u) => /\/tfjs-backend-wasm[\w-]*\.wasm$/.test(u));
    expect(wasmFetched.length).toBeGreaterThan(0);
    expect(wasmFetched.every((u) => u.startsWith(`${origin}/browser/`))).toBe(true);
    // blob: URLs are tfjs-wasm's worker scripts, made in the page.
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith(`blob:${origin}/`))).toEqual([]);
    const m = matchOracle(res, golden, 0.999);
    console.log(`mrcnn.mjs on wasm (${wasmFetched.map((u) => path.basename(u)).join(', ')}) vs the oracle (chelsea, fit): ${describeMatch(m)}`);
    expect(m.unmatchedExpected).toEqual([]);
    expect(m.unmatchedActual).toEqual([]);
    expect(m.maxScoreDiff).toBeLessThanOrEqual(1e-4);
  }, 180000);

  it('carries the webgpu backend: its RoIAlign kernel matches the typed-array reference', async () => {
    if (chrome === undefined) throw new Error('Chromium did not start');
    const res = await chrome.page.evaluate(() => (self as unknown as {
      roiAlignWebGPU(): Promise<{ backend: string; adapter: unknown; values: number; expected: number; nonZero: boolean; maxAbs: number; leaked: number }>;
    }).roiAlignWebGPU()).catch((e: unknown) => {
      throw new Error(`${String(e)}\npage console:\n${chrome?.console.join('\n')}`);
    });
    console.log(`mrcnn.mjs on webgpu: RoIAlign vs the reference ${JSON.stringify(res)}`);
    expect(res.backend).toBe('webgpu');
    expect(res.adapter).toEqual({ vendor: 'google', architecture: 'swiftshader', fallback: true });
    expect(res.values).toBe(res.expected);
    expect(res.nonZero).toBe(true);
    // float32 geometry against the reference's float64 (the kernel suite's webgpu tolerance)
    expect(res.maxAbs).toBeLessThanOrEqual(1e-4);
    expect(res.leaked).toBe(0);
  }, 180000);
});
