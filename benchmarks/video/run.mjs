#!/usr/bin/env node
// Bundles the video benchmark (bench.ts + the @mrcnn/* TypeScript sources) with esbuild into
// benchmarks/dist/video_bench.js (beside the harness's build, so its paths resolve from the
// repository root) and runs it with the given arguments (see the comment atop bench.ts).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, repoRoot, runAndExit } from '../bundle_run.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(repoRoot, 'benchmarks', 'dist');
await bundle({ video_bench: path.join(here, 'bench.ts') }, outdir);
runAndExit(path.join(outdir, 'video_bench.js'), process.argv.slice(2));
