/**
 * The workspace packages' import names and the TypeScript source each one stands for. Jest's
 * moduleNameMapper and the esbuild bundles of sources (ES module builds, the benchmark harness,
 * test pages, tools) read this one table; tsconfig `paths` (benchmarks/tsconfig.json) mirror it.
 * A package entry point (an `exports` subpath such as `@mrcnn/model/internal`) is one line here.
 */
const path = require('path');

const fs = require('fs');

/**
 * The repository root: the first folder up from here holding packages/schema. Not simply `..`:
 * bundled into benchmarks/dist (the harness), __dirname is that folder, not scripts/.
 */
function findRoot(start) {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'packages', 'schema', 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, '..');
  }
}

const ROOT = findRoot(__dirname);

/** Import name → source file, relative to the repository root. */
const WORKSPACE_ENTRIES = {
  '@mrcnn/schema': 'packages/schema/src/index.ts',
  '@mrcnn/engine': 'packages/engine/src/index.ts',
  '@mrcnn/engine/internal': 'packages/engine/src/internal.ts',
  '@mrcnn/weights-converter': 'packages/weights-converter/src/index.ts',
  '@mrcnn/weights-converter/internal': 'packages/weights-converter/src/internal.ts',
  '@mrcnn/hub': 'packages/hub/src/index.ts',
  '@mrcnn/model': 'packages/model/src/index.ts',
  '@mrcnn/model/internal': 'packages/model/src/internal.ts',
  '@mrcnn/queue': 'packages/queue/src/index.ts',
  '@mrcnn/worker-pool': 'packages/worker-pool/src/index.ts',
  '@mrcnn/server': 'packages/server/src/index.ts',
  '@mrcnn/server/client': 'packages/server/src/client.ts',
  '@mrcnn/video': 'packages/video/src/index.ts',
  '@mrcnn/video/node': 'packages/video/src/node/index.ts',
  '@mrcnn/cli': 'packages/cli/src/index.ts',
  '@mrcnn/benchmarks': 'benchmarks/src/index.ts',
};

/** Import name → absolute source path (`root`: the repository, when this file runs bundled elsewhere). */
function workspaceSources(root = ROOT) {
  return Object.fromEntries(Object.entries(WORKSPACE_ENTRIES).map(([name, file]) => [name, path.join(root, file)]));
}

/** Jest moduleNameMapper entries (`^@mrcnn/model/internal$` → `<rootDir>/packages/model/src/internal.ts`). */
function jestModuleNameMapper() {
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return Object.fromEntries(Object.entries(WORKSPACE_ENTRIES).map(([name, file]) => [`^${escape(name)}$`, `<rootDir>/${file}`]));
}

/**
 * An esbuild plugin resolving the workspace's import names to their sources (exact names, so a
 * subpath never lands on its package's index); other @mrcnn/* names resolve as usual.
 */
function workspaceSourcesPlugin({ root = ROOT } = {}) {
  const sources = workspaceSources(root);
  return {
    name: 'mrcnn-workspace-sources',
    setup(build) {
      build.onResolve({ filter: /^@mrcnn\// }, (args) => {
        const file = sources[args.path];
        return file === undefined ? undefined : { path: file };
      });
    },
  };
}

module.exports = { ROOT, WORKSPACE_ENTRIES, workspaceSources, jestModuleNameMapper, workspaceSourcesPlugin };
