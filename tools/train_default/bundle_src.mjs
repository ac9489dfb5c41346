/**
 * Runs a TS entry of this repository from source: esbuild bundles it (with @mrcnn/* resolved to
 * their sources by scripts/workspace.cjs) into .cache/train_default_tools/, so no `npm run build`
 * is needed. The bundle
 * lives inside the repository so that node resolves tfjs-backend-wasm (kept external) from node_modules.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Bundles `code` (a TS module body; import paths absolute) to a CJS file; returns its path. */
export async function bundleEntry(name, code) {
  const dir = join(ROOT, '.cache', 'train_default_tools');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `${name}.cjs`);
  const esbuild = createRequire(join(ROOT, 'packages/engine/package.json'))('esbuild');
  await esbuild.build({
    stdin: { contents: code, loader: 'ts', resolveDir: ROOT },
    bundle: true, platform: 'node', outfile, logLevel: 'error',
    external: ['@tensorflow/tfjs-backend-wasm'],
    plugins: [createRequire(import.meta.url)('../../scripts/workspace.cjs').workspaceSourcesPlugin()],
  });
  return outfile;
}

/** Source of an entry that runs `mrcnn <command> ...process.argv.slice(2)` (@mrcnn/cli) and exits with its code. */
export function cliEntry(command) {
  return "import { main } from '@mrcnn/cli';\n"
    + `main([${JSON.stringify(command)}, ...process.argv.slice(2)]).then((c: number) => { process.exitCode = c; });\n`;
}
