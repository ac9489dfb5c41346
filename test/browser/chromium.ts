/**
 * Shared pieces for browser tests: a cross-origin-isolated (COOP/COEP) HTTP server on 127.0.0.1,
 * responders for a static folder, tfjs-wasm's binaries and in-memory files, an esbuild bundler for
 * test pages (Node built-ins stay lazy imports, as the model's Node-only paths need), and headless
 * Debian Chromium in a fresh profile driven by playwright-core. Needs /usr/bin/chromium
 * (`apt-get install -y chromium`); fails, never skips, without it.
 */
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as http from 'http';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../helpers/chromium_flags';

export const CHROMIUM = '/usr/bin/chromium';
export { CHROMIUM_FLAGS } from '../helpers/chromium_flags';
export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export interface Served { body: Buffer | string; type: string }
/** Answers a URL path ('/a/b.js', no query) or returns undefined (→ 404). */
export type Responder = (pathname: string) => Served | undefined;

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml', '.map': 'application/json', '.bin': 'application/octet-stream',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Files under `root` ('/' → index.html); never outside it. */
export function staticFolder(root: string, prefix = '/'): Responder {
  const base = path.resolve(root);
  return (pathname) => {
    if (!pathname.startsWith(prefix)) return undefined;
    const rel = decodeURIComponent(pathname.slice(prefix.length)) || 'index.html';
    const file = path.resolve(base, rel);
    if (!file.startsWith(base + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return undefined;
    return { body: fs.readFileSync(file), type: contentType(file) };
  };
}

/** tfjs-backend-wasm's .wasm binaries under `prefix` (pass the same prefix as `wasmPaths`). */
export function tfjsWasmBinaries(prefix = '/tfjs-wasm/'): Responder {
  return staticFolder(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), prefix);
}

/** Fixed in-memory files by exact path. */
export function memoryFiles(files: Record<string, Served>): Responder {
  return (pathname) => files[pathname];
}

export interface IsolatedServer { origin: string; close(): Promise<void> }

/** Serves the first responder's answer, with COOP/COEP so pages are cross-origin isolated. */
export function serveIsolated(...responders: Responder[]): Promise<IsolatedServer> {
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const hit = responders.map((r) => r(pathname)).find((s) => s !== undefined);
    if (hit === undefined) res.writeHead(404, ISOLATION_HEADERS).end();
    else res.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': hit.type }).end(hit.body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      if (addr === null || typeof addr === 'string') { reject(new Error('test server has no TCP port')); return; }
      resolve({
        origin: `http://127.0.0.1:${addr.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/** @mrcnn/* → their TypeScript sources, as jest's moduleNameMapper maps them (no build needed). */
const { workspaceSourcesPlugin } = require('../../scripts/workspace.cjs') as { workspaceSourcesPlugin(): esbuild.Plugin };

/**
 * Node built-ins as empty modules: for pages that bundle Node-side helpers whose file reading they
 * never call (e.g. test/helpers/tensor_dump.ts, read from fetched bytes in the page).
 */
const nodeBuiltinStubs: esbuild.Plugin = {
  name: 'node-builtin-stubs',
  setup(build) {
    const names = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
    const filter = new RegExp(`^(${names.map((m) => m.replace(/[/:]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'node-builtin-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'node-builtin-stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

export interface BundleOptions {
  /**
   * 'external' (default): Node built-ins stay (lazy) imports, as the model's Node-only paths need;
   * 'stub': they are empty modules, so a page may bundle modules that import them at top level.
   */
  nodeBuiltins?: 'external' | 'stub';
}

/**
 * A test page's TypeScript entry as one classic script (iife), @mrcnn/* from their sources;
 * Node built-ins stay lazy imports (or empty stubs, `opts.nodeBuiltins`).
 */
export async function bundlePage(entry: string, opts: BundleOptions = {}): Promise<Served> {
  const stub = opts.nodeBuiltins === 'stub';
  const built = await esbuild.build({
    entryPoints: [entry], bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'error',
    plugins: [workspaceSourcesPlugin(), ...(stub ? [nodeBuiltinStubs] : [])],
    ...(stub ? {} : { external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)] }),
  });
  return { body: built.outputFiles[0].text, type: 'text/javascript' };
}

/** An html page loading `/bundle.js`. */
export function testPageHtml(title: string): Served {
  return { body: `<!doctype html><meta charset="utf-8"><title>${title}</title><script src="/bundle.js"></script>`, type: 'text/html' };
}

export interface ChromiumSession {
  page: Page;
  /** Console lines and page errors (for failure messages). */
  console: string[];
  close(): Promise<void>;
}

/** Headless Chromium in a fresh, throw-away profile; `extraArgs` are added to the flags (e.g. a fake camera). */
export async function launchChromium(viewport = { width: 1280, height: 900 }, extraArgs: readonly string[] = []): Promise<ChromiumSession> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install it with 'apt-get install -y chromium'`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-chromium-'));
  let context: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    await context?.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS, ...extraArgs], viewport,
    });
    const page = context.pages()[0] ?? await context.newPage();
    const lines: string[] = [];
    page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
    return { page, console: lines, close };
  } catch (e) {
    await close();
    throw e;
  }
}
