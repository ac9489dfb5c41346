/**
 * A pool of worker threads running `mrcnn detect` jobs, one job per worker at a time. A worker that
 * dies mid-job (a native crash, out of memory) fails that job only: the pool reports it, starts a
 * replacement and goes on. A model that cannot be loaded stops the whole run.
 */
import { Worker } from 'worker_threads';
import { MrcnnError } from '@mrcnn/schema';
import type { ImageResult, Job } from './job';
import type { FromWorker, ToWorker, WorkerConfig } from './worker';

export type JobOutcome = { ok: true; result: ImageResult } | { ok: false; error: string };

/** The model could not be loaded in a worker: the whole run stops. */
export class FatalWorkerError extends MrcnnError {}

interface Slot {
  worker: Worker;
  job?: Job;
  /** Set once the job's outcome has been delivered or the worker is being replaced. */
  retired: boolean;
}

/** Runs every job on up to `size` workers; `onDone` is called once per job, in completion order. */
export function runPool(script: string, config: WorkerConfig, size: number, jobs: readonly Job[],
  onDone: (job: Job, outcome: JobOutcome) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const queue = [...jobs];
    const slots = new Set<Slot>();
    let remaining = jobs.length;
    let failed = false;
    if (remaining === 0) {
      resolve();
      return;
    }

    const finishJob = (slot: Slot, outcome: JobOutcome): void => {
      const job = slot.job;
      if (job === undefined) return;
      slot.job = undefined;
      remaining--;
      onDone(job, outcome);
      if (remaining === 0) {
        for (const s of slots) {
          s.retired = true;
          s.worker.postMessage({ type: 'stop' } satisfies ToWorker);
        }
        resolve();
      }
    };

    const feed = (slot: Slot): void => {
      const job = queue.shift();
      if (job === undefined) {
        slot.retired = true;
        slot.worker.postMessage({ type: 'stop' } satisfies ToWorker);
        return;
      }
      slot.job = job;
      slot.worker.postMessage({ type: 'job', job } satisfies ToWorker);
    };

    const fatal = (message: string): void => {
      if (failed) return;
      failed = true;
      for (const s of slots) {
        s.retired = true;
        void s.worker.terminate();
      }
      reject(new FatalWorkerError(message));
    };

    const spawn = (): void => {
      const worker = new Worker(script, { workerData: config });
      const slot: Slot = { worker, retired: false };
      slots.add(slot);
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') feed(slot);
        else if (m.type === 'fatal') fatal(m.error);
        else {
          finishJob(slot, m.type === 'done' ? { ok: true, result: m.result } : { ok: false, error: m.error });
          if (!failed && remaining > 0) feed(slot);
        }
      });
      const died = (why: string): void => {
        slots.delete(slot);
        if (slot.retired || failed) return;
        slot.retired = true;
        if (slot.job !== undefined) {
          finishJob(slot, { ok: false, error: `worker crashed (${why})` });
          if (queue.length > 0) spawn();
        } else if (slots.size === 0 && remaining > 0) {
          fatal(`worker exited before taking a job (${why})`);
        }
      };
      worker.on('error', (e: Error) => died(e.message));
      worker.on('exit', (code) => died(`exit code ${code}`));
    };

    for (let i = 0; i < Math.max(1, Math.min(size, jobs.length)); i++) spawn();
  });
}
