/**
 * Runs csrc/gemm.c's jobs (packed GEMMs, and the Winograd transforms around them) on the caller's
 * thread plus helper threads of our own. tfjs-wasm's
 * XNNPACK pool cannot run code of another wasm module, so on a shared heap (tfjs's threaded
 * build) this package starts threads - 1 workers (worker_threads in Node, Web Workers in a
 * cross-origin-isolated page), each instantiating the kernels module on the same memory and
 * sleeping in Atomics.wait on the job block's `wake` word between jobs (no CPU while idle).
 *
 * One job block per memory (JOB_BYTES on the backend's heap, never freed), one job at a time
 * (tfjs kernels run synchronously on the caller's thread). A job: the caller invalidates claims
 * (`next` = 0), writes the fields, publishes `next` = (generation << 16) with an atomic store,
 * stores the generation in `wake` and notifies; then it claims items itself (gemm_run) and waits
 * until `finished` = items. Items are claimed by compare-exchange on `next` tagged with the
 * generation, so a helper that wakes late, or never (a worker that failed to start), takes
 * nothing from a job it was not woken for and the caller finishes the job alone.
 */
import { EngineBackendError } from '../../errors';
import type { KernelEntries } from './kernels_module';

/** int32 slots of the job block (= `Job` in csrc/gemm.c). */
export const JOB = {
  wake: 0, next: 1, finished: 2, items: 3, m: 4, n: 5, k: 6, mc: 7, nc: 8, kc: 9, relu: 10, a: 11,
  aWo: 12, aHo: 13, aSx: 14, aSy: 15, aSb: 16, b: 17, bias: 18, r: 19, ldr: 20, c: 21, ldc: 22,
  batch: 23, aBs: 24, bBs: 25, cBs: 26, biasBs: 27, kind: 28, per: 29,
} as const;

/** `kind` of a job (= the enum in csrc/gemm.c): a GEMM, or a Winograd transform split into tiles. */
export const JOB_KIND = { gemm: 0, winogradInput: 1, winogradOutput: 2 } as const;

/**
 * The fields a job sets (everything but the synchronisation words); a field left out is 0 (so
 * `kind` defaults to a GEMM). A transform job's use of the fields: csrc/gemm.c, above JOB_GEMM.
 */
export type GemmJob = { readonly [K in Exclude<keyof typeof JOB, 'wake' | 'next' | 'finished' | 'items'>]?: number }
  & { readonly items: number };

const JOB_FIELDS = (Object.keys(JOB) as Array<keyof typeof JOB>)
  .filter((k): k is keyof GemmJob => k !== 'wake' && k !== 'next' && k !== 'finished');

/** A helper thread, as the runner sees it. */
export interface GemmHelper {
  /** Ends the thread (it leaves its wait loop and exits). */
  stop(): void;
}

/** The worker's code: the same for Node and browsers, started by `start(data)`. */
const HELPER_SOURCE = `
function start(d) {
  const run = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports.gemm_run;
  const ctl = new Int32Array(d.memory.buffer, d.job, 1);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, 0, seen);
    const gen = Atomics.load(ctl, 0);
    if (gen < 0) return;
    if (gen !== seen) { seen = gen; run(d.job, gen); }
  }
}
`;

interface NodeWorker { unref(): void; on(event: 'error', listener: (e: unknown) => void): void }
type NodeWorkerCtor = new (code: string, opts: { eval: true; workerData: unknown }) => NodeWorker;

/** worker_threads' Worker, reached without a static import (browser bundles never load it). */
function nodeWorkerClass(): NodeWorkerCtor | undefined {
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') return undefined;
  const getBuiltin: unknown = Reflect.get(process, 'getBuiltinModule');
  let mod: unknown;
  if (typeof getBuiltin === 'function') mod = getBuiltin.call(process, 'worker_threads');
  else if (typeof require === 'function') mod = require('worker_threads');
  const w: unknown = typeof mod === 'object' && mod !== null ? Reflect.get(mod, 'Worker') : undefined;
  return typeof w === 'function' ? (w as NodeWorkerCtor) : undefined;
}

/**
 * Starts `count` helpers computing on `memory` with `module` (instantiated in each). Returns the
 * helpers that could be started (none where the environment has no workers: the caller then
 * computes alone).
 */
export function startGemmHelpers(module: WebAssembly.Module, memory: WebAssembly.Memory, job: number, count: number): GemmHelper[] {
  const data = { module, memory, job };
  const wake = new Int32Array(memory.buffer, job, 1);
  const stop = (): void => { Atomics.store(wake, 0, -1); Atomics.notify(wake, 0); };
  const helpers: GemmHelper[] = [];
  const NodeWorkerCtor = nodeWorkerClass();
  for (let i = 0; i < count; i++) {
    if (NodeWorkerCtor !== undefined) {
      const w = new NodeWorkerCtor(`${HELPER_SOURCE}\nstart(require('worker_threads').workerData);`, { eval: true, workerData: data });
      w.unref(); // never keeps Node alive
      w.on('error', () => { /* the caller computes the items it would have taken */ });
      helpers.push({ stop });
    } else if (typeof Worker === 'function' && typeof Blob === 'function' && typeof URL?.createObjectURL === 'function') {
      const url = URL.createObjectURL(new Blob([`${HELPER_SOURCE}\nonmessage = (e) => start(e.data);`], { type: 'text/javascript' }));
      const w = new Worker(url);
      URL.revokeObjectURL(url);
      w.postMessage(data);
      helpers.push({ stop: () => { stop(); w.terminate(); } });
    }
  }
  return helpers;
}

/** Longest the caller waits for a helper to finish an item it claimed before giving up. */
const STALL_MS = 120_000;

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(view: Int32Array): boolean {
  try {
    Atomics.wait(view, JOB.finished, -0x7fffffff, 0);
    return true;
  } catch {
    return false;
  }
}

export class GemmRunner {
  static readonly JOB_BYTES = 128;
  private gen = 0;
  private view: Int32Array;
  private readonly blocks: boolean;

  constructor(private readonly memory: WebAssembly.Memory, readonly job: number, private readonly entries: KernelEntries,
    private readonly helpers: readonly GemmHelper[]) {
    this.view = new Int32Array(memory.buffer, job, GemmRunner.JOB_BYTES / 4);
    this.blocks = canBlock(this.view);
  }

  /** Threads a job runs on (the caller and its helpers). */
  get threads(): number {
    return 1 + this.helpers.length;
  }

  /** Runs one job to completion on every thread. */
  run(job: GemmJob): void {
    if (job.items === 0) return;
    if (job.items > 0xffff) throw new EngineBackendError(`packed GEMM: ${job.items} work items, at most 65535`);
    if (this.view.buffer !== this.memory.buffer) { // grown (a non-shared buffer is then detached)
      this.view = new Int32Array(this.memory.buffer, this.job, GemmRunner.JOB_BYTES / 4);
    }
    const v = this.view;
    this.gen = (this.gen % 0xffff) + 1;
    const gen = this.gen;
    Atomics.store(v, JOB.next, 0); // no claims while the fields change
    for (const name of JOB_FIELDS) v[JOB[name]] = job[name] ?? 0;
    Atomics.store(v, JOB.finished, 0);
    Atomics.store(v, JOB.next, gen << 16);
    if (this.helpers.length > 0) {
      Atomics.store(v, JOB.wake, gen);
      Atomics.notify(v, JOB.wake);
    }
    this.entries.gemmRun(this.job, gen);
    this.waitFinished(v, job.items);
  }

  private waitFinished(v: Int32Array, items: number): void {
    let last = Atomics.load(v, JOB.finished);
    let since = performance.now();
    while (last < items) {
      if (this.blocks) Atomics.wait(v, JOB.finished, last, 20);
      const now = Atomics.load(v, JOB.finished);
      if (now !== last) {
        last = now;
        since = performance.now();
      } else if (performance.now() - since > STALL_MS) {
        throw new EngineBackendError(`packed GEMM: a helper thread stopped with ${items - now} of ${items} work items unfinished`);
      }
    }
  }

  /** Stops the helpers (the runner then computes alone). */
  stop(): void {
    for (const h of this.helpers) h.stop();
  }
}
