/**
 * A pool of worker threads running `mrcnn detect` jobs, one job per thread at a time: `ThreadPool`
 * stays up and takes jobs as they come (`mrcnn worker` feeds it from the queue); `runPool` runs a
 * known list of jobs on one and closes it (`mrcnn detect <dir>`). A thread that dies mid-job (a
 * native crash, out of memory) fails that job only: its outcome says so, a replacement thread
 * starts and the pool goes on. A model that cannot be loaded (a thread reports `fatal`, or dies
 * before it is ready) stops the pool: every pending and later `run` rejects with FatalWorkerError.
 * Ownership: the pool owns its threads; `close()` stops them once their current jobs are done.
 */
import { Worker } from 'worker_threads';
import { MrcnnError } from '@mrcnn/schema';
import type { ImageResult, Job } from './job';
import type { FromWorker, ToWorker, WorkerConfig } from './worker';

export type JobOutcome = { ok: true; result: ImageResult } | { ok: false; error: string };

/** The model could not be loaded in a worker: the whole run stops. */
export class FatalWorkerError extends MrcnnError {}

interface Pending {
  job: Job;
  resolve(outcome: JobOutcome): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  current?: Pending;
  /** Set once the thread is stopping or gone: its exit is expected. */
  retired: boolean;
}

export class ThreadPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private fatalError?: FatalWorkerError;
  private closing = false;
  private readyCount = 0;
  private readonly readyWaiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  private readonly exitWaiters: Array<() => void> = [];

  /** Starts `size` threads of `script` (worker.js), each loading the model of `config`. */
  constructor(private readonly script: string, private readonly config: WorkerConfig, readonly size: number) {
    for (let i = 0; i < Math.max(1, size); i++) this.spawn();
  }

  /** Resolves once every thread has loaded the model; rejects with FatalWorkerError if one cannot. */
  ready(): Promise<void> {
    if (this.fatalError !== undefined) return Promise.reject(this.fatalError);
    if (this.readyCount >= this.slots.size) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Runs one job on the next free thread: its result, or its error (a crashed thread included). */
  run(job: Job): Promise<JobOutcome> {
    if (this.fatalError !== undefined) return Promise.reject(this.fatalError);
    if (this.closing) return Promise.reject(new MrcnnError(`thread pool closed: cannot run ${job.input}`));
    return new Promise<JobOutcome>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops the threads after the jobs already given to them; resolves when every thread has exited. */
  close(): Promise<void> {
    this.closing = true;
    for (const s of this.slots) {
      if (!s.ready) {
        // Still loading the model (a replacement, say): nothing to finish.
        s.retired = true;
        void s.worker.terminate();
      } else if (s.current === undefined) {
        this.retire(s);
      }
    }
    return this.slots.size === 0 ? Promise.resolve() : new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.retired || slot.current !== undefined) continue;
      const p = this.queue.shift()!;
      slot.current = p;
      slot.worker.postMessage({ type: 'job', job: p.job } satisfies ToWorker);
    }
  }

  private retire(slot: Slot): void {
    if (slot.retired) return;
    slot.retired = true;
    slot.worker.postMessage({ type: 'stop' } satisfies ToWorker);
  }

  private settle(slot: Slot, outcome: JobOutcome): void {
    const p = slot.current;
    slot.current = undefined;
    if (p !== undefined) p.resolve(outcome);
    if (this.closing) this.retire(slot);
    else this.dispatch();
  }

  private fatal(message: string): void {
    if (this.fatalError !== undefined) return;
    const err = new FatalWorkerError(message);
    this.fatalError = err;
    for (const s of this.slots) {
      s.retired = true;
      if (s.current !== undefined) s.current.reject(err);
      s.current = undefined;
      void s.worker.terminate();
    }
    for (const p of this.queue.splice(0)) p.reject(err);
    for (const w of this.readyWaiters.splice(0)) w.reject(err);
  }

  private spawn(): void {
    const worker = new Worker(this.script, { workerData: this.config });
    const slot: Slot = { worker, ready: false, retired: false };
    this.slots.add(slot);
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        slot.ready = true;
        this.readyCount++;
        if (this.readyCount >= this.slots.size) for (const w of this.readyWaiters.splice(0)) w.resolve();
        if (this.closing) this.retire(slot);
        else this.dispatch();
      } else if (m.type === 'fatal') {
        this.fatal(m.error);
      } else {
        this.settle(slot, m.type === 'done' ? { ok: true, result: m.result } : { ok: false, error: m.error });
      }
    });
    let gone = false;
    const died = (why: string): void => {
      if (gone) return;
      gone = true;
      this.slots.delete(slot);
      if (slot.ready) this.readyCount--;
      if (this.slots.size === 0) for (const w of this.exitWaiters.splice(0)) w();
      if (this.fatalError !== undefined || (slot.retired && slot.current === undefined)) return;
      if (!slot.ready) {
        this.fatal(`worker exited before taking a job (${why})`);
        return;
      }
      slot.retired = true;
      const p = slot.current;
      slot.current = undefined;
      if (!this.closing) this.spawn();
      if (p !== undefined) p.resolve({ ok: false, error: `worker crashed (${why})` });
    };
    worker.on('error', (e: Error) => died(e.message));
    worker.on('exit', (code) => died(`exit code ${code}`));
  }
}

/**
 * Runs every job on up to `size` threads (never more than there are jobs); `onDone` is called once
 * per job, in completion order. Rejects with FatalWorkerError when the model cannot be loaded.
 */
export async function runPool(script: string, config: WorkerConfig, size: number, jobs: readonly Job[],
  onDone: (job: Job, outcome: JobOutcome) => void): Promise<void> {
  if (jobs.length === 0) return;
  const pool = new ThreadPool(script, config, Math.max(1, Math.min(size, jobs.length)));
  try {
    await Promise.all(jobs.map((job) => pool.run(job).then((outcome) => onDone(job, outcome))));
  } finally {
    await pool.close();
  }
}
