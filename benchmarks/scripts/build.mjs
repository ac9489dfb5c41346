// Bundles the harness (src/ plus the workspace packages' sources it imports) into dist/ with
// esbuild: command.js (package main, `mrcnn bench`), cli.js (`npm run bench`), worker.js (one
// subject per process). npm packages stay external; @mrcnn/* resolve to their TypeScript sources,
// so the harness and the model share one copy of each workspace module.
import * as esbuild from 'esbuild';
import * as path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const WORKSPACE = { '@mrcnn/schema': 'packages/schema', '@mrcnn/engine': 'packages/engine', '@mrcnn/model': 'packages/model', '@mrcnn/weights-converter': 'packages/weights-converter' };

const workspaceSources = {
  name: 'workspace-sources',
  setup(build) {
    build.onResolve({ filter: /^@mrcnn\// }, (args) => {
      const dir = WORKSPACE[args.path];
      if (dir === undefined) return { path: args.path, external: true };
      return { path: path.join(root, dir, 'src', 'index.ts') };
    });
    build.onResolve({ filter: /^[^./]/ }, (args) => (path.isAbsolute(args.path) ? undefined : { path: args.path, external: true }));
  },
};

await esbuild.build({
  entryPoints: ['command', 'cli', 'worker'].map((n) => path.join(here, '..', 'src', `${n}.ts`)),
  outdir: path.join(here, '..', 'dist'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [workspaceSources],
});
