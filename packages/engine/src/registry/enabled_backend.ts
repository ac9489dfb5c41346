/** What `initBackend` takes and what it reports back (shared by every registry entry). */
import type { WebGPUAdapterReport } from '../backend_setup/webgpu_adapter';

export type { WebGPUAdapterReport } from '../backend_setup/webgpu_adapter';

/** tfjs-backend-wasm's three builds. */
export type WasmBinaryName = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

export interface InitBackendOptions {
  /**
   * wasm: where tfjs-backend-wasm's .wasm binaries are, passed to `setWasmPaths` (a folder path or
   * URL prefix ending in '/', or a map of all three file names). Default in Node: the installed
   * package's dist folder (local files, no network); in a browser: whatever the page set with
   * setWasmPaths, else tfjs's default (next to the script), i.e. same-origin files.
   */
  wasmPaths?: string | Record<WasmBinaryName, string>;
  /** wasm: false forces the non-SIMD binary. Default: use SIMD where the runtime has it. */
  simd?: boolean;
  /**
   * wasm: XNNPACK thread count (1..8). Browser: honoured when the page is cross-origin isolated
   * (tfjs then runs its threaded SIMD build). Node: above 1, this package runs tfjs's threaded
   * SIMD build on worker_threads (see backend_setup/node_threaded_wasm.ts); default 1 in Node.
   */
  threads?: number;
}

export interface EnabledBackend<N extends string = string> {
  backend: N;
  /** wasm: whether a SIMD binary runs. false for cpu and webgl. */
  simd: boolean;
  /** Threads the backend computes on (wasm: XNNPACK's pool size; 1 for cpu and webgl). */
  threads: number;
  /** wasm: the tfjs binary that runs. */
  wasmBinary?: WasmBinaryName;
  /** wasm: whether the heap is a SharedArrayBuffer (threaded build; RoIAlign then runs on it too). */
  sharedMemory?: boolean;
  /** webgl: the WebGL version tfjs uses (1 or 2). */
  webglVersion?: number;
  /** webgpu: the adapter (vendor, architecture, whether it is a software fallback such as SwiftShader). */
  gpuAdapter?: WebGPUAdapterReport;
}
