// Bundles the probes in this folder (TypeScript, importing workspace sources) into levers/dist/ with
// the harness's esbuild set-up: node benchmarks/levers/build_probe.mjs
import * as esbuild from 'esbuild';
import { createRequire } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { workspaceSourcesPlugin } = createRequire(import.meta.url)('../../scripts/workspace.cjs');
await esbuild.build({
  entryPoints: [path.join(here, 'memory_probe.ts')],
  outdir: path.join(here, 'dist'),
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning',
  plugins: [workspaceSourcesPlugin(), {
    name: 'npm-packages-external',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => (path.isAbsolute(args.path) ? undefined : { path: args.path, external: true }));
    },
  }],
});
