/**
 * PackedGemm on the wasm backend: csrc/gemm.c reads A, the packed weights, bias and residual where
 * tfjs keeps them and writes the output tensor, on tfjs-wasm's thread count (the caller plus
 * helper threads: gemm_threads.ts). Block sizes: gemmBlocking below.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { PACKED_GEMM_PANEL, PackedGemm } from '../../kernel_names';
import { packedGemmGeometry, resolvePackedGemmAttrs } from '../../packed_gemm_attrs';
import { TypedKernel } from '../typed_kernel';
import type { GemmRunner } from './gemm_threads';
import { EngineWasmModule } from './kernels_module';
import { isWasmBackend, memoryOffset, wasmBackendMemory, wasmThreadsOf } from './wasm_backend_access';

/** Deepest K step: a 4x8 micro-kernel's B panel (kc x 8 floats, 16 KB) and A rows (8 KB) stay in L1. */
const KC_MAX = 512;
/** The mc x kc block of A that every 8-column panel of a K step passes over, kept in L2. */
const A_BLOCK_BYTES = 256 * 1024;
/** Widest column block of a work item. */
const NC_MAX = 256;

const roundUp = (v: number, to: number): number => Math.ceil(v / to) * to;

export interface GemmBlocking { mc: number; nc: number; kc: number; items: number }

/**
 * Block sizes of one call: kc ≤ KC_MAX splitting K evenly, mc rows of A in A_BLOCK_BYTES, nc ≤
 * NC_MAX columns; blocks halved (rows first) until every thread has ≥ 4 work items to claim, so
 * a thread the OS delays costs at most a small item at the end.
 */
export function gemmBlocking(m: number, n: number, k: number, batch: number, threads: number): GemmBlocking {
  const kc = Math.ceil(k / Math.ceil(k / KC_MAX));
  let mc = Math.min(roundUp(m, 4), Math.max(4, Math.floor(A_BLOCK_BYTES / (4 * kc) / 4) * 4));
  let nc = Math.min(roundUp(n, PACKED_GEMM_PANEL), NC_MAX);
  const items = (): number => batch * Math.ceil(m / mc) * Math.ceil(n / nc);
  while (threads > 1 && items() < 4 * threads) {
    if (mc > 32) mc = roundUp(mc / 2, 4);
    else if (nc > 32) nc = roundUp(nc / 2, PACKED_GEMM_PANEL);
    else break;
  }
  return { mc, nc, kc, items: items() };
}

/** The GEMM runner of `backend`'s heap, on tfjs-wasm's thread count (PackedGemm and the stacked Winograd transforms). */
export function gemmRunnerOf(module: EngineWasmModule, backend: BackendWasm): GemmRunner {
  return module.gemmRunner(wasmBackendMemory(backend), { malloc: (bytes) => backend.wasm._malloc(bytes), threads: wasmThreadsOf(backend) });
}

export function packedGemmWasm(module: EngineWasmModule): TypedKernel<BackendWasm, typeof PackedGemm> {
  return {
    kernelName: PackedGemm,
    backendName: 'wasm',
    isBackend: isWasmBackend,
    kernelFunc({ inputs, backend, attrs }) {
      const at = resolvePackedGemmAttrs(attrs);
      const { a, packed, bias, residual } = inputs;
      const g = packedGemmGeometry(a.shape, packed.shape, at, bias?.shape, residual?.shape);
      const out = backend.makeOutput(g.outShape, 'float32');
      if (g.batch * g.m * g.n === 0) return out;
      const runner = gemmRunnerOf(module, backend);
      const { mc, nc, kc, items } = gemmBlocking(g.m, g.n, g.k, g.batch, runner.threads);
      runner.run({
        items, m: g.m, n: g.n, k: g.k, mc, nc, kc, relu: at.activation === 'relu' ? 1 : 0,
        a: memoryOffset(backend, a), aWo: g.wo, aHo: g.ho, aSx: g.sx, aSy: g.sy, aSb: g.sb,
        b: memoryOffset(backend, packed), bias: bias ? memoryOffset(backend, bias) : 0,
        r: residual ? memoryOffset(backend, residual) : 0, ldr: g.n, c: memoryOffset(backend, out), ldc: g.n,
        batch: g.batch, aBs: g.aBatchStride, bBs: g.packedBatchStride, cBs: g.outBatchStride, biasBs: 0,
      });
      return out;
    },
  };
}
