/**
 * The compiled csrc/*.c (RoIAlign, Winograd transforms) and its instances. Each instance imports the
 * WebAssembly.Memory of one tfjs-wasm backend (its whole heap), so the kernels pass tensor byte
 * offsets and nothing is copied. One instance per memory object; growth replaces memory.buffer,
 * not the Memory object.
 */
import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels_binary';
import { EngineBackendError } from '../../errors';

/** The C entry points (pointers are byte offsets into the shared memory). */
export interface KernelEntries {
  /** csrc/roi_align.c */
  multiLevelRoIAlign(rois: number, numRois: number, out: number, channels: number, outputSize: number,
    samplingRatio: number, aligned: number, legacyPlusOne: number, levels: number, numLevels: number): void;
  /** csrc/winograd.c: x [n,h,w,c] → tile positions first..first+count-1 as [T,c] matrices (offsets in the int32 table `out`). */
  winogradInputTransform(x: number, n: number, h: number, w: number, c: number, out: number, first: number, count: number): void;
  /** csrc/winograd.c: 16 [T,c] GEMM results (offset table `m`) → out [n,h,w,c] (+ bias, relu). */
  winogradOutputTransform(m: number, bias: number, out: number, n: number, h: number, w: number, c: number, relu: number): void;
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
  return {
    multiLevelRoIAlign: (...args) => { roi(...args); },
    winogradInputTransform: (...args) => { winIn(...args); },
    winogradOutputTransform: (...args) => { winOut(...args); },
  };
}

export class EngineWasmModule {
  private readonly entries = new WeakMap<WebAssembly.Memory, KernelEntries>();

  private constructor(private readonly plain: WebAssembly.Module, private readonly shared: WebAssembly.Module) {}

  /** Compiles both variants (async: browsers refuse synchronous compiles above 4 KB on the main thread). */
  static async compile(): Promise<EngineWasmModule> {
    const [plain, shared] = await Promise.all([
      WebAssembly.compile(decodeBase64(KERNELS_WASM_BASE64)),
      WebAssembly.compile(decodeBase64(KERNELS_SHARED_WASM_BASE64)),
    ]);
    return new EngineWasmModule(plain, shared);
  }

  private moduleFor(memory: WebAssembly.Memory): WebAssembly.Module {
    return isSharedMemory(memory) ? this.shared : this.plain;
  }

  /** Instantiates on `memory` ahead of the first call (async, so it works on a browser's main thread). */
  async prepare(memory: WebAssembly.Memory): Promise<void> {
    if (this.entries.has(memory)) return;
    const instance = await WebAssembly.instantiate(this.moduleFor(memory), { env: { memory } });
    this.entries.set(memory, entryPoints(instance));
  }

  /** The entry points bound to `memory`; instantiates synchronously if `prepare` was not awaited. */
  entryFor(memory: WebAssembly.Memory): KernelEntries {
    let fn = this.entries.get(memory);
    if (fn === undefined) {
      fn = entryPoints(new WebAssembly.Instance(this.moduleFor(memory), { env: { memory } }));
      this.entries.set(memory, fn);
    }
    return fn;
  }
}
