import { MAX_WASM_THREADS, wasmThreadsFor } from './wasm_threads';

describe('wasmThreadsFor', () => {
  it.each([
    [2, 1, 2], [2, 2, 1], [2, 3, 1], [16, 1, 8], [16, 2, 8], [16, 4, 4], [7, 2, 3], [1, 1, 1], [0, 1, 1],
  ])('%i cores shared by %i → %i threads each', (cores, sharers, want) => {
    expect(wasmThreadsFor(cores, sharers)).toBe(want);
  });

  it('defaults to one sharer and caps at MAX_WASM_THREADS (8)', () => {
    expect(MAX_WASM_THREADS).toBe(8);
    expect(wasmThreadsFor(64)).toBe(8);
    expect(wasmThreadsFor(3)).toBe(3);
  });
});
