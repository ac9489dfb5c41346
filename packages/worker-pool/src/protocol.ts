/**
 * The messages between a pool (./worker_pool) and its workers (./serve_tasks). Task and result
 * payloads are whatever the worker script and its caller agree on; they cross with the structured
 * clone algorithm (typed arrays listed in a transfer list move instead of being copied).
 */

/** Main thread → worker. A worker gets its next task only after it answered the previous one. */
export type ToWorker<Task> = { type: 'task'; id: number; task: Task } | { type: 'stop' };

/** Worker → main thread. */
export type FromWorker<Result, Info> =
  /** `init` finished: `info` is what it returned (e.g. the loaded model's description). */
  | { type: 'ready'; info: Info; loadMs: number }
  | { type: 'done'; id: number; result: Result }
  | { type: 'failed'; id: number; error: { name: string; message: string } }
  /** `init` threw: the worker cannot serve. */
  | { type: 'fatal'; error: string };
