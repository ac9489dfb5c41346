// Bundles the harness (src/ plus the workspace packages' sources it imports) into dist/ with
// esbuild: index.js (the package main: the programmatic API `mrcnn bench` of @mrcnn/cli calls),
// worker.js (one subject per process) and serve_load.js (the load benchmark of `mrcnn serve`,
// npm run bench:serve). npm packages stay external; @mrcnn/* resolve to their
// TypeScript sources (scripts/workspace.cjs), so the harness and the model share one copy of
// each workspace module.
import * as esbuild from 'esbuild';
import { rmSync } from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { workspaceSourcesPlugin } = createRequire(import.meta.url)('../../scripts/workspace.cjs');

const npmPackagesExternal = {
  name: 'npm-packages-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (path.isAbsolute(args.path) ? undefined : { path: args.path, external: true }));
  },
};

const outdir = path.join(here, '..', 'dist');
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: [
    ...['index', 'worker'].map((n) => ({ out: n, in: path.join(here, '..', 'src', `${n}.ts`) })),
    { out: 'serve_load', in: path.join(here, '..', 'src', 'serve_load', 'run_load.ts') },
  ],
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [workspaceSourcesPlugin(), npmPackagesExternal],
});
