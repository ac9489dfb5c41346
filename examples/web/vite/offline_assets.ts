/**
 * Vite plugin: files from folders outside the page's source (tfjs-wasm's binaries, the default
 * model, sample images) served under URL prefixes by the dev server and written into the build,
 * so the page works offline with nothing fetched from a CDN. A folder that does not exist is
 * skipped (the page says so when it fetches from it).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Plugin } from 'vite';

export interface AssetFolder {
  /** URL prefix below the page's base, e.g. 'tfjs-wasm/'. */
  prefix: string;
  dir: string;
  /** Only these file names (default: every file directly in `dir`). */
  only?: readonly string[];
}

const TYPES: Record<string, string> = {
  '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg',
};

function filesOf(folder: AssetFolder): string[] {
  if (!fs.existsSync(folder.dir)) return [];
  const names = fs.readdirSync(folder.dir).filter((n) => fs.statSync(path.join(folder.dir, n)).isFile());
  return folder.only ? names.filter((n) => folder.only!.includes(n)) : names;
}

export function offlineAssets(folders: readonly AssetFolder[]): Plugin {
  return {
    name: 'mrcnn-offline-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://localhost').pathname;
        for (const folder of folders) {
          const at = `${server.config.base}${folder.prefix}`;
          if (!url.startsWith(at)) continue;
          const name = decodeURIComponent(url.slice(at.length));
          if (!filesOf(folder).includes(name)) break;
          res.setHeader('Content-Type', TYPES[path.extname(name)] ?? 'application/octet-stream');
          res.end(fs.readFileSync(path.join(folder.dir, name)));
          return;
        }
        next();
      });
    },
    generateBundle() {
      for (const folder of folders) {
        for (const name of filesOf(folder)) {
          this.emitFile({ type: 'asset', fileName: `${folder.prefix}${name}`, source: fs.readFileSync(path.join(folder.dir, name)) });
        }
      }
    },
  };
}
