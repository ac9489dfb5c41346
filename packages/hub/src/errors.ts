/**
 * The hub's errors, all `MrcnnError`s. A fetch that fails (`ModelFetchError` and its subclasses:
 * wrong hash, HTTP status, no network) names the URL and says how to do by hand what the hub
 * could not: download the file elsewhere, convert it with `mrcnn convert`, pass the directory.
 */
import { MrcnnError } from '@mrcnn/schema';

/** How to get a model without the hub: the tail of every ModelFetchError's message. */
export function byHand(url: string): string {
  return `To do it by hand: download ${url} where you can (e.g. \`curl -LO ${url}\`), `
    + 'convert it with `mrcnn convert <file> -o <dir>` and pass the directory instead of the name '
    + '(`--model <dir>`, `load(\'<dir>\')`)';
}

/** A model could not be fetched from `url`; nothing was added to the cache. */
export class ModelFetchError extends MrcnnError {
  readonly url: string;

  constructor(url: string, what: string, options?: { cause?: unknown }) {
    super(`${url}: ${what}. ${byHand(url)}`, options);
    this.url = url;
  }
}

/** The downloaded bytes' SHA-256 does not start with the catalogue's (torch.hub's) prefix; the file was deleted. */
export class HashMismatchError extends ModelFetchError {
  constructor(url: string, readonly expectedPrefix: string, readonly actual: string) {
    super(url, `SHA-256 ${actual} does not start with ${expectedPrefix} (the hash in the file name): the download is corrupt or not this file, and was deleted`);
  }
}

/** The server answered with an HTTP status other than 200/206 (and 416 on a completed resume). */
export class HttpStatusError extends ModelFetchError {
  constructor(url: string, readonly status: number, statusText: string) {
    super(url, `HTTP ${status}${statusText ? ` ${statusText}` : ''}`);
  }
}

/**
 * No answer, or the connection failed: refused, unknown host, a timeout, or dropped mid-body more
 * times than the retries allow (`code`: the system error code when there is one, or 'ETIMEDOUT').
 * What arrived is kept in the download's `.part` file outside the cache, and the next attempt resumes it.
 */
export class NetworkError extends ModelFetchError {
  constructor(url: string, readonly reason: string, readonly code?: string, options?: { cause?: unknown }) {
    super(url, `network error: ${reason}`, options);
  }
}

/** `name` is not in the catalogue (built-in, registered, or MRCNN_MODEL_CATALOGUE). */
export class UnknownModelError extends MrcnnError {
  constructor(readonly modelName: string, known: readonly string[]) {
    super(`unknown model ${JSON.stringify(modelName)}; known models: ${known.join(', ')} (mrcnn models lists them)`);
  }
}

/** The catalogue lists `name`, but its architecture is not a variant this version can run. */
export class UnsupportedModelError extends MrcnnError {
  constructor(readonly modelName: string, readonly variant: string, supported: readonly string[]) {
    super(`model ${modelName}: its architecture ${JSON.stringify(variant)} is not supported by this version of the mrcnn `
      + `packages yet (supported architectures: ${supported.join(', ')}); nothing was downloaded`);
  }
}

/** The file named by MRCNN_MODEL_CATALOGUE cannot be read or holds an invalid entry. */
export class CatalogueError extends MrcnnError {
  constructor(readonly file: string, message: string, options?: { cause?: unknown }) {
    super(`model catalogue ${file}: ${message}`, options);
  }
}

/** Another process has held the model's cache lock for longer than the wait allows. */
export class CacheBusyError extends MrcnnError {
  constructor(readonly lockFile: string, holder: string, waitedMs: number) {
    super(`${lockFile}: held by ${holder} for more than ${Math.round(waitedMs / 1000)} s (another process fetching the same model); `
      + 'try again when it has finished, or delete the lock file if no such process runs');
  }
}
