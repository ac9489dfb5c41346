#!/usr/bin/env node
// Bundles the video benchmark (bench.ts + the @mrcnn/* TypeScript sources) with esbuild into
// benchmarks/dist/video_bench.js (beside the harness's build, so its paths resolve from the repository root) and runs it with the given arguments (see the comment atop bench.ts).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const { workspaceSourcesPlugin } = createRequire(import.meta.url)('../../scripts/workspace.cjs');

await esbuild.build({
  entryPoints: [{ out: 'video_bench', in: path.join(here, 'bench.ts') }],
  outdir: path.join(root, 'benchmarks', 'dist'),
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
const r = spawnSync(process.execPath, [path.join(root, 'benchmarks', 'dist', 'video_bench.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
