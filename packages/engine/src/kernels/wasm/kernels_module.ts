/**
 * The compiled csrc/*.c (RoIAlign, Winograd transforms, packed GEMM) and its instances. Each
 * instance imports the WebAssembly.Memory of one tfjs-wasm backend (its whole heap), so the kernels
 * pass tensor byte offsets and nothing is copied. One instance per memory object; growth replaces
 * memory.buffer, not the Memory object. Per memory also: the GEMM's job block and, on a shared
 * heap with more than one tfjs thread, its helper threads (gemm_threads.ts).
 */
import { EngineBackendError } from '../../errors';
import { GemmRunner, startGemmHelpers } from './gemm_threads';
import {
  GEMM_FMA_SHARED_WASM_BASE64, GEMM_FMA_WASM_BASE64, KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64,
} from './kernels_binary';

/** The C entry points (pointers are byte offsets into the shared memory). */
export interface KernelEntries {
  /** csrc/roi_align.c */
  multiLevelRoIAlign(rois: number, numRois: number, out: number, channels: number, outputSize: number,
    samplingRatio: number, aligned: number, legacyPlusOne: number, levels: number, numLevels: number): void;
  /** csrc/winograd.c: x [n,h,w,c] → tile positions first..first+count-1 as [T,c] matrices (offsets in the int32 table `out`). */
  winogradInputTransform(x: number, n: number, h: number, w: number, c: number, out: number, first: number, count: number): void;
  /** csrc/winograd.c: 16 [T,c] GEMM results (offset table `m`) → out [n,h,w,c] (+ bias, relu). */
  winogradOutputTransform(m: number, bias: number, out: number, n: number, h: number, w: number, c: number, relu: number): void;
  /**
   * csrc/gemm.c: runs work items of the job block `job` for generation `gen` (a GEMM, or the stacked
   * F(2x2) / F(4x4) transforms of winograd.c); returns how many.
   */
  gemmRun(job: number, gen: number): number;
}

/** How to make a per-memory GEMM runner: the job block comes from the backend's allocator. */
export interface GemmRunnerOptions {
  /** Allocates `bytes` on the backend's heap (tfjs-wasm's _malloc); never freed. */
  malloc(bytes: number): number;
  /** Threads to compute on, the caller's included (tfjs-wasm's thread count). */
  threads: number;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export function isSharedMemory(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

function exported(instance: WebAssembly.Instance, name: string): (...args: number[]) => unknown {
  const fn = instance.exports[name];
  if (typeof fn !== 'function') throw new EngineBackendError(`kernels.wasm: export ${name} missing`);
  return fn as (...args: number[]) => unknown;
}

function entryPoints(instance: WebAssembly.Instance): KernelEntries {
  const roi = exported(instance, 'multi_level_roi_align');
  const winIn = exported(instance, 'winograd_input_transform');
  const winOut = exported(instance, 'winograd_output_transform');
  const gemm = exported(instance, 'gemm_run');
  return {
    multiLevelRoIAlign: (...args) => { roi(...args); },
    winogradInputTransform: (...args) => { winIn(...args); },
    winogradOutputTransform: (...args) => { winOut(...args); },
    gemmRun: (job, gen) => Number(gemm(job, gen)),
  };
}

interface Variant { plain: WebAssembly.Module; shared: WebAssembly.Module }

/** Whether this runtime validates the fma GEMM module (relaxed SIMD's f32x4.relaxed_madd). */
function validates(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/** One memory's instances: every kernel, and the GEMM it runs (the fma module's where chosen). */
interface MemoryInstances {
  entries: KernelEntries;
  gemmModule: WebAssembly.Module;
  fma: boolean;
}

export class EngineWasmModule {
  private readonly instances = new WeakMap<WebAssembly.Memory, MemoryInstances>();
  private readonly runners = new WeakMap<WebAssembly.Memory, GemmRunner>();
  /**
   * Off by default: relaxed_madd may or may not fuse (the spec leaves it to the runtime and CPU), so
   * the FMA GEMM's results would differ between Chromium (relaxed SIMD on) and Node 20 (off) and
   * across machines, while it gains 4 % on this AMD CPU (benchmarks/levers/README.md, "FMA").
   * The mul + add GEMM gives the same bits everywhere, and the same as XNNPACK's.
   */
  private useFma = false;

  private constructor(private readonly base: Variant, private readonly fma: Variant | undefined) {}

  /**
   * Compiles the modules (async: browsers refuse synchronous compiles above 4 KB on the main
   * thread); the relaxed-SIMD (FMA) GEMM only where the runtime validates it.
   */
  static async compile(): Promise<EngineWasmModule> {
    const fmaBytes = [decodeBase64(GEMM_FMA_WASM_BASE64), decodeBase64(GEMM_FMA_SHARED_WASM_BASE64)];
    const withFma = validates(fmaBytes[0]);
    const [plain, shared, fmaPlain, fmaShared] = await Promise.all([
      WebAssembly.compile(decodeBase64(KERNELS_WASM_BASE64)),
      WebAssembly.compile(decodeBase64(KERNELS_SHARED_WASM_BASE64)),
      ...(withFma ? fmaBytes.map((b) => WebAssembly.compile(b)) : []),
    ]);
    return new EngineWasmModule({ plain, shared }, fmaPlain && fmaShared ? { plain: fmaPlain, shared: fmaShared } : undefined);
  }

  /** Whether the FMA (relaxed SIMD) GEMM can run here. */
  get fmaAvailable(): boolean {
    return this.fma !== undefined;
  }

  /**
   * Whether memories instantiated from now on run the FMA GEMM where available (default false).
   * Memories already instantiated keep theirs.
   */
  preferFma(on: boolean): void {
    this.useFma = on;
  }

  private make(memory: WebAssembly.Memory, instance: WebAssembly.Instance): MemoryInstances {
    const entries = entryPoints(instance);
    const shared = isSharedMemory(memory);
    if (!this.useFma || this.fma === undefined) return { entries, gemmModule: shared ? this.base.shared : this.base.plain, fma: false };
    const gemmModule = shared ? this.fma.shared : this.fma.plain;
    const gemm = exported(new WebAssembly.Instance(gemmModule, { env: { memory } }), 'gemm_run');
    return { entries: { ...entries, gemmRun: (job, gen) => Number(gemm(job, gen)) }, gemmModule, fma: true };
  }

  /** Instantiates on `memory` ahead of the first call (async, so it works on a browser's main thread). */
  async prepare(memory: WebAssembly.Memory): Promise<void> {
    if (this.instances.has(memory)) return;
    const instance = await WebAssembly.instantiate(isSharedMemory(memory) ? this.base.shared : this.base.plain, { env: { memory } });
    if (!this.instances.has(memory)) this.instances.set(memory, this.make(memory, instance));
  }

  private instanceFor(memory: WebAssembly.Memory): MemoryInstances {
    let inst = this.instances.get(memory);
    if (inst === undefined) {
      const module = isSharedMemory(memory) ? this.base.shared : this.base.plain;
      inst = this.make(memory, new WebAssembly.Instance(module, { env: { memory } }));
      this.instances.set(memory, inst);
    }
    return inst;
  }

  /** The entry points bound to `memory`; instantiates synchronously if `prepare` was not awaited. */
  entryFor(memory: WebAssembly.Memory): KernelEntries {
    return this.instanceFor(memory).entries;
  }

  /** Whether `memory`'s GEMM is the FMA one. */
  runsFma(memory: WebAssembly.Memory): boolean {
    return this.instanceFor(memory).fma;
  }

  /**
   * The GEMM runner of `memory`: made on first use, with threads - 1 helper threads on a shared
   * heap (each instantiating the same module on it), none otherwise.
   */
  gemmRunner(memory: WebAssembly.Memory, opts: GemmRunnerOptions): GemmRunner {
    let r = this.runners.get(memory);
    if (r === undefined) {
      const { entries, gemmModule } = this.instanceFor(memory);
      const job = opts.malloc(GemmRunner.JOB_BYTES);
      const helpers = isSharedMemory(memory) && opts.threads > 1 ? startGemmHelpers(gemmModule, memory, job, opts.threads - 1) : [];
      r = new GemmRunner(memory, job, entries, helpers);
      this.runners.set(memory, r);
    }
    return r;
  }
}
