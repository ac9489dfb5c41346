/** Deterministic byte mutations for fuzzing the readers (seeded PRNG, no dependencies). */

/** mulberry32: small, fast, good enough to drive mutations reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x3c, 0x3e, 0x22, 0x2c, 0x2d, 0x30, 0x39];

/** One to four random edits: bit flips, interesting bytes, truncation, duplication or deletion of a range. */
export function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  let b = Uint8Array.from(src);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const edits = 1 + pick(4);
  for (let e = 0; e < edits && b.length > 0; e++) {
    const at = pick(b.length);
    switch (pick(6)) {
      case 0: b[at] ^= 1 << pick(8); break;
      case 1: b[at] = INTERESTING[pick(INTERESTING.length)]; break;
      case 2: b = b.slice(0, at); break;
      case 3: {
        const len = 1 + pick(Math.min(64, b.length - at));
        const out = new Uint8Array(b.length + len);
        out.set(b.subarray(0, at + len));
        out.set(b.subarray(at), at + len);
        b = out;
        break;
      }
      case 4: {
        const len = 1 + pick(Math.min(64, b.length - at));
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + len)]);
        break;
      }
      default: {
        // a random 32-bit little-endian value (sizes, offsets, counts)
        const v = [0xffffffff, 0x7fffffff, 0, 1, pick(1 << 30)][pick(5)];
        for (let k = 0; k < 4 && at + k < b.length; k++) b[at + k] = (v >>> (8 * k)) & 0xff;
      }
    }
  }
  return b;
}

export interface FuzzReport { runs: number; accepted: number; rejected: number }

/**
 * Runs `read` on `runs` mutants of `seedInput`; a mutant must be read or refused with an error
 * `isExpected` accepts. Anything else is rethrown with the seed and run number that reproduce it.
 */
export function fuzz(seedInput: Uint8Array, runs: number, seed: number, read: (b: Uint8Array) => unknown,
  isExpected: (e: unknown) => boolean): FuzzReport {
  const rnd = prng(seed);
  const report: FuzzReport = { runs, accepted: 0, rejected: 0 };
  for (let i = 0; i < runs; i++) {
    const m = mutate(seedInput, rnd);
    try {
      read(m);
      report.accepted++;
    } catch (e) {
      if (!isExpected(e)) {
        const err = e as Error;
        throw new Error(`fuzz seed ${seed} run ${i}: unexpected ${err.name}: ${err.message}\n${err.stack ?? ''}`);
      }
      report.rejected++;
    }
  }
  return report;
}
