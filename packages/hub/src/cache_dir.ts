/**
 * Where the hub keeps its files. The root is `MRCNN_CACHE_DIR` when set, else `mrcnn` in the
 * platform's user cache directory: `$XDG_CACHE_HOME` (absolute) or `~/.cache` on Linux and other
 * Unix systems, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows. Under it:
 *
 *   models/<name>/            a converted model, complete (it appears only by one rename)
 *   downloads/<name>/<file>   a checkpoint being downloaded (`<file>.part`, resumed by HTTP Range),
 *                             or downloaded and verified, waiting to be converted
 *   staging/<name>-<random>/  a conversion in progress (removed on failure, and when stale)
 *   locks/<name>.lock         held by the process fetching <name> (its pid)
 *
 * Only `models/` is the cache proper; everything partial lives beside it, never inside it.
 */
import * as os from 'os';
import * as path from 'path';

export const CACHE_ENV = 'MRCNN_CACHE_DIR';

/** The cache root for an environment, platform and home directory (the process's by default). */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform,
  home: string = os.homedir()): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const override = env[CACHE_ENV];
  if (override !== undefined && override !== '') return p.resolve(override);
  let base: string;
  if (platform === 'win32') base = env.LOCALAPPDATA || p.join(home, 'AppData', 'Local');
  else if (platform === 'darwin') base = p.join(home, 'Library', 'Caches');
  else base = env.XDG_CACHE_HOME && p.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : p.join(home, '.cache');
  return p.join(base, 'mrcnn');
}

/** The paths of one model's files under `root`. */
export interface ModelPaths {
  root: string;
  /** The converted model (the cache entry). */
  model: string;
  /** Where its checkpoint is downloaded. */
  downloads: string;
  /** Parent of its conversions in progress. */
  staging: string;
  lock: string;
}

export function modelPaths(root: string, name: string): ModelPaths {
  return {
    root,
    model: path.join(root, 'models', name),
    downloads: path.join(root, 'downloads', name),
    staging: path.join(root, 'staging'),
    lock: path.join(root, 'locks', `${name}.lock`),
  };
}
