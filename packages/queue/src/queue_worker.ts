/**
 * A queue worker: takes the run's image jobs from BullMQ, up to `concurrency` at a time, and hands
 * each to `process` (the caller's inference: `mrcnn worker` runs it on its thread pool, so the
 * main event loop stays free and BullMQ renews the job's lock on it every `lockMs / 2` while a
 * thread infers). Delivery is at least once: a job whose lock expires (its worker was killed or
 * lost Redis for longer than `lockMs`) is found by another worker's stalled check (every
 * `stalledIntervalMs`) and run again, up to `maxStalled` times, after which it fails; a job that
 * throws is retried with the queue's attempts and backoff. `close()` stops taking jobs, waits for
 * the running ones and resolves `finished`. With `untilDone` the worker closes itself once every
 * image of the run is completed or failed. Redis going away is waited out: the connections
 * reconnect (connection.ts) and the worker goes on.
 */
import * as os from 'os';
import { Queue, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { workerConnection } from './connection';
import { checkQueueName, KEY_PREFIX } from './names';
import type { RunImage } from './run';

export type QueueWorkerEvent<R> =
  | { type: 'started'; image: RunImage; attempt: number }
  | { type: 'completed'; image: RunImage; result: R; seconds: number }
  | { type: 'failed'; image?: RunImage; error: string; attempt: number; attempts: number; final: boolean }
  | { type: 'redis-error'; error: string }
  | { type: 'run-finished' };

export interface QueueWorkerOptions<R> {
  redis: string;
  queue: string;
  /** Jobs run at once (the thread pool's size). */
  concurrency: number;
  /** Number of images in the run (for `untilDone`). */
  total: number;
  /** Runs one image; resolves to its (small) result, stored with the job; throws to fail this attempt. */
  process(image: RunImage, attempt: number): Promise<R>;
  /** Job lock in ms (default 30000): how long a silent worker keeps its job. */
  lockMs?: number;
  /** Stalled-job check period in ms (default 30000). */
  stalledIntervalMs?: number;
  /** Times a job may stall (its worker lost) before it fails (default 1). */
  maxStalled?: number;
  /** Close once all `total` images are completed or failed. */
  untilDone?: boolean;
  /** Name stored with the jobs this worker runs (default `<host>-<pid>`). */
  name?: string;
  onEvent?(event: QueueWorkerEvent<R>): void;
}

export class QueueWorker<R> {
  /** Resolves once the worker is closed (by `close()` or, with `untilDone`, at the end of the run). */
  readonly finished: Promise<void>;
  private readonly worker: Worker;
  private readonly queue: Queue;
  private readonly timer?: NodeJS.Timeout;
  private closing?: Promise<void>;
  private resolveFinished!: () => void;
  private checking = false;

  constructor(private readonly opts: QueueWorkerOptions<R>) {
    const queueName = checkQueueName(opts.queue);
    const emit = (e: QueueWorkerEvent<R>): void => opts.onEvent?.(e);
    this.finished = new Promise((resolve) => { this.resolveFinished = resolve; });
    this.worker = new Worker(queueName, async (job: Job) => {
      const image = job.data as RunImage;
      const attempt = job.attemptsMade + 1;
      emit({ type: 'started', image, attempt });
      const t0 = Date.now();
      const result = await opts.process(image, attempt);
      emit({ type: 'completed', image, result, seconds: (Date.now() - t0) / 1000 });
      return result;
    }, {
      connection: workerConnection(opts.redis),
      prefix: KEY_PREFIX,
      concurrency: Math.max(1, opts.concurrency),
      lockDuration: opts.lockMs ?? 30000,
      stalledInterval: opts.stalledIntervalMs ?? 30000,
      maxStalledCount: opts.maxStalled ?? 1,
      name: opts.name ?? `${os.hostname()}-${process.pid}`,
      autorun: true,
    });
    this.worker.on('failed', (job: Job | undefined, err: Error) => {
      const attempts = job?.opts.attempts ?? 1;
      const made = job?.attemptsMade ?? 0;
      emit({ type: 'failed', image: job?.data as RunImage | undefined, error: err.message, attempt: made, attempts,
        final: job === undefined || made >= attempts || /stalled more than allowable limit/.test(err.message) });
      void this.checkDone();
    });
    this.worker.on('completed', () => void this.checkDone());
    this.worker.on('error', (e: Error) => emit({ type: 'redis-error', error: e.message }));
    this.queue = new Queue(queueName, { connection: workerConnection(opts.redis), prefix: KEY_PREFIX });
    this.queue.on('error', (e: Error) => emit({ type: 'redis-error', error: e.message }));
    if (opts.untilDone) {
      this.timer = setInterval(() => void this.checkDone(), 1000);
      void this.checkDone();
    }
  }

  /** Stops taking jobs; resolves once the running ones are finished and the connections closed. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      if (this.timer !== undefined) clearInterval(this.timer);
      this.closing = (async () => {
        try {
          await this.worker.close();
        } finally {
          await this.queue.close().catch(() => undefined);
          this.resolveFinished();
        }
      })();
    }
    return this.closing;
  }

  private async checkDone(): Promise<void> {
    if (!this.opts.untilDone || this.checking || this.closing !== undefined) return;
    this.checking = true;
    try {
      const n = await this.queue.getJobCountByTypes('completed', 'failed');
      if (n >= this.opts.total && this.closing === undefined) {
        this.opts.onEvent?.({ type: 'run-finished' });
        void this.close();
      }
    } catch {
      // Redis unreachable for now: the next check tries again.
    } finally {
      this.checking = false;
    }
  }
}
