/**
 * What a pool task can fail with. Every class extends `MrcnnError` (@mrcnn/schema), so callers
 * tell a refused or failed task from a bug; the message says which worker event or task error it was.
 */
import { MrcnnError } from '@mrcnn/schema';

/**
 * A worker could not start its work (its `init` threw, e.g. the model cannot be loaded, or it died
 * before it was ready): the pool stops, and every queued and running task fails with this error.
 */
export class FatalWorkerError extends MrcnnError {}

/** The worker running the task died (a native crash, out of memory, `process.exit`); it is replaced. */
export class WorkerCrashError extends MrcnnError {
  /** How the worker ended: `exit code 70`, or the error it died of. */
  readonly why: string;

  constructor(why: string) {
    super(`worker crashed (${why})`);
    this.why = why;
  }
}

/** The task's handler threw in the worker; `errorName` is the class name of what it threw there. */
export class TaskFailedError extends MrcnnError {
  readonly errorName: string;

  constructor(errorName: string, message: string) {
    super(message);
    this.errorName = errorName;
  }
}

/**
 * The task's `signal` was aborted: a queued task is dropped; a running one's worker is terminated
 * and replaced (a computation cannot be interrupted any other way).
 */
export class TaskAbortedError extends MrcnnError {
  /** Whether it had started on a worker. */
  readonly started: boolean;

  constructor(started: boolean, reason: string) {
    super(`task aborted ${started ? 'while running' : 'while queued'}: ${reason}`);
    this.started = started;
  }
}

/** `run` after `close()` or `terminate()`, or a task still queued when the pool was terminated. */
export class PoolClosedError extends MrcnnError {}
