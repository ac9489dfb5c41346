/**
 * @mrcnn/hub (Node): named models. `ensureModel('torchvision-maskrcnn-coco')` downloads the
 * checkpoint from the URL its publisher uses (resuming an interrupted download with HTTP Range),
 * checks its SHA-256 the way torch.hub does, converts it once with @mrcnn/weights-converter and
 * caches the tfjs model (MRCNN_CACHE_DIR or the user cache directory); later calls read the cache.
 * `@mrcnn/model`'s `load('<name>')` and `mrcnn ... --model <name>` go through it. See README.md.
 */
export {
  ModelFetchError, HashMismatchError, HttpStatusError, NetworkError, UnknownModelError, UnsupportedModelError,
  CatalogueError, CacheBusyError, byHand,
} from './errors';
export {
  CATALOGUE_ENV, registerModel, unregisterModel, knownModels, findModel, modelEntry, catalogueFileEntries,
} from './catalogue';
export { CACHE_ENV, cacheRoot, modelPaths } from './cache_dir';
export type { ModelPaths } from './cache_dir';
export { ensureModel, supportedEntry, RECORD_FILE } from './ensure_model';
export type { CachedModel, EnsureOptions, HubRecord } from './ensure_model';
export { cachedModels, cachedModel, removeCachedModel } from './cached_models';
export type { CacheOptions } from './cached_models';
export { exportModel, ExportExistsError } from './export_model';
export type { ExportOptions, ExportSummary } from './export_model';
export { downloadToPart } from './download';
export type { DownloadOptions } from './download';
export { sha256File, hashMatches } from './verify';
export type { ProgressSink } from './meter';
export type { FetchProgress, FetchPhase, ModelEntry } from '@mrcnn/schema';
