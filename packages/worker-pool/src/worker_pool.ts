/**
 * A pool of worker threads, each running one task at a time (a worker script that calls
 * `serveTasks`, ./serve_tasks). Tasks wait in a FIFO queue for a ready worker.
 *
 * - A worker that dies while running a task (a native crash, out of memory, `process.exit`) fails
 *   that task only, with `WorkerCrashError`; the pool starts a replacement and goes on.
 * - A worker whose `init` throws, or that dies before it is ready, is fatal: every queued and
 *   running task fails with `FatalWorkerError`, `ready` rejects, the pool stops.
 * - A task's `signal`: aborted while queued, the task is dropped; while running, its worker is
 *   terminated and replaced (`TaskAbortedError` either way).
 * - `close()` takes no new tasks, lets the queued and running ones finish, then stops the workers;
 *   `terminate()` stops everything now.
 *
 * Ownership: buffers in a task's `transfer` list move to the worker (the caller must not use them
 * after `run`); a result belongs to the caller.
 */
import { ResourceLimits, TransferListItem, Worker } from 'worker_threads';
import { FatalWorkerError, PoolClosedError, TaskAbortedError, TaskFailedError, WorkerCrashError } from './errors';
import type { FromWorker, ToWorker } from './protocol';

export interface WorkerPoolOptions<Info> {
  /** Worker threads kept running (at least 1). */
  size: number;
  /** A worker finished its `init` (`loadMs` after it started) with `info`. */
  onWorkerReady?: (info: Info, loadMs: number) => void;
  /** A worker ended other than by `close()`: `cause` says why; it is replaced unless the pool is stopping. */
  onWorkerExit?: (event: WorkerExitEvent) => void;
  /** The pool stopped on a fatal error (also reported by `ready` when no worker was ready yet). */
  onFatal?: (error: FatalWorkerError) => void;
  /** Passed to each `new Worker` (heap limits of the workers). */
  resourceLimits?: ResourceLimits;
}

export interface WorkerExitEvent {
  /** 'crash': died running a task; 'abort': terminated for an aborted task; 'idle': died with no task. */
  cause: 'crash' | 'abort' | 'idle';
  /** The exit code or error, e.g. `exit code 70`. */
  why: string;
}

export interface RunOptions {
  /** Buffers of the task to move to the worker instead of copying. */
  transfer?: TransferListItem[];
  /** Aborting it drops the queued task or terminates the worker running it (TaskAbortedError). */
  signal?: AbortSignal;
  /** Called when a worker takes the task (the end of its wait in the queue). */
  onStart?: () => void;
}

interface Pending<Task, Result> {
  id: number;
  task: Task;
  transfer?: TransferListItem[];
  signal?: AbortSignal;
  onAbort?: () => void;
  onStart?: () => void;
  resolve(result: Result): void;
  reject(error: Error): void;
}

interface Slot<Task, Result> {
  worker: Worker;
  ready: boolean;
  current?: Pending<Task, Result>;
  /** The pool ended this worker on purpose (stop, abort, fatal): its exit needs no reaction. */
  stopping: boolean;
  gone: boolean;
}

function reasonOf(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : r === undefined ? 'aborted' : String(r);
}

/** A worker used after close() or terminate() exits by itself within this time or is terminated. */
const STOP_GRACE_MS = 10_000;

export class WorkerPool<Task, Result, Info = undefined> {
  /** Resolves with the first ready worker's info; rejects with FatalWorkerError (or PoolClosedError). */
  readonly ready: Promise<Info>;
  private readonly script: string;
  private readonly config: unknown;
  private readonly options: WorkerPoolOptions<Info>;
  private readonly size: number;
  private readonly queue: Array<Pending<Task, Result>> = [];
  private readonly slots = new Set<Slot<Task, Result>>();
  private nextId = 0;
  private closing = false;
  private failure?: Error;
  private readonly allReadyWaiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  private resolveReady!: (info: Info) => void;
  private rejectReady!: (e: Error) => void;
  private readySettled = false;
  private readonly drained: Array<() => void> = [];

  /** Starts `options.size` workers running `script` (a .js file) with `config` as their workerData. */
  constructor(script: string, config: unknown, options: WorkerPoolOptions<Info>) {
    this.script = script;
    this.config = config;
    this.options = options;
    this.size = Math.max(1, Math.floor(options.size));
    this.ready = new Promise<Info>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined); // a pool nobody awaits must not leave an unhandled rejection
    for (let i = 0; i < this.size; i++) this.spawn();
  }

  /** Tasks waiting for a worker. */
  get queued(): number {
    return this.queue.length;
  }

  /** Tasks running on a worker. */
  get running(): number {
    let n = 0;
    for (const s of this.slots) if (s.current !== undefined) n++;
    return n;
  }

  /** Workers that finished their init and are not being stopped. */
  get readyWorkers(): number {
    let n = 0;
    for (const s of this.slots) if (s.ready && !s.stopping) n++;
    return n;
  }

  /** Resolves once every worker running (replacements included) has finished its init; rejects on a fatal error. */
  allReady(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.allReadyWaiters.push({ resolve, reject });
      this.checkAllReady();
    });
  }

  private checkAllReady(): void {
    const live = [...this.slots].filter((s) => !s.stopping);
    if (live.length === 0 || live.some((s) => !s.ready)) return;
    for (const w of this.allReadyWaiters.splice(0)) w.resolve();
  }

  /** The fatal error that stopped the pool, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Runs `task` on the next free worker; resolves with its result (see the module comment for failures). */
  run(task: Task, options: RunOptions = {}): Promise<Result> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new PoolClosedError('the worker pool is closed'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new TaskAbortedError(false, reasonOf(signal)));
    return new Promise<Result>((resolve, reject) => {
      const p: Pending<Task, Result> = { id: this.nextId++, task, transfer: options.transfer, signal, onStart: options.onStart, resolve, reject };
      if (signal !== undefined) {
        p.onAbort = () => this.abort(p);
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.queue.push(p);
      this.dispatch();
    });
  }

  /** Takes no new tasks; resolves once the queued and running ones have finished and the workers exited. */
  close(): Promise<void> {
    this.closing = true;
    const done = new Promise<void>((resolve) => this.drained.push(resolve));
    this.dispatch();
    return done;
  }

  /** Stops every worker now; queued and running tasks fail with PoolClosedError. */
  terminate(): Promise<void> {
    this.closing = true;
    const done = new Promise<void>((resolve) => this.drained.push(resolve));
    this.failAll(new PoolClosedError('the worker pool was terminated'));
    for (const s of this.slots) this.end(s);
    this.checkDrained();
    return done;
  }

  private settle(p: Pending<Task, Result>): void {
    if (p.onAbort !== undefined) p.signal?.removeEventListener('abort', p.onAbort);
  }

  private spawn(): void {
    const worker = new Worker(this.script, { workerData: this.config, resourceLimits: this.options.resourceLimits });
    const slot: Slot<Task, Result> = { worker, ready: false, stopping: false, gone: false };
    this.slots.add(slot);
    worker.on('message', (m: FromWorker<Result, Info>) => this.onMessage(slot, m));
    worker.on('error', (e: Error) => this.onGone(slot, `${e.name}: ${e.message}`));
    worker.on('exit', (code: number) => this.onGone(slot, `exit code ${code}`));
  }

  private onMessage(slot: Slot<Task, Result>, m: FromWorker<Result, Info>): void {
    if (m.type === 'ready') {
      slot.ready = true;
      this.options.onWorkerReady?.(m.info, m.loadMs);
      if (!this.readySettled) {
        this.readySettled = true;
        this.resolveReady(m.info);
      }
      this.dispatch();
      this.checkAllReady();
      return;
    }
    if (m.type === 'fatal') {
      this.fatal(m.error);
      return;
    }
    const p = slot.current;
    if (p === undefined || p.id !== m.id) return; // an aborted task's late answer
    slot.current = undefined;
    this.settle(p);
    if (m.type === 'done') p.resolve(m.result);
    else p.reject(new TaskFailedError(m.error.name, m.error.message));
    this.dispatch();
  }

  private onGone(slot: Slot<Task, Result>, why: string): void {
    if (slot.gone) return;
    slot.gone = true;
    this.slots.delete(slot);
    if (slot.stopping || this.failure !== undefined) {
      this.dispatch();
      return;
    }
    if (!slot.ready) {
      this.fatal(`a worker exited before it was ready (${why})`);
      return;
    }
    const p = slot.current;
    slot.current = undefined;
    if (p !== undefined) {
      this.settle(p);
      p.reject(new WorkerCrashError(why));
    }
    this.options.onWorkerExit?.({ cause: p !== undefined ? 'crash' : 'idle', why });
    this.dispatch();
  }

  private abort(p: Pending<Task, Result>): void {
    const reason = reasonOf(p.signal!);
    const at = this.queue.indexOf(p);
    if (at >= 0) {
      this.queue.splice(at, 1);
      p.reject(new TaskAbortedError(false, reason));
      this.dispatch();
      return;
    }
    for (const slot of this.slots) {
      if (slot.current !== p) continue;
      slot.current = undefined;
      p.reject(new TaskAbortedError(true, reason));
      this.end(slot);
      this.options.onWorkerExit?.({ cause: 'abort', why: reason });
      this.dispatch();
      return;
    }
  }

  /** Ends a worker on purpose: a ready idle one is asked to stop, any other terminated. */
  private end(slot: Slot<Task, Result>, gracefully = false): void {
    if (slot.stopping) return;
    slot.stopping = true;
    if (gracefully && slot.ready && slot.current === undefined) {
      slot.worker.postMessage({ type: 'stop' } satisfies ToWorker<Task>);
      setTimeout(() => void slot.worker.terminate(), STOP_GRACE_MS).unref();
    } else {
      void slot.worker.terminate();
    }
  }

  private fatal(message: string): void {
    if (this.failure !== undefined) return;
    const error = new FatalWorkerError(message);
    this.failure = error;
    if (!this.readySettled) {
      this.readySettled = true;
      this.rejectReady(error);
    }
    for (const w of this.allReadyWaiters.splice(0)) w.reject(error);
    this.failAll(error);
    for (const s of this.slots) this.end(s);
    this.checkDrained();
    this.options.onFatal?.(error);
  }

  private failAll(error: Error): void {
    for (const p of this.queue.splice(0)) {
      this.settle(p);
      p.reject(error);
    }
    for (const s of this.slots) {
      const p = s.current;
      if (p === undefined) continue;
      s.current = undefined;
      this.settle(p);
      p.reject(error);
    }
    if (!this.readySettled) {
      this.readySettled = true;
      this.rejectReady(error);
    }
  }

  /** Hands queued tasks to idle ready workers, replaces missing workers, stops idle ones when closing. */
  private dispatch(): void {
    if (this.failure !== undefined) {
      this.checkDrained();
      return;
    }
    for (const slot of this.slots) {
      if (!slot.ready || slot.stopping || slot.current !== undefined) continue;
      const p = this.queue.shift();
      if (p === undefined) break;
      slot.current = p;
      slot.worker.postMessage({ type: 'task', id: p.id, task: p.task } satisfies ToWorker<Task>, p.transfer);
      p.onStart?.();
    }
    const live = [...this.slots].filter((s) => !s.stopping).length;
    // Closing: only as many workers as the remaining tasks need.
    const wanted = this.closing ? Math.min(this.size, this.running + this.queue.length) : this.size;
    for (let n = live; n < wanted; n++) this.spawn();
    if (this.closing && this.queue.length === 0) {
      for (const s of this.slots) if (s.current === undefined) this.end(s, true);
    }
    this.checkDrained();
  }

  private checkDrained(): void {
    if (!this.closing || this.slots.size > 0) return;
    for (const resolve of this.drained.splice(0)) resolve();
  }
}
