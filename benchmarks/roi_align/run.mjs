#!/usr/bin/env node
// Bundles the RoIAlign micro-benchmark (cli.ts + @mrcnn/engine's TypeScript sources) with esbuild
// into benchmarks/roi_align/dist/ and runs it with the given arguments (see cli.ts);
// `run.mjs conv-threads ...` runs the wasm thread-scaling probe instead (conv_threads.ts),
// `run.mjs chromium ...` the benchmark in headless Chromium (chromium.ts, webgl and wasm).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, runAndExit } from '../bundle_run.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const entries = { roi_align_bench: 'cli.ts', conv_threads: 'conv_threads.ts', roi_align_chromium: 'chromium.ts' };
const modes = { 'conv-threads': 'conv_threads.js', chromium: 'roi_align_chromium.js' };

await bundle(Object.fromEntries(Object.entries(entries).map(([out, src]) => [out, path.join(here, src)])), path.join(here, 'dist'));
const mode = modes[process.argv[2]];
runAndExit(path.join(here, 'dist', mode ?? 'roi_align_bench.js'), process.argv.slice(mode ? 3 : 2));
