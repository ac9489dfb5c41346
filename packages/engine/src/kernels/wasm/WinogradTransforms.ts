/**
 * Winograd input and output transforms on the wasm backend: csrc/winograd.c reads and writes the
 * tensors where tfjs keeps them in the backend's memory. Per position (F(2x2): the GEMMs between
 * are tfjs matMuls, XNNPACK on tfjs-wasm's pool) and stacked (F(2x2) and F(4x4): one [P, T, C]
 * tensor each way, the GEMM between is one batched PackedGemm; the transforms run on the GEMM's
 * threads, split by tiles).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import {
  WINOGRAD_PRODUCT_NAMES, WinogradInputTransform, WinogradOutputTransform, winogradPositions, WinogradStackedInput,
  WinogradStackedOutput,
} from '../../kernel_names';
import {
  resolveWinogradInputAttrs, resolveWinogradOutputAttrs, resolveWinogradStackedInputAttrs, resolveWinogradStackedOutputAttrs,
} from '../../winograd_attrs';
import { winogradTiles } from '../cpu/winograd_impl';
import { winogradStackedTiles } from '../cpu/winograd_stacked_impl';
import { TypedKernel } from '../typed_kernel';
import { EngineWasmModule } from './kernels_module';
import { JOB_KIND, type GemmJob } from './gemm_threads';
import { gemmRunnerOf } from './PackedGemm';
import { isWasmBackend, memoryOffset, wasmBackendMemory } from './wasm_backend_access';

/** Work items per thread of a stacked transform (small enough that a delayed thread costs little). */
const TRANSFORM_ITEMS_PER_THREAD = 8;

/**
 * Runs a stacked transform over its `tiles` tiles on the GEMM's threads (the caller and its
 * helpers), as work items of consecutive tiles.
 */
function runTransform(module: EngineWasmModule, backend: BackendWasm, tiles: number, job: Omit<GemmJob, 'items' | 'per'>): void {
  const runner = gemmRunnerOf(module, backend);
  const per = Math.ceil(tiles / Math.min(tiles, TRANSFORM_ITEMS_PER_THREAD * runner.threads));
  runner.run({ ...job, items: Math.ceil(tiles / per), per });
}

/** Writes the byte offsets into a fresh int32 table on the heap; the caller frees it. */
function offsetTableOf(backend: BackendWasm, offsets: readonly number[]): number {
  const table = backend.wasm._malloc(4 * offsets.length);
  const view = new DataView(wasmBackendMemory(backend).buffer); // afresh: _malloc may have grown it
  offsets.forEach((o, k) => view.setInt32(table + 4 * k, o, true));
  return table;
}

function offsetTable(backend: BackendWasm, ts: readonly TensorInfo[]): number {
  return offsetTableOf(backend, ts.map((t) => memoryOffset(backend, t)));
}

/** The offsets of the P matrices [T, C] of a stacked [P, T, C] tensor. */
function stackedOffsets(backend: BackendWasm, t: TensorInfo): number[] {
  const [p, tiles, c] = t.shape;
  const base = memoryOffset(backend, t);
  return Array.from({ length: p }, (_, k) => base + 4 * k * tiles * c);
}

export function winogradInputTransformWasm(module: EngineWasmModule): TypedKernel<BackendWasm, typeof WinogradInputTransform> {
  return {
    kernelName: WinogradInputTransform,
    backendName: 'wasm',
    isBackend: isWasmBackend,
    kernelFunc({ inputs, backend, attrs }) {
      const { firstPosition, numPositions } = resolveWinogradInputAttrs(attrs);
      const { x } = inputs;
      const [n, h, w, c] = x.shape;
      const shape = [winogradTiles(n, h, w), c];
      const outs = Array.from({ length: numPositions }, () => backend.makeOutput(shape, 'float32'));
      if (shape[0] * c === 0) return outs;
      const table = offsetTable(backend, outs);
      try {
        module.entryFor(wasmBackendMemory(backend)).winogradInputTransform(memoryOffset(backend, x), n, h, w, c, table,
          firstPosition, numPositions);
      } finally {
        backend.wasm._free(table);
      }
      return outs;
    },
  };
}

export function winogradOutputTransformWasm(module: EngineWasmModule): TypedKernel<BackendWasm, typeof WinogradOutputTransform> {
  return {
    kernelName: WinogradOutputTransform,
    backendName: 'wasm',
    isBackend: isWasmBackend,
    kernelFunc({ inputs, backend, attrs }) {
      const a = resolveWinogradOutputAttrs(attrs);
      const m = WINOGRAD_PRODUCT_NAMES.map((name) => inputs[name]);
      const [t, c] = inputs.m0.shape;
      const n = t / winogradTiles(1, a.height, a.width);
      const { bias } = inputs;
      const out = backend.makeOutput([n, a.height, a.width, c], 'float32');
      if (t * c === 0) return out;
      const table = offsetTable(backend, m);
      try {
        module.entryFor(wasmBackendMemory(backend)).winogradOutputTransform(table, bias ? memoryOffset(backend, bias) : 0,
          memoryOffset(backend, out), n, a.height, a.width, c, a.activation === 'relu' ? 1 : 0);
      } finally {
        backend.wasm._free(table);
      }
      return out;
    },
  };
}

export function winogradStackedInputWasm(module: EngineWasmModule): TypedKernel<BackendWasm, typeof WinogradStackedInput> {
  return {
    kernelName: WinogradStackedInput,
    backendName: 'wasm',
    isBackend: isWasmBackend,
    kernelFunc({ inputs, backend, attrs }) {
      const { outputTile } = resolveWinogradStackedInputAttrs(attrs);
      const { x } = inputs;
      const [n, h, w, c] = x.shape;
      const p = winogradPositions(outputTile);
      const out = backend.makeOutput([p, winogradStackedTiles(outputTile, n, h, w), c], 'float32');
      if (out.shape[1] * c === 0) return out;
      const table = offsetTableOf(backend, stackedOffsets(backend, out));
      try {
        runTransform(module, backend, out.shape[1], {
          kind: JOB_KIND.winogradInput, a: memoryOffset(backend, x), batch: n, m: h, n: w, k: c, b: table, mc: 0, nc: p, kc: outputTile,
        });
      } finally {
        backend.wasm._free(table);
      }
      return out;
    },
  };
}

export function winogradStackedOutputWasm(module: EngineWasmModule): TypedKernel<BackendWasm, typeof WinogradStackedOutput> {
  return {
    kernelName: WinogradStackedOutput,
    backendName: 'wasm',
    isBackend: isWasmBackend,
    kernelFunc({ inputs, backend, attrs }) {
      const { m, bias } = inputs;
      const a = resolveWinogradStackedOutputAttrs(attrs, m.shape);
      const [, t, c] = m.shape;
      const n = t / winogradStackedTiles(a.outputTile, 1, a.height, a.width);
      const out = backend.makeOutput([n, a.height, a.width, c], 'float32');
      if (t * c === 0) return out;
      const table = offsetTableOf(backend, stackedOffsets(backend, m));
      try {
        runTransform(module, backend, t, {
          kind: JOB_KIND.winogradOutput, a: table, bias: bias ? memoryOffset(backend, bias) : 0, c: memoryOffset(backend, out),
          batch: n, m: a.height, n: a.width, k: c, relu: a.activation === 'relu' ? 1 : 0, kc: a.outputTile,
        });
      } finally {
        backend.wasm._free(table);
      }
      return out;
    },
  };
}
