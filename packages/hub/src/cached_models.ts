/**
 * What the cache holds: the converted models under `<root>/models/`, and removing one. Partial
 * files (downloads, staging) are not models and are not listed; `removeCachedModel` takes the
 * model's lock, so it never removes a model another process is about to use it as it is made.
 */
import * as fs from 'fs';
import * as path from 'path';
import { cacheRoot, modelPaths } from './cache_dir';
import { cachedModelAt, CachedModel } from './ensure_model';
import { withLock } from './lock';

export interface CacheOptions {
  /** Cache root (default `cacheRoot()`). */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** The cached models, by name. */
export function cachedModels(opts: CacheOptions = {}): CachedModel[] {
  const dir = path.join(opts.cacheDir ?? cacheRoot(opts.env), 'models');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).sort()
    .map((name) => cachedModelAt(name, path.join(dir, name)))
    .filter((m): m is CachedModel => m !== undefined);
}

/** The cached model called `name`, or undefined (no network, no conversion). */
export function cachedModel(name: string, opts: CacheOptions = {}): CachedModel | undefined {
  return cachedModelAt(name, modelPaths(opts.cacheDir ?? cacheRoot(opts.env), name).model);
}

/**
 * Removes the cached model `name` and any partial download of it; resolves to the bytes freed
 * (0 when nothing was there).
 */
export async function removeCachedModel(name: string, opts: CacheOptions = {}): Promise<number> {
  const paths = modelPaths(opts.cacheDir ?? cacheRoot(opts.env), name);
  return withLock(paths.lock, async () => {
    let freed = 0;
    const m = cachedModelAt(name, paths.model);
    if (m !== undefined) freed += m.bytes;
    if (fs.existsSync(paths.downloads)) {
      for (const f of fs.readdirSync(paths.downloads)) freed += fs.statSync(path.join(paths.downloads, f)).size;
    }
    // Out of models/ first (one rename), then deleted: a reader never sees half a model.
    if (fs.existsSync(paths.model)) {
      const doomed = `${paths.staging}${path.sep}${name}-removed-${process.pid}`;
      fs.mkdirSync(paths.staging, { recursive: true });
      fs.renameSync(paths.model, doomed);
      fs.rmSync(doomed, { recursive: true, force: true });
    }
    fs.rmSync(paths.downloads, { recursive: true, force: true });
    return freed;
  });
}
