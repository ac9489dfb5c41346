/**
 * A pool of worker threads running `mrcnn detect` jobs, one job per thread at a time, on
 * @mrcnn/worker-pool's WorkerPool (./worker.js is its worker script): `ThreadPool` stays up and
 * takes jobs as they come (`mrcnn worker` feeds it from the queue); `runPool` runs a known list of
 * jobs on one and closes it (`mrcnn detect <dir>`). A thread that dies mid-job (a native crash, out
 * of memory) fails that job only: its outcome says so, a replacement thread starts and the pool
 * goes on. A model that cannot be loaded (a thread reports `fatal`, or dies before it is ready)
 * stops the pool: every pending and later `run` rejects with FatalWorkerError.
 * Ownership: the pool owns its threads; `close()` stops them once their jobs are done.
 */
import { MrcnnError } from '@mrcnn/schema';
import { FatalWorkerError, PoolClosedError, TaskFailedError, WorkerCrashError, WorkerPool } from '@mrcnn/worker-pool';
import type { ImageResult, Job } from './job';
import type { WorkerConfig } from './worker';

/** The model could not be loaded in a worker: the whole run stops (@mrcnn/worker-pool's class). */
export { FatalWorkerError };

export type JobOutcome = { ok: true; result: ImageResult } | { ok: false; error: string };

export class ThreadPool {
  private readonly pool: WorkerPool<Job, ImageResult>;

  /** Starts `size` threads of `script` (worker.js), each loading the model of `config`. */
  constructor(script: string, config: WorkerConfig, readonly size: number) {
    this.pool = new WorkerPool<Job, ImageResult>(script, config, { size: Math.max(1, size) });
  }

  /** Resolves once every thread has loaded the model; rejects with FatalWorkerError if one cannot. */
  ready(): Promise<void> {
    return this.pool.allReady();
  }

  /** Runs one job on the next free thread: its result, or its error (a crashed thread included). */
  run(job: Job): Promise<JobOutcome> {
    return this.pool.run(job).then((result): JobOutcome => ({ ok: true, result }), (e: unknown): JobOutcome => {
      if (e instanceof TaskFailedError) return { ok: false, error: `${e.errorName}: ${e.message}` };
      if (e instanceof WorkerCrashError) return { ok: false, error: e.message };
      if (e instanceof PoolClosedError) throw new MrcnnError(`thread pool closed: cannot run ${job.input}`);
      throw e;
    });
  }

  /** Takes no more jobs, finishes those already given, then stops the threads; resolves when all have exited. */
  close(): Promise<void> {
    return this.pool.close();
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
