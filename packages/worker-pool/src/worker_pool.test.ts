/**
 * WorkerPool on a real worker script (src/__tests__/test_worker.js, which uses the
 * built package: `npm run build` first): results and transfers, task errors, a crashing worker
 * replaced, aborts while queued and while running, fatal init, allReady, close and terminate.
 */
import * as path from 'path';
import {
  FatalWorkerError, PoolClosedError, TaskAbortedError, TaskFailedError, WorkerCrashError, WorkerExitEvent, WorkerPool,
} from '@mrcnn/worker-pool';

const SCRIPT = path.join(__dirname, '__tests__', 'test_worker.js');

type Task = { op: string; value?: unknown; ms?: number; message?: string; code?: number; data?: Float32Array; n?: number };
interface Result { threadId: number; value: unknown; bytesLeft?: number }
interface Info { threadId: number }

const pools: Array<WorkerPool<Task, Result, Info>> = [];

function track(p: WorkerPool<Task, Result, Info>): WorkerPool<Task, Result, Info> {
  pools.push(p);
  return p;
}

function pool(size: number, config: object = {}, exits: WorkerExitEvent[] = []): WorkerPool<Task, Result, Info> {
  return track(new WorkerPool<Task, Result, Info>(SCRIPT, config, { size, onWorkerExit: (e) => exits.push(e) }));
}

// A failed test must not leave worker threads running (jest would not exit).
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.terminate()));
});

async function failure(p: Promise<unknown>): Promise<Error> {
  return p.then(() => { throw new Error('expected a rejection'); }, (e: Error) => e);
}

describe('WorkerPool', () => {
  it('runs tasks on its workers, moves transferred buffers both ways and reports ready info', async () => {
    const ready: number[] = [];
    let bothReady!: () => void;
    const both = new Promise<void>((resolve) => { bothReady = resolve; });
    const p = track(new WorkerPool<Task, Result, Info>(SCRIPT, {}, {
      size: 2,
      onWorkerReady: (info) => {
        ready.push(info.threadId);
        if (ready.length === 2) bothReady();
      },
    }));
    const info = await p.ready;
    expect(info.threadId).toBe(ready[0]);
    await p.allReady();
    expect(ready.length).toBe(2);
    await both;
    const results = await Promise.all([1, 2, 3, 4].map((v) => p.run({ op: 'echo', value: v })));
    expect(results.map((r) => r.value)).toEqual([1, 2, 3, 4]);
    expect(new Set(results.map((r) => r.threadId)).size).toBe(2);
    const data = Float32Array.from([1, 2, 3.5]);
    let started = 0;
    const sum = await p.run({ op: 'sum', data }, { transfer: [data.buffer], onStart: () => started++ });
    expect(started).toBe(1);
    expect([sum.value, sum.bytesLeft, data.byteLength]).toEqual([6.5, 12, 0]); // moved: empty here
    const buf = await p.run({ op: 'buffer', n: 5 });
    expect(Array.from(buf.value as Float32Array)).toEqual([0, 0.5, 1, 1.5, 2]);
    await p.close();
  });

  it('a task that throws fails with TaskFailedError (its class name kept); the pool goes on', async () => {
    const p = pool(1);
    const e = await failure(p.run({ op: 'fail', message: 'bad input x' }));
    expect(e).toBeInstanceOf(TaskFailedError);
    expect([(e as TaskFailedError).errorName, e.message]).toEqual(['TypeError', 'bad input x']);
    expect((await p.run({ op: 'echo', value: 'next' })).value).toBe('next');
    await p.close();
  });

  it('a worker that dies mid-task fails that task only and is replaced', async () => {
    const exits: WorkerExitEvent[] = [];
    const p = pool(1, {}, exits);
    const first = await p.run({ op: 'echo', value: 0 });
    const [crashed, queued] = await Promise.allSettled([p.run({ op: 'exit', code: 70 }), p.run({ op: 'echo', value: 1 })]);
    expect(crashed.status).toBe('rejected');
    const e = (crashed as PromiseRejectedResult).reason as Error;
    expect(e).toBeInstanceOf(WorkerCrashError);
    expect(e.message).toBe('worker crashed (exit code 70)');
    expect(queued).toEqual({ status: 'fulfilled', value: expect.objectContaining({ value: 1 }) });
    expect((queued as PromiseFulfilledResult<Result>).value.threadId).not.toBe(first.threadId);
    expect(exits).toEqual([{ cause: 'crash', why: 'exit code 70' }]);
    await p.close();
  });

  it('an abort drops a queued task, and terminates and replaces the worker of a running one', async () => {
    const exits: WorkerExitEvent[] = [];
    const p = pool(1, {}, exits);
    const busy = await p.run({ op: 'echo' });
    const running = new AbortController();
    const queued = new AbortController();
    const slow = p.run({ op: 'sleep', ms: 60_000 }, { signal: running.signal });
    const waiting = p.run({ op: 'echo', value: 'never' }, { signal: queued.signal });
    const after = p.run({ op: 'echo', value: 'after' });
    expect([p.running, p.queued]).toEqual([1, 2]);
    queued.abort('client went away');
    const e1 = await failure(waiting);
    expect(e1).toBeInstanceOf(TaskAbortedError);
    expect([e1.message, (e1 as TaskAbortedError).started]).toEqual(['task aborted while queued: client went away', false]);
    expect(p.queued).toBe(1);
    running.abort(new Error('timed out after 5 ms'));
    const e2 = await failure(slow);
    expect([e2.message, (e2 as TaskAbortedError).started]).toEqual(['task aborted while running: timed out after 5 ms', true]);
    const next = await after;
    expect(next.value).toBe('after');
    expect(next.threadId).not.toBe(busy.threadId);
    expect(exits).toEqual([{ cause: 'abort', why: 'timed out after 5 ms' }]);
    await expect(p.run({ op: 'echo' }, { signal: AbortSignal.abort('already') })).rejects.toThrow('task aborted while queued: already');
    await p.close();
  });

  it('an init that throws is fatal: ready and every task reject with FatalWorkerError', async () => {
    const fatal: Error[] = [];
    const p = track(new WorkerPool<Task, Result, Info>(SCRIPT, { failInit: 'no model here', initDelayMs: 20 }, { size: 2, onFatal: (e) => fatal.push(e) }));
    const task = p.run({ op: 'echo' });
    const e = await failure(p.ready);
    expect(e).toBeInstanceOf(FatalWorkerError);
    expect(e.message).toBe('RangeError: no model here');
    await expect(task).rejects.toBe(e);
    await expect(p.run({ op: 'echo' })).rejects.toBe(e);
    await expect(p.allReady()).rejects.toBe(e);
    expect(p.error).toBe(e);
    expect(fatal).toEqual([e]);
    await p.close();
  });

  it('close() finishes the queued tasks first and then refuses new ones; terminate() fails what is left', async () => {
    const p = pool(1);
    const tasks = [p.run({ op: 'sleep', ms: 50 }), p.run({ op: 'echo', value: 'queued' })];
    const closed = p.close();
    await expect(p.run({ op: 'echo' })).rejects.toBeInstanceOf(PoolClosedError);
    expect((await Promise.all(tasks)).map((r) => r.value)).toEqual([50, 'queued']);
    await closed;
    expect(p.readyWorkers).toBe(0);

    const q = pool(1);
    await q.ready;
    const running = q.run({ op: 'sleep', ms: 60_000 });
    const waiting = q.run({ op: 'echo' });
    const failed = Promise.all([failure(running), failure(waiting)]);
    await q.terminate();
    const [e1, e2] = await failed;
    expect([e1, e2].map((e) => [e instanceof PoolClosedError, e.message]))
      .toEqual([[true, 'the worker pool was terminated'], [true, 'the worker pool was terminated']]);
  });
});
