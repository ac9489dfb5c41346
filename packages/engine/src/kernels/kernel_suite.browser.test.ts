/**
 * The golden kernel suite (__tests__/kernel_suite.ts) in headless Chromium: every registered
 * backend that runs in a browser, each on its own page (cpu; wasm with tfjs's threaded SIMD build
 * and a pool of 2 threads, the page being cross-origin isolated, so the C kernels run on the shared
 * memory; webgl: WebGL2 on SwiftShader; webgpu: WebGPU on SwiftShader's Vulkan, the adapter the
 * harness's flags ask for). tfjs's binaries come from the local test server only.
 * Fails, never skips, when /usr/bin/chromium is missing.
 */
import * as path from 'path';
import { openChromiumPage } from '../../../../test/helpers/chromium_harness';
import type { RoIAlignCase, WinogradCase } from '../__tests__/kernel_cases';
import { describeKernelSuite, KernelSuiteTarget } from '../__tests__/kernel_suite';

const PAGE = path.join(__dirname, '..', '__tests__', 'browser', 'kernel_page.ts');

/** What init must report here, per backend, beyond the suite's checks (name, SIMD, threads). */
const BROWSER_EXPECTED: Readonly<Record<string, object>> = {
  wasm: { wasmBinary: 'tfjs-backend-wasm-threaded-simd.wasm', sharedMemory: true, isolated: true },
  webgl: { webglVersion: 2 },
  // the harness's flags force SwiftShader's adapter (WEBGPU_FLAGS)
  webgpu: { gpuAdapter: { vendor: 'google', architecture: 'swiftshader', fallback: true } },
};

const plain = (v: Float32Array | number[]): number[] => Array.from(v);

/** A page per backend; feature maps go to it once per levelsKey, everything as plain arrays. */
async function openPage(): Promise<KernelSuiteTarget> {
  const chrome = await openChromiumPage(PAGE);
  const sent = new Set<string>();
  return {
    init: (name, opts) => chrome.page.evaluate(([n, o]) => self.mrcnnTest.init(n, o), [name, opts] as const),
    roiAlign: async ({ levels, ...c }: RoIAlignCase) => {
      if (!sent.has(c.levelsKey)) {
        const data = levels.map((l) => ({ shape: l.shape, data: plain(l.data) }));
        await chrome.page.evaluate(([k, l]) => self.mrcnnTest.storeLevels(k, l), [c.levelsKey, data] as const);
        sent.add(c.levelsKey);
      }
      return chrome.page.evaluate((x) => self.mrcnnTest.roiAlign(x), { ...c, rois: plain(c.rois) });
    },
    winograd: (c: WinogradCase) => chrome.page.evaluate((x) => self.mrcnnTest.winograd(x), {
      ...c, x: plain(c.x), products: c.products.map(plain), bias: c.bias === undefined ? undefined : plain(c.bias),
    }),
    close: () => chrome.close(),
  };
}

describeKernelSuite({
  environment: 'browser',
  openTarget: openPage,
  // a backend with a thread pool runs 2 threads (the page is cross-origin isolated)
  initOptions: (entry) => ({ wasmPaths: '/tfjs-wasm/', ...(entry.capabilities.threads ? { threads: 2 } : {}) }),
  checkInfo: (entry, info) => expect(info).toMatchObject(BROWSER_EXPECTED[entry.name] ?? {}),
});
