// Shared by the benchmarks that run from TypeScript sources without a build step
// (benchmarks/roi_align/run.mjs, benchmarks/video/run.mjs): bundles entry points with esbuild —
// the @mrcnn/* packages from their TypeScript sources, npm packages left external — then runs one
// of the bundles with node from the repository root and exits with its status.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { workspaceSourcesPlugin } = createRequire(import.meta.url)('../scripts/workspace.cjs');

/** Bundles `entries` ({ outName: absolute source path }) into `outdir` as CommonJS for Node 20. */
export async function bundle(entries, outdir) {
  await esbuild.build({
    entryPoints: Object.entries(entries).map(([out, src]) => ({ out, in: src })),
    outdir,
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
}

/** Runs a bundled file with `args` from the repository root and exits with its status. */
export function runAndExit(file, args) {
  const r = spawnSync(process.execPath, [file, ...args], { stdio: 'inherit', cwd: repoRoot });
  process.exit(r.status ?? 1);
}
