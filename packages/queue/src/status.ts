/**
 * `runStatus`: progress of a queue's run, from any machine that reaches Redis — images done,
 * failed (with their reasons and attempts), active, waiting and delayed (a retry waiting out its
 * backoff), the workers connected, the recent rate and the ETA. The rate is taken over the latest
 * finished jobs (up to 100, by their finish times), so it follows the workers there are now.
 */
import { Queue } from 'bullmq';
import type { Job } from 'bullmq';
import { checkQueueName, KEY_PREFIX } from './names';
import { withClient } from './redis_client';
import { keyOfJobId } from './job_id';
import { requireRun, RunImage } from './run';

export interface FailedImage {
  key: string;
  file: string;
  /** The error of the last attempt (BullMQ's failedReason). */
  reason: string;
  attempts: number;
}

export interface RunStatus {
  queue: string;
  name: string;
  total: number;
  completed: number;
  failed: number;
  active: number;
  /** Waiting to be taken (incl. prioritized). */
  waiting: number;
  /** Retries waiting out their backoff. */
  delayed: number;
  /** Workers connected to the queue now. */
  workers: number;
  /** Images per second over the latest finished jobs (0 when fewer than two). */
  rate: number;
  /** Seconds until every image is finished at `rate`; undefined when unknown. */
  etaSeconds?: number;
  /** The failed images (at most `failuresLimit`). */
  failures: FailedImage[];
  createdAt: number;
}

/** Images per second from finish times in ms: (n − 1) over the time between the first and last. */
export function throughput(finishedOn: readonly number[]): number {
  if (finishedOn.length < 2) return 0;
  const span = (Math.max(...finishedOn) - Math.min(...finishedOn)) / 1000;
  return span > 0 ? (finishedOn.length - 1) / span : 0;
}

function failedImage(job: Job): FailedImage {
  const data = job.data as Partial<RunImage> | undefined;
  return {
    key: data?.key ?? keyOfJobId(job.id ?? ''),
    file: data?.file ?? '',
    reason: job.failedReason ?? '',
    attempts: job.attemptsMade,
  };
}

export async function runStatus(redis: string, queueName: string, failuresLimit = 100): Promise<RunStatus> {
  checkQueueName(queueName);
  return withClient(redis, async (client) => {
    const run = await requireRun(client, queueName);
    const queue = new Queue(queueName, { connection: client, prefix: KEY_PREFIX });
    try {
      const c = await queue.getJobCounts('completed', 'failed', 'active', 'wait', 'prioritized', 'delayed');
      const recent = [...await queue.getCompleted(0, 99), ...await queue.getFailed(0, 99)]
        .map((j) => j.finishedOn ?? 0).filter((t) => t > 0).sort((a, b) => b - a).slice(0, 100);
      const failures = failuresLimit > 0 ? (await queue.getFailed(0, failuresLimit - 1)).map(failedImage) : [];
      const rate = throughput(recent);
      const left = run.total - c.completed - c.failed;
      return {
        queue: queueName,
        name: run.name,
        total: run.total,
        completed: c.completed,
        failed: c.failed,
        active: c.active,
        waiting: c.wait + c.prioritized,
        delayed: c.delayed,
        workers: await queue.getWorkersCount(),
        rate,
        etaSeconds: left <= 0 ? 0 : rate > 0 ? left / rate : undefined,
        failures,
        createdAt: run.createdAt,
      };
    } finally {
      await queue.close();
    }
  });
}
