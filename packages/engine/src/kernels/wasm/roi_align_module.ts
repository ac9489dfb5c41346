/**
 * The compiled csrc/roi_align.c and its instances. Each instance imports the WebAssembly.Memory of
 * one tfjs-wasm backend (its whole heap), so the kernel passes tensor byte offsets and nothing is
 * copied. One instance per memory object; growth replaces memory.buffer, not the Memory object.
 */
import { ROI_ALIGN_SHARED_WASM_BASE64, ROI_ALIGN_WASM_BASE64 } from './roi_align_binary';
import { EngineBackendError } from '../../errors';

/** The C entry point (pointers are byte offsets into the shared memory). */
export type MultiLevelRoIAlignFn = (rois: number, numRois: number, out: number, channels: number,
  outputSize: number, samplingRatio: number, aligned: number, legacyPlusOne: number,
  levels: number, numLevels: number) => void;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export function isSharedMemory(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

function entryPoint(instance: WebAssembly.Instance): MultiLevelRoIAlignFn {
  const fn = instance.exports.multi_level_roi_align;
  if (typeof fn !== 'function') throw new EngineBackendError('roi_align.wasm: export multi_level_roi_align missing');
  return (...args) => { fn(...args); };
}

export class RoIAlignWasmModule {
  private readonly entries = new WeakMap<WebAssembly.Memory, MultiLevelRoIAlignFn>();

  private constructor(private readonly plain: WebAssembly.Module, private readonly shared: WebAssembly.Module) {}

  /** Compiles both variants (async: browsers refuse synchronous compiles above 4 KB on the main thread). */
  static async compile(): Promise<RoIAlignWasmModule> {
    const [plain, shared] = await Promise.all([
      WebAssembly.compile(decodeBase64(ROI_ALIGN_WASM_BASE64)),
      WebAssembly.compile(decodeBase64(ROI_ALIGN_SHARED_WASM_BASE64)),
    ]);
    return new RoIAlignWasmModule(plain, shared);
  }

  private moduleFor(memory: WebAssembly.Memory): WebAssembly.Module {
    return isSharedMemory(memory) ? this.shared : this.plain;
  }

  /** Instantiates on `memory` ahead of the first call (async, so it works on a browser's main thread). */
  async prepare(memory: WebAssembly.Memory): Promise<void> {
    if (this.entries.has(memory)) return;
    const instance = await WebAssembly.instantiate(this.moduleFor(memory), { env: { memory } });
    this.entries.set(memory, entryPoint(instance));
  }

  /** The entry point bound to `memory`; instantiates synchronously if `prepare` was not awaited. */
  entryFor(memory: WebAssembly.Memory): MultiLevelRoIAlignFn {
    let fn = this.entries.get(memory);
    if (fn === undefined) {
      fn = entryPoint(new WebAssembly.Instance(this.moduleFor(memory), { env: { memory } }));
      this.entries.set(memory, fn);
    }
    return fn;
  }
}
