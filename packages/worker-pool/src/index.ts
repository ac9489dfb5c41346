/**
 * @mrcnn/worker-pool: worker threads for the mrcnn commands (`mrcnn detect`, `mrcnn worker`: the
 * cli's ThreadPool) and the inference server. Main thread: `WorkerPool` (long-lived: run(task) →
 * result, crashed workers replaced, tasks cancellable). Worker script: `serveTasks`.
 * See README.md.
 */
export { WorkerPool } from './worker_pool';
export type { RunOptions, WorkerExitEvent, WorkerPoolOptions } from './worker_pool';
export { serveTasks } from './serve_tasks';
export type { TaskHandler } from './serve_tasks';
export { FatalWorkerError, PoolClosedError, TaskAbortedError, TaskFailedError, WorkerCrashError } from './errors';
export type { FromWorker, ToWorker } from './protocol';
