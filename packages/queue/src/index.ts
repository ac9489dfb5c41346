/**
 * @mrcnn/queue: batch detection past one machine on BullMQ + Redis. A run (run.ts) is an ordered
 * list of images and the spec every worker runs, recorded on one queue; `enqueueRun` adds one job
 * per image (job id = the image's stable key, so enqueueing twice adds nothing twice);
 * `QueueWorker` takes jobs on any number of machines and hands them to the caller's inference;
 * `ResultStore` keeps one result file per image in a shared directory, written idempotently;
 * `runStatus` reports progress from anywhere. The `mrcnn enqueue | worker | status | collect`
 * commands of @mrcnn/cli are built on these. See README.md and docs/QUEUE.md.
 */
export { QueueError } from './errors';
export { KEY_PREFIX, checkQueueName, checkRedisUrl, showRedisUrl, withRedis, workerConnection } from './connection';
export type { RedisCommands } from './connection';
export { RUN_FORMAT, readRun, requireRun, readRunImages, recordRun, sameRun, imagesDigest, manifestKey, imagesKey } from './run';
export type { RunImage, RunManifest } from './run';
export { jobIdOf, keyOfJobId } from './job_id';
export { enqueueRun, JOB_NAME, ALL_JOB_TYPES } from './enqueue';
export type { EnqueueOptions, EnqueueReport } from './enqueue';
export { runStatus, throughput } from './status';
export type { RunStatus, FailedImage } from './status';
export { QueueWorker } from './queue_worker';
export type { QueueWorkerOptions, QueueWorkerEvent } from './queue_worker';
export { ResultStore, resultFileName, RESULT_FORMAT } from './result_store';
