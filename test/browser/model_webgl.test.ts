/**
 * The whole network (K=8 oracle weights, converted to the tfjs layout by the converter's transform
 * and loaded from model.json over HTTP) in headless Chromium on webgl (WebGL2 on SwiftShader) and
 * on wasm, against the oracle's golden outputs for chelsea (policy fit, input 320x480).
 * Fails, never skips, when /usr/bin/chromium is missing.
 */
import * as path from 'path';
import {
  bundlePage, ChromiumSession, IsolatedServer, launchChromium, memoryFiles, serveIsolated, testPageHtml, tfjsWasmBinaries,
} from './chromium';
import { ORACLE_K8 } from '../helpers/paths';
import { readTensorDump } from '../helpers/tensor_dump';
import { k8Files } from './k8_model_files';
import type { ModelPageCase, ModelPageGlobal } from './model_page';
import { describeMatch, matchOracle } from './oracle_match';

/**
 * Per backend: the IoU every matched detection reaches, the largest score difference, and the max
 * abs error of the 28x28 sigmoid masks (each matched row, its own class). Measured with Debian
 * Chromium 150 (webgl: WebGL2 on SwiftShader, float32 textures; wasm: SIMD, 1 thread):
 * webgl IoU >= 0.99995, score 1.3e-5, masks 2.7e-4; wasm IoU >= 0.99994, score 1.7e-5, masks 4.0e-4
 * (Node cpu: masks 1.4e-4). WebGL's float32 textures need no looser bounds than wasm.
 */
const TOLERANCE = {
  webgl: { minIoU: 0.999, scoreAbs: 1e-4, maskAbs: 1e-3 },
  wasm: { minIoU: 0.999, scoreAbs: 1e-4, maskAbs: 1e-3 },
  webgpu: { minIoU: 0.999, scoreAbs: 1e-4, maskAbs: 1e-3 },
} as const;

const golden = readTensorDump(path.join(ORACLE_K8, 'chelsea_fit'));
const imData = golden.get('im_data');
const report: string[] = [];

const pageCase: ModelPageCase = {
  modelUrl: '/k8/model.json',
  imDataUrl: '/k8/im_data.bin',
  imDataShape: imData.shape as [number, number, number, number],
  imInfo: Array.from(golden.get('im_info').data) as [number, number, number],
};

describe.each(['webgl', 'wasm', 'webgpu'] as const)('the K=8 model in headless Chromium on %s vs the oracle (chelsea, fit)', (backend) => {
  let chrome: ChromiumSession | undefined;
  let server: IsolatedServer | undefined;

  beforeAll(async () => {
    const bundle = await bundlePage(path.join(__dirname, 'model_page.ts'));
    server = await serveIsolated(memoryFiles({ '/': testPageHtml('mrcnn model test'), '/bundle.js': bundle }), tfjsWasmBinaries(), k8Files(golden));
    chrome = await launchChromium();
    await chrome.page.goto(`${server.origin}/`);
    await chrome.page.waitForFunction(() => 'mrcnnTest' in self);
    const info = await chrome.page.evaluate((name) => (self as unknown as ModelPageGlobal).mrcnnTest.init(name), backend);
    report.push(`${backend}: ${JSON.stringify(info)}`);
    expect(info.backend).toBe(backend);
    if (backend === 'webgl') {
      expect(info.webgl2).toBe(true);
      expect(info.floatTextures).toBe(true);
    }
    if (backend === 'webgpu') expect(info.gpuAdapter).toEqual({ vendor: 'google', architecture: 'swiftshader', fallback: true });
  }, 120000);

  afterAll(async () => {
    await chrome?.close();
    await server?.close();
  });

  it('matches the golden detections by class and IoU, and the raw masks', async () => {
    if (chrome === undefined) throw new Error('Chromium did not start');
    const page = chrome.page;
    const res = await page.evaluate((c) => (self as unknown as ModelPageGlobal).mrcnnTest.run(c), { ...pageCase, countReadBacks: true }).catch((e: unknown) => {
      throw new Error(`${String(e)}\npage console:\n${chrome?.console.join('\n')}`);
    });
    expect(res.leaked).toBe(0);
    const tol = TOLERANCE[backend];
    const m = matchOracle(res, golden, tol.minIoU);
    report.push(`${backend}: ${describeMatch(m)}; ${res.totalMs.toFixed(0)} ms ` +
      `(${res.stages.map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join(', ')})`);
    expect(m.unmatchedExpected).toEqual([]);
    expect(m.unmatchedActual).toEqual([]);
    expect(m.maxScoreDiff).toBeLessThanOrEqual(tol.scoreAbs);
    expect(m.maskMaxAbs).toBeLessThanOrEqual(tol.maskAbs);
    // execute with an im_info tensor reads back 3 times (im_info, proposals, detection output), as on
    // every backend (packages/model/src/sync_points.test.ts); on webgpu im_info's values are still on
    // the CPU, so 2 of them copy GPU buffers back
    report.push(`${backend}: read-backs of one execute ${JSON.stringify(res.readBacks)}`);
    expect(res.readBacks).toEqual(backend === 'webgpu'
      ? { engineReads: 3, engineReadSyncs: 0, gpuReadBacks: 2, dispatches: expect.any(Number) }
      : { engineReads: 3, engineReadSyncs: 0 });
  }, 600000); // webgpu on SwiftShader: its first run compiles ~50 pipelines on the CPU (minutes on a loaded machine)
});

afterAll(() => { console.log(`K=8 model in Chromium vs the oracle\n${report.join('\n')}`); });
