/**
 * `ensureModel(name)`: the cached tfjs model of a catalogue entry, made on first use. Under the
 * model's lock: download the checkpoint (resumable, outside the cache: cache_dir.ts), check its
 * SHA-256 against the entry's prefix as torch.hub does, convert it in process with
 * @mrcnn/weights-converter into a staging directory, record where it came from (hub.json), and
 * move it into `models/<name>` with one rename. Nothing partial is ever inside `models/`; a hash
 * mismatch deletes the download; an interrupted download resumes on the next call. Later calls
 * find the directory and touch no network.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isVariantName, ModelEntry, variant, variantNames, urlFileName } from '@mrcnn/schema';
import { convert } from '@mrcnn/weights-converter';
import { modelEntry } from './catalogue';
import { cacheRoot, modelPaths } from './cache_dir';
import { downloadToPart, DownloadOptions, removePart } from './download';
import { HashMismatchError, ModelFetchError, UnsupportedModelError } from './errors';
import { withLock } from './lock';
import { ProgressSink } from './meter';
import { hashMatches, sha256File } from './verify';

/** What the hub writes next to a converted model (`hub.json`). */
export interface HubRecord {
  name: string;
  url: string;
  /** The checkpoint's full SHA-256 (hex). */
  sha256: string;
  variant: string;
  /** Size of the checkpoint in bytes. */
  checkpointBytes: number;
  /** ISO time of the conversion. */
  fetchedAt: string;
}

export const RECORD_FILE = 'hub.json';

export interface CachedModel {
  name: string;
  /** The converted model's directory: pass it to `load()` or `--model`. */
  dir: string;
  /** Its model.json. */
  jsonPath: string;
  /** Bytes of every file in the directory. */
  bytes: number;
  /** hub.json, when the directory has a readable one. */
  record?: HubRecord;
}

export interface EnsureOptions extends DownloadOptions {
  /** Cache root (default: `cacheRoot()`: MRCNN_CACHE_DIR or the user cache directory). */
  cacheDir?: string;
  /** Download, verify and convert progress. */
  onProgress?: ProgressSink;
  /** Longest wait for another process fetching the same model (default 30 minutes). */
  lockTimeoutMs?: number;
  /** Environment for the catalogue file and the cache root (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** The cache entry in `dir`, or undefined when there is none. */
export function cachedModelAt(name: string, dir: string): CachedModel | undefined {
  const jsonPath = path.join(dir, 'model.json');
  if (!fs.existsSync(jsonPath)) return undefined;
  let bytes = 0;
  for (const f of fs.readdirSync(dir)) bytes += fs.statSync(path.join(dir, f)).size;
  let record: HubRecord | undefined;
  try {
    record = JSON.parse(fs.readFileSync(path.join(dir, RECORD_FILE), 'utf8')) as HubRecord;
  } catch {
    record = undefined;
  }
  return record === undefined ? { name, dir, jsonPath, bytes } : { name, dir, jsonPath, bytes, record };
}

/** The entry for a name or an entry; UnsupportedModelError when its architecture is not a variant here. */
export function supportedEntry(model: string | ModelEntry, env: NodeJS.ProcessEnv = process.env): ModelEntry {
  const entry = typeof model === 'string' ? modelEntry(model, env) : model;
  if (!isVariantName(entry.variant)) throw new UnsupportedModelError(entry.name, entry.variant, variantNames());
  return entry;
}

/** Removes staging directories of `name` left by a process that died converting it (we hold its lock). */
function clearStaleStaging(staging: string, name: string): void {
  if (!fs.existsSync(staging)) return;
  for (const d of fs.readdirSync(staging)) {
    if (d.startsWith(`${name}-`)) fs.rmSync(path.join(staging, d), { recursive: true, force: true });
  }
}

function removeIfEmpty(dir: string): void {
  try {
    if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  } catch {
    // absent, or not empty
  }
}

/** Downloads (or finds) the checkpoint and verifies it; returns its path and digest. */
async function verifiedCheckpoint(entry: ModelEntry, downloads: string, opts: EnsureOptions): Promise<{ file: string; sha256: string }> {
  fs.mkdirSync(downloads, { recursive: true });
  const file = path.join(downloads, urlFileName(entry.url));
  const part = `${file}.part`;
  if (!fs.existsSync(file)) {
    await downloadToPart(entry.url, part, opts);
    const sha256 = await sha256File(part, opts.onProgress);
    if (!hashMatches(sha256, entry.sha256Prefix)) {
      removePart(part);
      throw new HashMismatchError(entry.url, entry.sha256Prefix, sha256);
    }
    fs.renameSync(part, file);
    fs.rmSync(`${part}.json`, { force: true });
    return { file, sha256 };
  }
  // Verified by an earlier call that did not get to convert it: checked again (the file may have changed).
  const sha256 = await sha256File(file, opts.onProgress);
  if (!hashMatches(sha256, entry.sha256Prefix)) {
    fs.rmSync(file, { force: true });
    throw new HashMismatchError(entry.url, entry.sha256Prefix, sha256);
  }
  return { file, sha256 };
}

/** Converts the checkpoint into a staging directory and checks it is the entry's architecture. */
async function convertToStaging(entry: ModelEntry, checkpoint: string, staging: string, opts: EnsureOptions): Promise<string> {
  const out = path.join(staging, 'model');
  const size = fs.statSync(checkpoint).size;
  opts.onProgress?.({ phase: 'convert', source: checkpoint, bytes: 0, total: size, resumedFrom: 0, bytesPerSecond: 0, done: false });
  await convert(checkpoint, out, entry.labels === undefined ? {} : { labels: [...entry.labels] });
  const json = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8')) as { userDefinedMetadata?: { mrcnn?: { name?: string } } };
  const got = json.userDefinedMetadata?.mrcnn?.name;
  const want = variant(entry.variant).name;
  if (got !== want) {
    throw new ModelFetchError(entry.url, `the checkpoint converts as ${String(got)}, but the catalogue entry ${entry.name} says ${want} (variant ${entry.variant})`);
  }
  opts.onProgress?.({ phase: 'convert', source: checkpoint, bytes: size, total: size, resumedFrom: 0, bytesPerSecond: 0, done: true });
  return out;
}

/**
 * The cached model for `model` (a catalogue name or an entry), fetched, verified and converted
 * first when it is not cached. Throws UnknownModelError, UnsupportedModelError, the
 * ModelFetchError family (HashMismatchError, HttpStatusError, NetworkError), CacheBusyError, or the
 * converter's error for a checkpoint it cannot read.
 */
export async function ensureModel(model: string | ModelEntry, opts: EnsureOptions = {}): Promise<CachedModel> {
  const env = opts.env ?? process.env;
  const entry = supportedEntry(model, env);
  const paths = modelPaths(opts.cacheDir ?? cacheRoot(env), entry.name);
  const cached = cachedModelAt(entry.name, paths.model);
  if (cached !== undefined) return cached;
  return withLock(paths.lock, async () => {
    const done = cachedModelAt(entry.name, paths.model); // another process may have made it meanwhile
    if (done !== undefined) return done;
    clearStaleStaging(paths.staging, entry.name);
    let checkpoint: { file: string; sha256: string };
    try {
      checkpoint = await verifiedCheckpoint(entry, paths.downloads, opts);
    } catch (e) {
      removeIfEmpty(paths.downloads); // a failure that kept no part leaves no trace
      throw e;
    }
    const { file, sha256 } = checkpoint;
    fs.mkdirSync(paths.staging, { recursive: true });
    const staging = fs.mkdtempSync(path.join(paths.staging, `${entry.name}-`));
    try {
      const out = await convertToStaging(entry, file, staging, opts);
      const record: HubRecord = {
        name: entry.name, url: entry.url, sha256, variant: entry.variant,
        checkpointBytes: fs.statSync(file).size, fetchedAt: new Date().toISOString(),
      };
      fs.writeFileSync(path.join(out, RECORD_FILE), `${JSON.stringify(record, null, 1)}\n`);
      fs.mkdirSync(path.dirname(paths.model), { recursive: true });
      fs.renameSync(out, paths.model);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    fs.rmSync(paths.downloads, { recursive: true, force: true }); // the checkpoint is in the cache now, converted
    const made = cachedModelAt(entry.name, paths.model);
    if (made === undefined) throw new Error(`${paths.model}: missing right after its rename`);
    return made;
  }, { timeoutMs: opts.lockTimeoutMs });
}
