/**
 * A tfjs IOHandler for a model.json URL that reports byte progress and can keep the model in the
 * browser's Cache API for the next visit (what `load(url, { cache, onFetchProgress })` uses; a
 * plain `load(url)` keeps tfjs's `tf.io.http`).
 *
 * - model.json is read first; its manifest is validated (shard paths stay under its URL) and gives
 *   the total bytes; the shards are streamed, counting bytes (`FetchProgress`: phase 'download' for
 *   bytes from the network, 'cache' for bytes from the cache; `bytes`/`total` over all the weights).
 * - With a cache, a shard is stored once it is complete and its group's byte count checks out,
 *   model.json last: a cached model.json means its shards were stored. On the next load every file
 *   comes from the cache with no request; a shard missing from it (evicted) is fetched again. A
 *   cached copy whose sizes do not match its manifest is deleted and the model loaded from the network.
 * - The cache is keyed by the absolute URLs: a new model version belongs at a new URL, or call
 *   `deleteCachedModel(url)`. Where the Cache API is absent (Node, a page that is not a secure
 *   context), `cache` changes nothing.
 * Ownership: the returned artifacts' buffers are fresh copies owned by the caller (tfjs decodes them).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { FetchProgress } from '@mrcnn/schema';
import { ModelLoadError } from '../errors';
import { validateManifest } from './manifest';

/** The Cache API bucket `cache: true` uses. */
export const DEFAULT_MODEL_CACHE = 'mrcnn-models';

export interface UrlHandlerOptions {
  /** Keep model.json and shards in the Cache API (true: the 'mrcnn-models' cache; a string: that cache). */
  cache?: boolean | string;
  onProgress?: (p: FetchProgress) => void;
  fetchFunc?: typeof fetch;
  requestInit?: RequestInit;
}

type Caches = { open(name: string): Promise<Cache>; delete(name: string): Promise<boolean> };

function cacheStorage(): Caches | undefined {
  const c = (globalThis as { caches?: Caches }).caches;
  return c !== undefined && typeof c.open === 'function' ? c : undefined;
}

function cacheName(option: boolean | string | undefined): string | undefined {
  if (option === undefined || option === false) return undefined;
  return option === true ? DEFAULT_MODEL_CACHE : option;
}

function absolute(url: string): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  return new URL(url, base).href;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Counter {
  total?: number;
  bytes: number;
  t0: number;
  last: number;
  report(phase: 'download' | 'cache', source: string, done: boolean): void;
}

function counter(sink: ((p: FetchProgress) => void) | undefined): Counter {
  const c: Counter = {
    bytes: 0, t0: Date.now(), last: 0,
    report(phase, source, done) {
      if (sink === undefined) return;
      const now = Date.now();
      if (!done && now - c.last < 100) return;
      c.last = now;
      const seconds = (now - c.t0) / 1000;
      const rate = seconds > 0 ? c.bytes / seconds : 0;
      const p: FetchProgress = { phase, source, bytes: c.bytes, resumedFrom: 0, bytesPerSecond: rate, done };
      if (c.total !== undefined) {
        p.total = c.total;
        if (rate > 0) p.etaSeconds = Math.max(0, c.total - c.bytes) / rate;
      }
      sink(p);
    },
  };
  return c;
}

/** A response's body as bytes, counting them into `count` as they arrive. */
async function readCounting(res: Response, url: string, phase: 'download' | 'cache', count: Counter | undefined): Promise<Uint8Array<ArrayBuffer>> {
  if (res.body === null || typeof res.body.getReader !== 'function') {
    const all = new Uint8Array(await res.arrayBuffer());
    if (count !== undefined) { count.bytes += all.byteLength; count.report(phase, url, false); }
    return all;
  }
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.byteLength;
    if (count !== undefined) { count.bytes += value.byteLength; count.report(phase, url, false); }
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out;
}

interface Fetched { bytes: Uint8Array<ArrayBuffer>; fromCache: boolean }

async function getFile(url: string, cache: Cache | undefined, opts: UrlHandlerOptions, count?: Counter): Promise<Fetched> {
  const hit = cache === undefined ? undefined : await cache.match(url);
  if (hit !== undefined) return { bytes: await readCounting(hit, url, 'cache', count), fromCache: true };
  const f = opts.fetchFunc ?? fetch;
  let res: Response;
  try {
    res = await f(url, opts.requestInit);
  } catch (cause) {
    throw new ModelLoadError(url, `request failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (!res.ok) throw new ModelLoadError(url, `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  return { bytes: await readCounting(res, url, 'download', count), fromCache: false };
}

/** The URL's model (model.json + shards) read once: bytes per shard and the parsed JSON. */
async function fetchModel(jsonUrl: string, cache: Cache | undefined, opts: UrlHandlerOptions): Promise<tf.io.ModelArtifacts> {
  const json = await getFile(jsonUrl, cache, opts);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(json.bytes));
  } catch (cause) {
    throw new ModelLoadError(jsonUrl, 'model.json is not valid JSON', { cause });
  }
  if (!isRecord(parsed)) throw new ModelLoadError(jsonUrl, 'model.json must hold a JSON object');
  const manifest = validateManifest(parsed.weightsManifest, jsonUrl);
  const count = counter(opts.onProgress);
  count.total = manifest.byteLength;
  const stored: Array<[string, Uint8Array<ArrayBuffer>]> = [];
  const buffers: ArrayBuffer[] = [];
  let phase: 'download' | 'cache' = json.fromCache ? 'cache' : 'download';
  for (const [gi, group] of manifest.groups.entries()) {
    let groupBytes = 0;
    for (const rel of group.paths) {
      const shardUrl = new URL(rel, jsonUrl).href;
      const shard = await getFile(shardUrl, cache, opts, count);
      if (!shard.fromCache) { phase = 'download'; stored.push([shardUrl, shard.bytes]); }
      groupBytes += shard.bytes.byteLength;
      buffers.push(shard.bytes.buffer.slice(shard.bytes.byteOffset, shard.bytes.byteOffset + shard.bytes.byteLength) as ArrayBuffer);
    }
    if (groupBytes !== group.byteLength) {
      throw new ModelLoadError(jsonUrl, `weightsManifest[${gi}]: shards ${group.paths.join(', ')} hold ${groupBytes} bytes, `
        + `the weights listed need ${group.byteLength}`);
    }
  }
  count.report(phase, jsonUrl, true);
  if (cache !== undefined) {
    for (const [u, b] of stored) await cache.put(u, new Response(b, { headers: { 'Content-Type': 'application/octet-stream' } }));
    if (!json.fromCache) await cache.put(jsonUrl, new Response(json.bytes, { headers: { 'Content-Type': 'application/json' } }));
  }
  const artifacts: tf.io.ModelArtifacts = { weightSpecs: manifest.specs, weightData: buffers };
  if (typeof parsed.format === 'string') artifacts.format = parsed.format;
  if (typeof parsed.generatedBy === 'string') artifacts.generatedBy = parsed.generatedBy;
  if (typeof parsed.convertedBy === 'string') artifacts.convertedBy = parsed.convertedBy;
  if (isRecord(parsed.userDefinedMetadata)) artifacts.userDefinedMetadata = parsed.userDefinedMetadata as {};
  return artifacts;
}

/** The URLs of model.json and its shards (for deleting them from a cache). */
async function cachedUrls(jsonUrl: string, cache: Cache): Promise<string[]> {
  const hit = await cache.match(jsonUrl);
  const urls = [jsonUrl];
  if (hit === undefined) return urls;
  try {
    const parsed = JSON.parse(await hit.text()) as { weightsManifest?: Array<{ paths?: unknown }> };
    for (const g of parsed.weightsManifest ?? []) {
      if (Array.isArray(g.paths)) for (const p of g.paths) if (typeof p === 'string') urls.push(new URL(p, jsonUrl).href);
    }
  } catch {
    // an unreadable cached model.json: only it is deleted
  }
  return urls;
}

/**
 * Removes the model at `url` (model.json and the shards it lists) from the cache (default
 * 'mrcnn-models'); resolves to whether model.json was cached. False where there is no Cache API.
 */
export async function deleteCachedModel(url: string, cache: string = DEFAULT_MODEL_CACHE): Promise<boolean> {
  const storage = cacheStorage();
  if (storage === undefined) return false;
  const c = await storage.open(cache);
  const jsonUrl = absolute(url);
  const urls = await cachedUrls(jsonUrl, c);
  const had = await c.delete(jsonUrl);
  for (const u of urls.slice(1)) await c.delete(u);
  return had;
}

/** The IOHandler for a model.json URL with progress and, optionally, the Cache API. */
export function urlModelHandler(url: string, opts: UrlHandlerOptions = {}): tf.io.IOHandler {
  return {
    load: async () => {
      const jsonUrl = absolute(url);
      const name = cacheName(opts.cache);
      const storage = name === undefined ? undefined : cacheStorage();
      const cache = storage === undefined || name === undefined ? undefined : await storage.open(name);
      try {
        return await fetchModel(jsonUrl, cache, opts);
      } catch (e) {
        if (cache === undefined || !(e instanceof ModelLoadError) || (await cache.match(jsonUrl)) === undefined) throw e;
        // A damaged cached copy: forget it and load from the network.
        for (const u of await cachedUrls(jsonUrl, cache)) await cache.delete(u);
        return fetchModel(jsonUrl, cache, opts);
      }
    },
  };
}
