/**
 * The worker side of a pool: `serveTasks(init)` in a worker script calls `init(workerData)` once
 * (load a model, say), reports ready, then runs the tasks the pool sends one at a time and answers
 * each with its result or the error it threw. An `init` that throws is reported as fatal.
 *
 * Ownership: the handler owns what `init` made and releases it in `dispose()` (called on `stop`);
 * a result's buffers listed by `transferList` move to the main thread and must not be used after.
 */
import { parentPort, TransferListItem, workerData } from 'worker_threads';
import type { FromWorker, ToWorker } from './protocol';

export interface TaskHandler<Task, Result, Info = undefined> {
  /** Sent to the pool with `ready` (a plain, cloneable value). */
  readonly info: Info;
  run(task: Task): Promise<Result>;
  /** Buffers of `result` to move rather than copy (default: none). */
  transferList?(result: Result): TransferListItem[];
  /** Called when the pool stops this worker. */
  dispose?(): void;
}

function errorOf(e: unknown): { name: string; message: string } {
  return e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
}

/** Serves the pool that started this worker thread (throws outside a worker thread). */
export function serveTasks<Config, Task, Result, Info = undefined>(
  init: (config: Config) => Promise<TaskHandler<Task, Result, Info>>): void {
  const port = parentPort;
  if (port === null) throw new Error('serveTasks runs only in a worker thread started by a WorkerPool');
  const send = (m: FromWorker<Result, Info>, transfer?: TransferListItem[]): void => port.postMessage(m, transfer);
  const t0 = performance.now();
  init(workerData as Config).then((handler) => {
    port.on('message', (m: ToWorker<Task>) => {
      if (m.type === 'stop') {
        handler.dispose?.();
        port.close();
        return;
      }
      handler.run(m.task).then(
        (result) => send({ type: 'done', id: m.id, result }, handler.transferList?.(result)),
        (e: unknown) => send({ type: 'failed', id: m.id, error: errorOf(e) }),
      );
    });
    send({ type: 'ready', info: handler.info, loadMs: performance.now() - t0 });
  }, (e: unknown) => {
    const { name, message } = errorOf(e);
    send({ type: 'fatal', error: `${name}: ${message}` });
  });
}
