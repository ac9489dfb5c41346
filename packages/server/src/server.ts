/**
 * `startServer(options)`: the inference server's life. It listens at once and loads the model in
 * its worker threads meanwhile (readiness false until one worker has loaded it); `close()` drains:
 * readiness turns false, no new connection is taken, the accepted requests (running and queued)
 * finish, then the workers stop. A worker that cannot load the model is fatal (`ready` rejects,
 * `onFatal` is called); one that crashes later is replaced (./scheduler answers its request 500).
 *
 * Ownership: the server owns its worker pool, Fastify instance and metrics registry; `close()`
 * releases them all.
 */
import * as fs from 'fs';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import type { FastifyInstance } from 'fastify';
import type { BackendName } from '@mrcnn/model';
import { MrcnnError, wasmThreadsFor } from '@mrcnn/schema';
import { FatalWorkerError, WorkerPool } from '@mrcnn/worker-pool';
import { buildApp } from './app';
import type { AppContext } from './context';
import { ServerMetrics } from './metrics';
import { InferenceScheduler } from './scheduler';
import { MODEL_VERSION, ServedModel } from './served_model';
import type { InferResult, InferTask, ModelInfo, WorkerConfig } from './task';

export interface ServerOptions {
  /** model.json or its directory (default: the embedded default model of @mrcnn/model). */
  model?: string;
  /** The model's name in the URLs (default: the name in its config, e.g. instance-segmentation-security-0049). */
  name?: string;
  /** Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface). */
  host?: string;
  /** Port (default 8000; 0 = a free port, see `port` of the result). */
  port?: number;
  /** tfjs backend of the workers (default wasm). */
  backend?: BackendName;
  /** Worker threads, each with its own copy of the model, each running one request at a time (default 1). */
  workers?: number;
  /**
   * wasm threads of each worker (1–8; default: the cores shared among the workers, floor(cores /
   * workers), at least 1 — as `mrcnn detect` shares them). Only for the wasm backend.
   */
  threads?: number;
  /** Requests that may wait for a worker; one more is answered 503 at once (default 8). */
  queue?: number;
  /** Longest time a request may take, queue wait included (default 60000 ms; a request's `timeout` parameter may shorten it). */
  timeoutMs?: number;
  /** Largest request body (default 64 MiB). */
  maxBodyBytes?: number;
  /** Largest encoded image accepted, in declared pixels (default 16,777,216 = 4096²). */
  maxImagePixels?: number;
  /** Largest im_data height or width (default 2048). */
  maxInputSide?: number;
  /** The worker script (default: worker.js of the built package). */
  workerScript?: string;
  /** Lines about the server's life: listening, model ready, worker replaced, draining. */
  log?: (line: string) => void;
  /** The model cannot be loaded (at start, or by a replacement worker later). */
  onFatal?: (error: FatalWorkerError) => void;
}

export const SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  backend: 'wasm' as BackendName,
  workers: 1,
  queue: 8,
  timeoutMs: 60_000,
  maxBodyBytes: 64 * 1024 * 1024,
  maxImagePixels: 4096 * 4096,
  maxInputSide: 2048,
} as const;

/** A server option outside its domain; `option` names it. */
export class ServerOptionError extends MrcnnError {
  readonly option: string;

  constructor(option: string, message: string) {
    super(`server option ${option}: ${message}`);
    this.option = option;
  }
}

export interface InferenceServer {
  /** http://host:port */
  readonly url: string;
  readonly port: number;
  /** Resolves once a worker has loaded the model (readiness true); rejects with FatalWorkerError if none can. */
  readonly ready: Promise<ServedModel>;
  readonly metrics: ServerMetrics;
  /** Drains and stops (idempotent): accepted requests finish, then the workers stop. */
  close(): Promise<void>;
}

function integer(options: ServerOptions, key: keyof typeof SERVER_DEFAULTS, min: number, max: number): number {
  const v = options[key] ?? SERVER_DEFAULTS[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ServerOptionError(key, `expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** wasm threads per worker: the option, or the cores shared among the workers; undefined off wasm. */
function workerThreads(options: ServerOptions, workers: number): number | undefined {
  const backend = options.backend ?? SERVER_DEFAULTS.backend;
  const v = options.threads;
  if (v === undefined) return backend === 'wasm' ? wasmThreadsFor(os.availableParallelism(), workers) : undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 8) {
    throw new ServerOptionError('threads', `expected an integer from 1 to 8, got ${JSON.stringify(v)}`);
  }
  if (backend !== 'wasm') throw new ServerOptionError('threads', `applies to the wasm backend, not ${backend}`);
  return v;
}

function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * The embedded default model of @mrcnn/model, found through its package exports: this thread never
 * loads tfjs (only the workers do).
 */
export function defaultModel(): string {
  return require.resolve('@mrcnn/model/default-model/model.json');
}

/** dist/worker.js next to this module; from the TypeScript sources (tests), the built one. */
function defaultWorkerScript(): string {
  const candidates = [path.join(__dirname, 'worker.js'), path.join(__dirname, '..', 'dist', 'worker.js')];
  const found = candidates.find((f) => fs.existsSync(f));
  if (found === undefined) throw new ServerOptionError('workerScript', `no worker script at ${candidates.join(' or ')}: build @mrcnn/server first`);
  return found;
}

/** Starts listening and loading the model; resolves once listening (see `ready` for the model). */
export async function startServer(options: ServerOptions = {}): Promise<InferenceServer> {
  const workers = integer(options, 'workers', 1, 256);
  const threads = workerThreads(options, workers);
  const queue = integer(options, 'queue', 0, 100_000);
  const timeoutMs = integer(options, 'timeoutMs', 1, 24 * 3600 * 1000);
  const port = integer(options, 'port', 0, 65535);
  const maxBodyBytes = integer(options, 'maxBodyBytes', 1024, 2 ** 31 - 1);
  const maxImagePixels = integer(options, 'maxImagePixels', 1, 2 ** 31 - 1);
  const maxInputSide = integer(options, 'maxInputSide', 32, 16384);
  const host = options.host ?? SERVER_DEFAULTS.host;
  const log = options.log ?? ((): void => undefined);
  const workerConfig: WorkerConfig = { model: options.model ?? defaultModel(), backend: options.backend ?? SERVER_DEFAULTS.backend, threads };

  let model: ServedModel | undefined;
  let draining = false;
  const metrics = new ServerMetrics({
    queued: () => pool.queued,
    running: () => pool.running,
    ready: () => isReady(),
  });
  const pool: WorkerPool<InferTask, InferResult, ModelInfo> = new WorkerPool(options.workerScript ?? defaultWorkerScript(), workerConfig, {
    size: workers,
    onWorkerReady: (info, loadMs) => {
      metrics.modelLoad.set(loadMs / 1000);
      model ??= { name: options.name ?? info.configName, version: MODEL_VERSION, info };
    },
    onWorkerExit: (e) => {
      metrics.workerRestarts.inc({ cause: e.cause });
      log(`worker ${e.cause === 'abort' ? 'terminated at a timeout' : 'died'} (${e.why}); a replacement is loading the model`);
    },
    onFatal: (e) => {
      log(`cannot run the model ${workerConfig.model}: ${e.message}`);
      options.onFatal?.(e);
    },
  });
  const isReady = (): boolean => model !== undefined && !draining && pool.error === undefined;
  const scheduler = new InferenceScheduler(pool, { workers, queue, timeoutMs }, metrics);
  const ctx: AppContext = {
    model: () => model,
    ready: isReady,
    draining: () => draining,
    scheduler,
    metrics,
    limits: { maxImagePixels, maxInputSide },
    bodyLimit: maxBodyBytes,
    timeoutMs,
    serverVersion: packageVersion(),
  };
  const app: FastifyInstance = buildApp(ctx);
  try {
    await app.listen({ host, port });
  } catch (e) {
    await pool.terminate();
    throw e;
  }
  const address = app.server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log(`listening on ${url} (model ${workerConfig.model} loading in ${workers} worker thread(s))`);
  const ready = pool.ready.then((info) => {
    const m = model!;
    log(`model ${m.name} ready: ${info.numClasses} classes, ${info.backend} backend, ${workers} worker(s)${threads === undefined ? '' : ` of ${threads} wasm thread(s)`}, queue ${queue}`);
    return m;
  });
  ready.catch(() => undefined); // reported through onFatal; callers that await it see the error
  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    ready,
    metrics,
    close: () => {
      closing ??= (async () => {
        draining = true;
        log(`draining: ${scheduler.running} running, ${scheduler.queued} queued`);
        await app.close();
        await pool.close();
        log('stopped');
      })();
      return closing;
    },
  };
}
