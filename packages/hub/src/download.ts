/**
 * Downloads a URL into a `.part` file with resume: what an earlier attempt left in the part is
 * asked for again from its end (`Range: bytes=<size>-`, with `If-Range` when the server gave an
 * ETag or Last-Modified), a connection dropped mid-body is resumed the same way (up to `retries`
 * times in one call), and the part survives a failed call for the next one. Node's fetch (undici):
 * no native dependency. The part's sidecar `<part>.json` records the URL and the validator, so a
 * part of another URL is never resumed.
 *
 * A connection reset before the answer (a kept-alive socket the server had closed) is retried too.
 * Server answers: 200 → the whole file (the part restarts from 0); 206 → the rest, appended when its
 * Content-Range starts at the part's size; 416 → the part is already the whole file when Content-Range
 * says `*\/<part size>` (otherwise it restarts); any other status → HttpStatusError. Errors before a
 * response (refused, unknown host, timeout) → NetworkError at once; no bytes for `timeoutMs` → a
 * dropped connection.
 */
import * as fs from 'fs';
import { HttpStatusError, NetworkError } from './errors';
import { Meter, ProgressSink } from './meter';

export interface DownloadOptions {
  onProgress?: ProgressSink;
  /** Resumptions after a connection dropped mid-body, within this call (default 3). */
  retries?: number;
  /** No response headers, or no body bytes, for this long counts as a failure (default 60 s). */
  timeoutMs?: number;
  /** Pause before each resumption (default 500 ms). */
  retryDelayMs?: number;
}

interface PartMeta {
  url: string;
  /** ETag (strong) or Last-Modified of the response the part came from. */
  validator?: string;
}

const USER_AGENT = 'mrcnn-hub';
/** Failures of an established connection (retried); refused, unknown host and timeouts are not. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function partSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function readMeta(file: string): PartMeta | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as PartMeta;
    return typeof m.url === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

function writeMeta(file: string, meta: PartMeta): void {
  fs.writeFileSync(`${file}.json`, JSON.stringify(meta));
}

/** Removes a part and its sidecar. */
export function removePart(file: string): void {
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.json`, { force: true });
}

/** The cause chain's system error code (undici wraps them: TypeError('fetch failed', { cause })). */
function errorCode(e: unknown): string | undefined {
  for (let c: unknown = e, i = 0; c !== undefined && c !== null && i < 5; c = (c as { cause?: unknown }).cause, i++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The messages of the cause chain ('fetch failed: connect ECONNREFUSED 127.0.0.1:8000'); errors may come from another realm. */
function describe(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, i = 0; c !== undefined && c !== null && i < 5; c = (c as { cause?: unknown }).cause, i++) {
    const m = (c as { message?: unknown }).message;
    if (typeof m === 'string' && m !== '' && !parts.includes(m)) parts.push(m);
  }
  return parts.join(': ') || String(e);
}

/** Content-Range "bytes 100-199/1000" → { start: 100, total: 1000 }; "bytes *\/1000" → { total: 1000 }. */
function contentRange(h: string | null): { start?: number; total?: number } {
  const m = h === null ? null : /^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/i.exec(h.trim());
  if (m === null) return {};
  return { start: m[1] === undefined ? undefined : Number(m[1]), total: m[2] === '*' ? undefined : Number(m[2]) };
}

/** A failure within one attempt: a dropped body may be resumed; the others end the call. */
class Dropped extends Error {
  constructor(readonly reason: string, readonly code: string | undefined, readonly inner: unknown) {
    super(reason);
  }
}

/** Streams `body` onto the end of `file`; Dropped on a stall, a reset or an early end. */
async function appendBody(res: Response, file: string, from: number, total: number | undefined, timeoutMs: number,
  abort: AbortController, meter: Meter): Promise<number> {
  const fh = await fs.promises.open(file, from === 0 ? 'w' : 'a');
  let bytes = from;
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => { stalled = true; abort.abort(); }, timeoutMs);
  };
  try {
    if (res.body === null) throw new Dropped('the response has no body', undefined, undefined);
    const reader = res.body.getReader();
    arm();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw new Dropped(stalled ? `no data for ${timeoutMs / 1000} s` : `the connection dropped (${describe(e)})`,
          stalled ? 'ETIMEDOUT' : errorCode(e), e);
      }
      if (chunk.done) break;
      arm();
      await fh.write(chunk.value);
      bytes += chunk.value.byteLength;
      meter.report(bytes);
    }
  } finally {
    clearTimeout(timer);
    await fh.close();
  }
  if (total !== undefined && bytes !== total) {
    throw new Dropped(`the body ended after ${bytes} of ${total} bytes`, undefined, undefined);
  }
  meter.report(bytes, true);
  return bytes;
}

/** One request: the part grows or restarts; resolves to the file's size when complete. */
async function attempt(url: string, file: string, opts: DownloadOptions, timeoutMs: number): Promise<number> {
  let have = partSize(file);
  const meta = readMeta(file);
  if (have > 0 && meta?.url !== url) {
    removePart(file);
    have = 0;
  }
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, 'Accept-Encoding': 'identity' };
  if (have > 0) {
    headers.Range = `bytes=${have}-`;
    if (meta?.validator !== undefined) headers['If-Range'] = meta.validator;
  }
  const abort = new AbortController();
  const headerTimer = setTimeout(() => abort.abort(), timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: abort.signal, redirect: 'follow' });
  } catch (e) {
    const timedOut = abort.signal.aborted;
    const code = timedOut ? 'ETIMEDOUT' : errorCode(e);
    // A kept-alive connection the server closed while this process was busy: try again on a new one.
    if (code !== undefined && RESET_CODES.has(code)) throw new Dropped(`the connection was reset (${describe(e)})`, code, e);
    throw new NetworkError(url, timedOut ? `no response within ${timeoutMs / 1000} s` : describe(e), code, { cause: e });
  } finally {
    clearTimeout(headerTimer);
  }
  if (res.status === 416 && have > 0) {
    await res.body?.cancel();
    if (contentRange(res.headers.get('content-range')).total === have) return have; // the part is the whole file
    removePart(file);
    throw new Dropped('the server refused the range of the partial download: starting over', undefined, undefined);
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    throw new HttpStatusError(url, res.status, res.statusText);
  }
  let from = 0;
  let total: number | undefined;
  if (res.status === 206) {
    const range = contentRange(res.headers.get('content-range'));
    if (range.start !== have) {
      await res.body?.cancel();
      removePart(file);
      throw new Dropped(`the server sent a range starting at ${String(range.start)}, not ${have}: starting over`, undefined, undefined);
    }
    from = have;
    total = range.total;
  } else {
    const length = res.headers.get('content-length');
    total = length === null ? undefined : Number(length);
  }
  if (from === 0) {
    const etag = res.headers.get('etag');
    const validator = etag !== null && !etag.startsWith('W/') ? etag : res.headers.get('last-modified') ?? undefined;
    writeMeta(file, validator === undefined ? { url } : { url, validator });
  }
  const meter = new Meter(opts.onProgress, 'download', url, total, from);
  meter.report(from, false);
  return appendBody(res, file, from, total, timeoutMs, abort, meter);
}

/**
 * Downloads `url` into `file` (a `.part` path), resuming what is there; resolves to its size.
 * Throws HttpStatusError, or NetworkError once the retries are spent (the part is kept).
 */
export async function downloadToPart(url: string, file: string, opts: DownloadOptions = {}): Promise<number> {
  const retries = opts.retries ?? 3;
  const timeoutMs = opts.timeoutMs ?? 60000;
  for (let i = 0; ; i++) {
    try {
      return await attempt(url, file, opts, timeoutMs);
    } catch (e) {
      if (!(e instanceof Dropped)) throw e;
      if (i >= retries) {
        throw new NetworkError(url, `${e.reason}; ${partSize(file)} bytes are kept in ${file} and the next attempt resumes from there`,
          e.code, { cause: e.inner });
      }
      await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? 500));
    }
  }
}
