/**
 * How many wasm threads a model gets by default: the one rule the library (`load` in Node), `mrcnn
 * detect`, `mrcnn video` and `mrcnn serve` share. Pure: the caller reads its cores.
 */

/** The most threads `initBackend('wasm', {threads})` takes (tfjs's threaded build's pool). */
export const MAX_WASM_THREADS = 8;

/**
 * wasm threads for each of `sharers` models running at once on `cores` logical cores:
 * floor(cores / sharers), within [1, MAX_WASM_THREADS].
 */
export function wasmThreadsFor(cores: number, sharers = 1): number {
  return Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(cores / sharers)));
}
