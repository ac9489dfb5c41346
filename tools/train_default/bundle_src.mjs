/**
 * Runs a TS entry of this repository from source: esbuild bundles it (with @mrcnn/* aliased to
 * packages/<name>/src) into .cache/train_default_tools/, so no `npm run build` is needed. The bundle
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
    alias: {
      '@mrcnn/schema': join(ROOT, 'packages/schema/src/index.ts'),
      '@mrcnn/engine': join(ROOT, 'packages/engine/src/index.ts'),
      '@mrcnn/weights-converter': join(ROOT, 'packages/weights-converter/src/index.ts'),
    },
  });
  return outfile;
}

/** Source of an entry that runs `fn(process.argv.slice(2))` exported by `modulePath` and exits with its code. */
export function commandEntry(modulePath, fn) {
  return `import { ${fn} } from ${JSON.stringify(join(ROOT, modulePath))};\n`
    + `${fn}(process.argv.slice(2)).then((c: number) => { process.exitCode = c; });\n`;
}
