/**
 * multiLevelRoIAlign in headless Chromium against the torchvision goldens: the webgl kernel
 * (WebGL2 on SwiftShader) and, on another page, the wasm kernel with tfjs-wasm's threaded SIMD
 * build and a pool of 2 threads (the page is cross-origin isolated, so the kernel runs on the
 * shared memory). The binaries come from the local test server only.
 * Fails, never skips, when /usr/bin/chromium is missing.
 */
import * as path from 'path';
import { closeStats } from '../../../../../test/helpers/compare';
import { ChromiumPage, openChromiumPage } from '../../__tests__/browser/chromium_harness';
import type { PageCase } from '../../__tests__/browser/roi_align_page';
import { loadRoIAlignGoldens, RoIAlignGolden } from '../../__tests__/roi_align_goldens';

/** Max abs error against torchvision: webgl computes the sampling geometry in float32 as torchvision does. */
const TOLERANCE = { webgl: 1e-4, wasm: 1e-4 } as const;

const goldens = loadRoIAlignGoldens();
const report: string[] = [];

function pageCase(g: RoIAlignGolden): PageCase {
  return {
    levels: g.levels.map((l) => ({ shape: l.shape, data: Array.from(l.data) })),
    rois: Array.from(g.rois), numRois: g.numRois, attrs: g.attrs,
  };
}

describe.each(['webgl', 'wasm'] as const)('multiLevelRoIAlign in headless Chromium on %s', (backend) => {
  let chrome: ChromiumPage | undefined;

  beforeAll(async () => {
    chrome = await openChromiumPage(path.join(__dirname, '..', '..', '__tests__', 'browser', 'roi_align_page.ts'));
    const opts = backend === 'wasm' ? { threads: 2 } : {};
    const info = await chrome.page.evaluate(([name, o]) => self.mrcnnTest.init(name, o), [backend, opts] as const);
    report.push(`${backend}: ${JSON.stringify(info)}`);
    expect(info.backend).toBe(backend);
    if (backend === 'webgl') expect(info.webglVersion).toBe(2);
    if (backend === 'wasm') {
      expect(info).toEqual({
        backend: 'wasm', simd: true, threads: 2, wasmBinary: 'tfjs-backend-wasm-threaded-simd.wasm', sharedMemory: true, isolated: true,
      });
    }
  }, 120000);

  afterAll(async () => {
    await chrome?.close();
  });

  it.each(goldens.map((g) => [g.name, g] as const))('%s', async (_name, g) => {
    if (chrome === undefined) throw new Error('Chromium did not start');
    const res = await chrome.page.evaluate((c) => self.mrcnnTest.run(c), pageCase(g));
    expect(res.leaked).toBe(0);
    expect(res.shape).toEqual(g.expectedShape);
    const s = closeStats(res.out, g.expected);
    report.push(`${backend} ${g.name}: max abs ${s.maxAbs.toExponential(2)} (${res.ms.toFixed(1)} ms)`);
    expect(s.maxAbs).toBeLessThanOrEqual(TOLERANCE[backend]);
  });
});

afterAll(() => { console.log(`multiLevelRoIAlign in Chromium vs torchvision\n${report.join('\n')}`); });
