#!/usr/bin/env node
// Bundles the RoIAlign micro-benchmark (cli.ts + @mrcnn/engine's TypeScript sources) with esbuild
// into benchmarks/roi_align/dist/ and runs it with the given arguments (see cli.ts);
// `run.mjs conv-threads ...` runs the wasm thread-scaling probe instead (conv_threads.ts),
// `run.mjs chromium ...` the benchmark in headless Chromium (chromium.ts, webgl and wasm).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const { workspaceSourcesPlugin } = createRequire(import.meta.url)('../../scripts/workspace.cjs');
const entries = { 'roi_align_bench': 'cli.ts', 'conv_threads': 'conv_threads.ts', 'roi_align_chromium': 'chromium.ts' };
const modes = { 'conv-threads': 'conv_threads.js', 'chromium': 'roi_align_chromium.js' };

await esbuild.build({
  entryPoints: Object.entries(entries).map(([out, src]) => ({ out, in: path.join(here, src) })),
  outdir: path.join(here, 'dist'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  plugins: [workspaceSourcesPlugin(), {
    name: 'npm-packages-external',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => (path.isAbsolute(args.path) ? undefined : { path: args.path, external: true }));
    },
  }],
});
const mode = modes[process.argv[2]];
const outfile = path.join(here, 'dist', mode ?? 'roi_align_bench.js');
const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(mode ? 3 : 2)], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
