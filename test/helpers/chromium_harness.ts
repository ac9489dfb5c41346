/**
 * Headless Debian Chromium for browser tests: bundles the page with esbuild, serves it from
 * 127.0.0.1 with COOP/COEP (so the page is cross-origin isolated and tfjs-wasm may use threads),
 * and drives it with playwright-core. Needs /usr/bin/chromium (`apt-get install -y chromium`).
 */
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import { builtinModules } from 'module';
import * as path from 'path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { CHROMIUM_FLAGS } from './chromium_flags';

/** @mrcnn/* → their TypeScript sources (scripts/workspace.cjs, as jest maps them). */
const { workspaceSourcesPlugin } = require('../../scripts/workspace.cjs') as { workspaceSourcesPlugin(o?: { root?: string }): esbuild.Plugin };

export const CHROMIUM = '/usr/bin/chromium';

export interface ChromiumPage {
  page: Page;
  /** Console lines the page printed (for failure messages). */
  console: string[];
  close(): Promise<void>;
}

function wasmDistDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

function serve(bundle: string): Promise<http.Server> {
  const html = '<!doctype html><meta charset="utf-8"><title>mrcnn engine test</title><script src="/bundle.js"></script>';
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    if (url === '/' || url === '/index.html') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(html);
    } else if (url === '/bundle.js') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(bundle);
    } else if (/^\/tfjs-wasm\/[\w.-]+\.(wasm|js)$/.test(url)) {
      const file = path.join(wasmDistDir(), path.basename(url));
      if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
      const type = url.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
      res.writeHead(200, { ...headers, 'Content-Type': type }).end(fs.readFileSync(file));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function port(server: http.Server): number {
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('test server has no TCP port');
  return addr.port;
}

export interface OpenPageOptions {
  /** The global the page defines once it is ready (default 'mrcnnTest'). */
  readyGlobal?: string;
  /** esbuild plugins for the page bundle (default: @mrcnn/* from their sources, scripts/workspace.cjs). */
  plugins?: esbuild.Plugin[];
}

/** Opens `entry` (a TS module, bundled as an iife) in a fresh headless Chromium profile. */
export async function openChromiumPage(entry: string, opts: OpenPageOptions = {}): Promise<ChromiumPage> {
  const readyGlobal = opts.readyGlobal ?? 'mrcnnTest';
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install it with 'apt-get install -y chromium'`);
  }
  const built = await esbuild.build({
    entryPoints: [entry], bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'error',
    // Node-only set-up paths (threaded wasm under Node) import these lazily and never run in a page.
    external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
    // The page's @mrcnn/* imports (the engine's sources import @mrcnn/schema) from their sources.
    plugins: opts.plugins ?? [workspaceSourcesPlugin()],
  });
  const server = await serve(built.outputFiles[0].text);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-chromium-'));
  let context: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    await context?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS],
    });
    const page = context.pages()[0] ?? await context.newPage();
    const lines: string[] = [];
    page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
    await page.goto(`http://127.0.0.1:${port(server)}/`);
    await page.waitForFunction((g) => g in self, readyGlobal);
    return { page, console: lines, close };
  } catch (e) {
    await close();
    throw e;
  }
}
