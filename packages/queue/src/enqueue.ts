/**
 * `enqueueRun`: records a run on a queue and adds one BullMQ job per image, its id made from the
 * image's stable key (job_id.ts). Idempotent: enqueueing the same run again adds only the jobs
 * that are missing (none after a complete enqueue; the rest after one cut short), and a different
 * run on the same queue is refused. Jobs are kept after they complete or fail, which is what makes
 * their ids stay taken; `attempts` and an exponential backoff decide the retries of a failed image.
 */
import { Queue } from 'bullmq';
import type { JobType } from 'bullmq';
import { checkQueueName, KEY_PREFIX } from './names';
import { withClient } from './redis_client';
import { jobIdOf } from './job_id';
import { imagesDigest, recordRun, RUN_FORMAT, RunImage, RunManifest } from './run';

/** Name of every job (BullMQ needs one; the queue holds one kind). */
export const JOB_NAME = 'detect';

/** Every state a job can be in, for counting the jobs a queue holds. */
export const ALL_JOB_TYPES: JobType[] = ['completed', 'failed', 'active', 'wait', 'delayed', 'prioritized', 'waiting-children'];

export interface EnqueueOptions<S> {
  redis: string;
  queue: string;
  /** The run's outputs' name. */
  name: string;
  spec: S;
  images: readonly RunImage[];
  /** Tries per image before it is failed (default 3). */
  attempts?: number;
  /** First retry delay in ms, doubled each retry (default 1000). */
  backoffMs?: number;
}

export interface EnqueueReport {
  run: RunManifest;
  /** This call recorded the run (false: the same run was there). */
  created: boolean;
  /** Jobs this call added. */
  added: number;
  /** Jobs the queue holds now. */
  jobs: number;
}

export async function enqueueRun<S>(opts: EnqueueOptions<S>): Promise<EnqueueReport> {
  const queueName = checkQueueName(opts.queue);
  const manifest: RunManifest<S> = {
    format: RUN_FORMAT, name: opts.name, total: opts.images.length, imagesDigest: imagesDigest(opts.images), spec: opts.spec, createdAt: Date.now(),
  };
  return withClient(opts.redis, async (client) => {
    const { run, created } = await recordRun(client, queueName, manifest, opts.images);
    const queue = new Queue(queueName, { connection: client, prefix: KEY_PREFIX });
    try {
      const before = await queue.getJobCountByTypes(...ALL_JOB_TYPES);
      const jobOpts = {
        attempts: opts.attempts ?? 3,
        backoff: { type: 'exponential', delay: opts.backoffMs ?? 1000 },
        removeOnComplete: false,
        removeOnFail: false,
      };
      for (let i = 0; i < opts.images.length; i += 500) {
        await queue.addBulk(opts.images.slice(i, i + 500).map((im) => ({ name: JOB_NAME, data: im, opts: { ...jobOpts, jobId: jobIdOf(im.key) } })));
      }
      const jobs = await queue.getJobCountByTypes(...ALL_JOB_TYPES);
      return { run, created, added: jobs - before, jobs };
    } finally {
      await queue.close();
    }
  });
}
