/**
 * Winograd F(2x2, 3x3) input and output transforms on the wasm backend: csrc/winograd.c reads and
 * writes the tensors where tfjs keeps them in the backend's memory (the GEMMs between them are
 * tfjs matMuls, i.e. XNNPACK on tfjs-wasm's thread pool).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { WINOGRAD_PRODUCT_NAMES, WinogradInputTransform, WinogradOutputTransform } from '../../kernel_names';
import { resolveWinogradInputAttrs, resolveWinogradOutputAttrs } from '../../winograd_attrs';
import { winogradTiles } from '../cpu/winograd_impl';
import { TypedKernel } from '../typed_kernel';
import { EngineWasmModule } from './kernels_module';
import { isWasmBackend, memoryOffset, wasmBackendMemory } from './wasm_backend_access';

/** Writes the 16 byte offsets into a fresh int32 table on the heap; the caller frees it. */
function offsetTable(backend: BackendWasm, ts: readonly TensorInfo[]): number {
  const table = backend.wasm._malloc(4 * ts.length);
  const view = new DataView(wasmBackendMemory(backend).buffer); // afresh: _malloc may have grown it
  ts.forEach((t, k) => view.setInt32(table + 4 * k, memoryOffset(backend, t), true));
  return table;
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
