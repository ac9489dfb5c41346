// Bundles the probes in this folder (TypeScript, importing workspace sources) into levers/dist/ with
// the harness's esbuild set-up: node benchmarks/levers/build_probe.mjs
import * as esbuild from 'esbuild';
import * as path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const WORKSPACE = { '@mrcnn/schema': 'packages/schema', '@mrcnn/engine': 'packages/engine', '@mrcnn/model': 'packages/model', '@mrcnn/weights-converter': 'packages/weights-converter' };
await esbuild.build({
  entryPoints: [path.join(here, 'memory_probe.ts')],
  outdir: path.join(here, 'dist'),
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning',
  plugins: [{
    name: 'workspace-sources',
    setup(build) {
      build.onResolve({ filter: /^@mrcnn\// }, (args) => {
        const dir = WORKSPACE[args.path];
        return dir === undefined ? { path: args.path, external: true } : { path: path.join(root, dir, 'src', 'index.ts') };
      });
      build.onResolve({ filter: /^[^./]/ }, (args) => (path.isAbsolute(args.path) ? undefined : { path: args.path, external: true }));
    },
  }],
});
