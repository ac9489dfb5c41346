/**
 * The main thread's side of a live source: starts live_worker.ts in a worker thread (a LiveReader
 * there reads ffmpeg without pause) and asks it for one item per `next()`; frames' pixels arrive
 * transferred. Typed errors of the reader come back as VideoSourceError with the same message.
 *
 * Ownership: owns the worker; `close()` stops the reader (ffmpeg killed) and ends the worker, as does
 * the reader's own end (done or failed).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { VideoSourceError } from '../errors';
import type { SourceItem } from '../types';
import type { FrameReader, VideoSourceOptions } from './source_options';
import type { SourceSpec } from './source_spec';

type Reply =
  | { op: 'item'; item: SourceItem; frameRate?: number; pid?: number }
  | { op: 'done' | 'closed'; frameRate?: number; pid?: number }
  | { op: 'error'; name: string; message: string; frameRate?: number; pid?: number };

interface Pending {
  resolve(r: IteratorResult<SourceItem, undefined>): void;
  reject(e: unknown): void;
}

/** The worker's script: next to this module when built; from the package's build when run from its sources (jest). */
function workerScript(input: string): string {
  const here = path.join(__dirname, 'live_worker.js');
  if (fs.existsSync(here)) return here;
  const built = path.resolve(__dirname, '..', '..', 'dist', 'node', 'live_worker.js');
  if (fs.existsSync(built)) return built;
  throw new VideoSourceError(input, `live sources are read in a worker thread whose script ${here} is missing: build @mrcnn/video (npm run build)`);
}

export class LiveClient implements FrameReader {
  private readonly worker: Worker;
  private readonly pending: Pending[] = [];
  private readonly ended: Promise<void>;
  private finished = false;
  private failure: unknown;
  frameRate: number | undefined;
  ffmpegPid: number | undefined;

  constructor(private readonly spec: SourceSpec, options: VideoSourceOptions, binary: string) {
    // What the reader uses, as plain data (the caller's options may hold callbacks and signals).
    const readerOptions: VideoSourceOptions = { reconnect: { ...options.reconnect }, stallTimeoutMs: options.stallTimeoutMs, queue: options.queue };
    this.worker = new Worker(workerScript(spec.input), { workerData: { spec, options: readerOptions, binary } });
    this.worker.on('message', (reply: Reply) => this.onReply(reply));
    this.worker.on('error', (e) => this.fail(new VideoSourceError(spec.input, `live reader failed: ${e.message}`, { cause: e })));
    this.ended = new Promise((resolve) => this.worker.once('exit', () => {
      this.fail(new VideoSourceError(spec.input, 'live reader stopped'));
      resolve();
    }));
  }

  private onReply(reply: Reply): void {
    if (reply.frameRate !== undefined) this.frameRate ??= reply.frameRate;
    this.ffmpegPid = reply.pid;
    if (reply.op === 'closed') {
      this.finished = true;
      for (const p of this.pending.splice(0)) p.resolve({ value: undefined, done: true });
      return;
    }
    const p = this.pending.shift();
    if (p === undefined) return;
    if (reply.op === 'item') {
      const item = reply.item;
      if (item.type === 'frame') {
        const image = item.image as { width: number; height: number; data: ArrayBuffer | Uint8Array };
        item.image = { width: image.width, height: image.height, data: image.data instanceof Uint8Array ? image.data : new Uint8Array(image.data) };
      }
      // Resolve from the check phase, not from inside the port's message handling: a consumer that
      // computes in microtasks (the network on wasm) and asks again at once would otherwise keep
      // Node draining this port and starve its timers and other I/O.
      setImmediate(() => p.resolve({ value: item, done: false }));
    } else if (reply.op === 'error') {
      const prefix = `${this.spec.input}: `;
      const msg = reply.message.startsWith(prefix) ? reply.message.slice(prefix.length) : `${reply.name}: ${reply.message}`;
      this.failure = new VideoSourceError(this.spec.input, msg);
      this.finished = true;
      this.release();
      p.reject(this.failure);
    } else {
      this.finished = true;
      this.release();
      p.resolve({ value: undefined, done: true });
    }
  }

  /**
   * The reader has ended (its source is done or failed, ffmpeg gone): ends the worker, so a consumer
   * that iterates to the end without calling `close()` (`for await` does not) leaves no thread behind.
   */
  private release(): void {
    void this.worker.terminate();
  }

  private fail(e: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = e;
    for (const p of this.pending.splice(0)) p.reject(e);
  }

  next(): Promise<IteratorResult<SourceItem, undefined>> {
    if (this.finished) return this.failure !== undefined ? Promise.reject(this.failure) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage({ op: 'next' });
    });
  }

  async close(): Promise<void> {
    if (!this.finished || this.failure !== undefined) {
      this.worker.postMessage({ op: 'close' });
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
      await Promise.race([this.ended, timeout]);
    }
    this.finished = true;
    await this.worker.terminate();
  }
}
