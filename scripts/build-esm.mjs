#!/usr/bin/env node
/**
 * ES module builds of the @mrcnn packages with esbuild, run from a package folder
 * (`node ../../scripts/build-esm.mjs`, part of each package's `npm run build`):
 *
 *   dist/esm/index.mjs   the package's src/index.ts as an ES module; its dependencies
 *                        (@tensorflow/*, @mrcnn/*, ...) and Node built-ins stay imports, so a
 *                        bundler (Vite, webpack, esbuild) resolves one shared tfjs. Found through
 *                        the package.json "exports" (import condition) and "module" fields.
 *   dist/esm/internal.mjs   src/internal.ts (the `internal` subpath export) where the package has
 *                        one; modules both entries use sit in shared chunks (dist/esm/chunk-*.mjs),
 *                        so the two entries share one copy of each class.
 *
 * and, for @mrcnn/model only, a self-contained build for a plain `<script type="module">`:
 *
 *   dist/browser/mrcnn.mjs   model + engine + schema + tfjs-core and the cpu, wasm, webgl and webgpu
 *                            backends (each loaded by the engine's registry entry: bundled in, run only
 *                            when `engine.initBackend` asks for it), exporting the model API, `engine`
 *                            and `tf` (the same tfjs instance);
 *   dist/browser/tfjs-backend-wasm*.wasm   tfjs's wasm binaries, found next to the module
 *                            (the engine's RoIAlign wasm is inlined in the bundle as base64);
 *                            no source map (see below). Modules a package maps to false in its
 *                            package.json "browser" field (pngjs, Node built-ins) are left out.
 *
 * Nothing is fetched from the network at build time or at run time.
 */
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = process.cwd();
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const TARGET = 'es2020';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** @mrcnn/* → their TypeScript sources (as jest maps them), so bundles never need another package's dist. */
const { workspaceSourcesPlugin } = createRequire(import.meta.url)('./workspace.cjs');

async function buildPackageModule() {
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies });
  const outdir = join(pkgDir, 'dist', 'esm');
  const entries = ['index', 'internal'].filter((n) => existsSync(join(pkgDir, 'src', `${n}.ts`)));
  rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: Object.fromEntries(entries.map((n) => [n, join(pkgDir, 'src', `${n}.ts`)])),
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunk-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: TARGET,
    external: [...deps, ...deps.map((d) => `${d}/*`), ...nodeBuiltins],
    sourcemap: true,
    logLevel: 'warning',
  });
  return entries.map((n) => join(outdir, `${n}.mjs`));
}

/** tfjs-backend-wasm's dist folder (where its .wasm binaries are). */
function tfjsWasmDist() {
  const require = createRequire(join(ROOT, 'packages', 'engine', 'package.json'));
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

const TFJS_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/**
 * Node built-ins as empty CommonJS modules in the browser bundle: Node-only code paths (file
 * reading, CLI commands) import them, statically or lazily, and never run in a page.
 */
const nodeBuiltinStubs = {
  name: 'node-builtin-stubs',
  setup(build) {
    const filter = new RegExp(`^(${nodeBuiltins.map((m) => m.replace(/[/:]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'node-builtin-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'node-builtin-stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

async function buildStandaloneBrowserModule() {
  const outDir = join(pkgDir, 'dist', 'browser');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(ROOT, 'scripts', 'esm', 'browser_entry.ts')],
    outfile: join(outDir, 'mrcnn.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: TARGET,
    plugins: [workspaceSourcesPlugin(), nodeBuiltinStubs],
    minify: true,
    // No keepNames: it inserts __name() calls into tfjs-wasm's Emscripten factory, which tfjs hands
    // to its worker threads as source text, and the threaded wasm backend then never starts. So in
    // this bundle an error's `name` (new.target.name) is the minified class name: test `instanceof`.
    // No source map: it would be 5.5 MB of mostly tfjs in every installed @mrcnn/model (debug with
    // the package's ES module build, dist/esm, whose maps are small).
    sourcemap: false,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  const from = tfjsWasmDist();
  for (const f of TFJS_WASM_FILES) copyFileSync(join(from, f), join(outDir, f));
  return outDir;
}

const built = await buildPackageModule();
if (pkg.name === '@mrcnn/model') built.push(await buildStandaloneBrowserModule());
console.log(`build-esm ${pkg.name}: ${built.map((p) => p.slice(ROOT.length + 1)).join(', ')}`);
