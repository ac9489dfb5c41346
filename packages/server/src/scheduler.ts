/**
 * Admission and time limits of inference: at most `workers` tasks run (one per worker thread of
 * the pool) and at most `queue` wait; one more is refused at once with 503 and a Retry-After
 * estimated from recent task times (no unbounded latency). Each task has a deadline (the server's
 * timeout, or the request's shorter `timeout` parameter): past it a queued task is dropped and a
 * running one's worker is terminated and replaced (504). The pool's failures become protocol
 * errors: a crashed worker 500, an input the model refused (ImageDecodeError, ArgumentError,
 * ShapeMismatchError) 400, any other task error 500.
 */
import {
  FatalWorkerError, PoolClosedError, TaskAbortedError, TaskFailedError, WorkerCrashError, WorkerPool,
} from '@mrcnn/worker-pool';
import type { ParsedInfer } from './infer_request';
import type { ServerMetrics } from './metrics';
import { ProtocolError } from './protocol/errors';
import type { InferResult, InferTask, ModelInfo } from './task';

export interface SchedulerLimits {
  /** Tasks running at once (the pool's size). */
  workers: number;
  /** Tasks waiting at most. */
  queue: number;
  /** Longest time a request may take, queue wait included (ms). */
  timeoutMs: number;
}

/** Errors of the model's checks on its input: the request is at fault (400). */
const INPUT_ERRORS = new Set(['ImageDecodeError', 'ArgumentError', 'ShapeMismatchError']);

export class InferenceScheduler {
  private readonly pool: WorkerPool<InferTask, InferResult, ModelInfo>;
  private readonly limits: SchedulerLimits;
  private readonly metrics: ServerMetrics;
  /** Moving average of task run times (ms), for Retry-After. */
  private averageMs?: number;

  constructor(pool: WorkerPool<InferTask, InferResult, ModelInfo>, limits: SchedulerLimits, metrics: ServerMetrics) {
    this.pool = pool;
    this.limits = limits;
    this.metrics = metrics;
  }

  get queued(): number {
    return this.pool.queued;
  }

  get running(): number {
    return this.pool.running;
  }

  /** Whether one more task would be admitted now. */
  hasRoom(): boolean {
    return this.pool.running + this.pool.queued < this.limits.workers + this.limits.queue;
  }

  /** Seconds until a slot is likely free: the waiting tasks' share of the workers at the average task time. */
  retryAfterSeconds(): number {
    const per = this.averageMs ?? 1000;
    return Math.max(1, Math.ceil((per * (this.pool.queued + 1)) / this.limits.workers / 1000));
  }

  /** The 503 for a full queue. */
  fullError(): ProtocolError {
    return new ProtocolError(503, `the inference queue is full (${this.limits.workers} running, ${this.limits.queue} waiting): retry later`,
      { retryAfter: this.retryAfterSeconds() });
  }

  /** Runs a parsed request's task within its deadline; throws a ProtocolError for every failure. */
  async run(request: ParsedInfer): Promise<InferResult> {
    if (!this.hasRoom()) throw this.fullError();
    const timeoutMs = Math.min(request.timeoutMs ?? this.limits.timeoutMs, this.limits.timeoutMs);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(`no result within ${timeoutMs} ms`), timeoutMs);
    const queuedAt = performance.now();
    let startedAt: number | undefined;
    try {
      const result = await this.pool.run(request.task, {
        transfer: request.transfer,
        signal: deadline.signal,
        onStart: () => {
          startedAt = performance.now();
          this.metrics.queueWait.observe((startedAt - queuedAt) / 1000);
        },
      });
      const ms = performance.now() - (startedAt ?? queuedAt);
      this.averageMs = this.averageMs === undefined ? ms : 0.8 * this.averageMs + 0.2 * ms;
      this.metrics.workerTensors.set(result.numTensors);
      return result;
    } catch (e) {
      throw this.protocolError(e, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  private protocolError(e: unknown, timeoutMs: number): unknown {
    if (e instanceof TaskAbortedError) {
      return new ProtocolError(504, `inference timed out: ${e.started ? 'no result' : 'no free worker'} within ${timeoutMs} ms` +
        `${e.started ? ' (its worker was restarted)' : ''}`, { cause: e });
    }
    if (e instanceof WorkerCrashError) {
      return new ProtocolError(500, `inference failed: the worker running it crashed (${e.why}); it was replaced`, { cause: e });
    }
    if (e instanceof TaskFailedError) {
      if (INPUT_ERRORS.has(e.errorName)) return new ProtocolError(400, `${e.errorName}: ${e.message}`, { cause: e });
      return new ProtocolError(500, `inference failed: ${e.errorName}: ${e.message}`, { cause: e });
    }
    if (e instanceof FatalWorkerError) return new ProtocolError(503, `the model is unavailable: ${e.message}`, { cause: e, retryAfter: 60 });
    if (e instanceof PoolClosedError) return new ProtocolError(503, 'the server is shutting down', { cause: e, retryAfter: 1 });
    return e;
  }
}
