/**
 * A user's own Vite app (test/browser/vite_user_app: imports @mrcnn/engine and @mrcnn/model as
 * README.md's "Bundlers" section shows) built by `vite build` with Vite's defaults — minified —
 * and run in headless Chromium from a cross-origin-isolated server, so tfjs-wasm starts its
 * threaded build. Regression: minification renamed the identifiers of tfjs-wasm's Emscripten
 * factory, whose source text tfjs gives to its worker threads; the workers failed with
 * "ReferenceError: e is not defined" and `initBackend('wasm')` never settled. The bundle must be
 * minified for the test to mean anything, and the build must not warn about Node built-ins.
 * Needs `npm run build` (the packages' ES module builds) and /usr/bin/chromium; fails, never
 * skips, without them.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { load } from '@mrcnn/model';
import { THREADED_SIMD_SOURCE } from '@mrcnn/engine/internal';
import { ChromiumSession, IsolatedServer, launchChromium, serveIsolated, staticFolder, tfjsWasmBinaries } from './chromium';
import { REPO_ROOT } from '../helpers/paths';

const APP = path.join(REPO_ROOT, 'test', 'browser', 'vite_user_app');
const OUT = path.join(REPO_ROOT, 'test-output', 'vite_user_app');
const DEFAULT_MODEL = path.join(REPO_ROOT, 'packages', 'model', 'default-model');
/** How long the page may take to start the backend, load the model and detect (it hung forever before). */
const RUN_TIMEOUT_MS = 120000;

interface AppResult {
  enabled: { backend: string; simd: boolean; threads: number; wasmBinary?: string; sharedMemory?: boolean };
  name: string;
  found: Array<{ label: string; score: number; box: number[] }>;
}

const occurrences = (text: string, word: string): number => text.split(word).length - 1;

describe('a user\'s Vite production build (default minification) in a cross-origin-isolated page', () => {
  let server: IsolatedServer | undefined;
  let chrome: ChromiumSession | undefined;
  let buildLog = '';
  let bundle = '';
  const requests: string[] = [];

  beforeAll(async () => {
    for (const pkg of ['schema', 'engine', 'model']) {
      const esm = path.join(REPO_ROOT, 'packages', pkg, 'dist', 'esm', 'index.mjs');
      if (!fs.existsSync(esm)) throw new Error(`${esm} is missing: run 'npm run build' first`);
    }
    const dist = path.join(OUT, 'dist');
    const built = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', APP,
      '--outDir', dist, '--emptyOutDir'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300000 });
    buildLog = `${built.stdout}\n${built.stderr}`;
    if (built.status !== 0) throw new Error(`vite build failed (${built.status}):\n${buildLog}`);
    const assets = path.join(dist, 'assets');
    bundle = fs.readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(assets, f), 'utf8')).join('\n');
    server = await serveIsolated(staticFolder(dist), tfjsWasmBinaries('/tfjs-wasm/'), staticFolder(DEFAULT_MODEL, '/model/'));
    chrome = await launchChromium();
    chrome.page.on('request', (r) => requests.push(r.url()));
  }, 360000);

  afterAll(async () => {
    await chrome?.close();
    await server?.close();
  });

  it('builds without warnings about Node built-ins, and minified: tfjs-wasm\'s factory code no longer names _scriptDir', () => {
    expect(buildLog).not.toMatch(/externalized for browser compatibility/);
    // The only `_scriptDir`s left are those of @mrcnn/engine's string copy of the factory file:
    // the factory's code itself (and tfjs-wasm's other factory) had their identifiers renamed.
    expect(occurrences(THREADED_SIMD_SOURCE, '_scriptDir')).toBeGreaterThan(0);
    expect(occurrences(bundle, '_scriptDir')).toBe(occurrences(THREADED_SIMD_SOURCE, '_scriptDir'));
  });

  it('initBackend(\'wasm\') starts the threaded build, and the default model detects what it detects in Node', async () => {
    if (chrome === undefined || server === undefined) throw new Error('Chromium or the server did not start');
    const { page } = chrome;
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => 'appReady' in self);
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    const run = page.evaluate(() => (self as unknown as { run(): Promise<AppResult> }).run());
    const timeout = new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error(`the app did not finish within ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS).unref();
    });
    const res = await Promise.race([run, timeout]).catch((e: unknown) => {
      throw new Error(`${String(e)}\npage console:\n${chrome?.console.join('\n')}`);
    });
    expect(res.enabled).toEqual({ backend: 'wasm', simd: true, threads: expect.any(Number), wasmBinary: 'tfjs-backend-wasm-threaded-simd.wasm', sharedMemory: true });
    expect(chrome.console.filter((l) => /is not defined|worker sent an error/.test(l))).toEqual([]);
    expect(res.name).toBe('mrcnn-shapes-default');
    const model = await load(undefined, { backend: 'cpu' });
    try {
      const node = await model.detect(new Uint8Array(fs.readFileSync(path.join(DEFAULT_MODEL, 'demo.png'))));
      expect(res.found.length).toBeGreaterThan(0);
      expect(res.found.map((d) => d.label)).toEqual(node.map((d) => d.label));
      res.found.forEach((d, i) => expect(Math.abs(d.score - node[i].score)).toBeLessThan(1e-3));
    } finally {
      model.dispose();
    }
    expect(requests.filter((u) => !u.startsWith(`${server!.origin}/`) && !u.startsWith(`blob:${server!.origin}/`))).toEqual([]);
  }, RUN_TIMEOUT_MS + 60000);
});
