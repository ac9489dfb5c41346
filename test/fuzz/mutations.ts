/**
 * fast-check arbitraries that mutate real seed files: bit flips, interesting bytes, truncation,
 * splicing (a range of one seed copied into another), deletions, and huge 32-bit little-endian
 * values (sizes, offsets, counts, dimensions). Shrinking works on the edit list.
 */
import * as fc from 'fast-check';

export type Edit =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'splice'; at: number; from: number; len: number; donor: number }
  | { kind: 'u32'; at: number; value: number; bigEndian: boolean };

/** Byte values that often sit on parser decisions (ASCII digits, quotes, '<', '>', sign bits). */
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x22, 0x2c, 0x2d, 0x30, 0x39, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d];
/** Sizes a reader must not trust. */
const HUGE = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000000, 0x00ffffff, 0x10000, 0, 1];

/** A uniform position in [0, 1): unbiased, as fast-check otherwise favours 0 (which would mostly hit magic bytes). */
const pos = fc.noBias(fc.integer({ min: 0, max: 0xffffffff })).map((v) => v / 2 ** 32);

/** Point edits are frequent; edits that cut the file (and so mostly its trailer or index) are rarer. */
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: pos, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('byte' as const), at: pos, value: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: pos }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: pos, len: fc.integer({ min: 1, max: 256 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('splice' as const), at: pos, from: pos, len: fc.integer({ min: 1, max: 512 }), donor: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('u32' as const), at: pos, value: fc.oneof(fc.constantFrom(...HUGE), fc.nat()), bigEndian: fc.boolean() }) },
).map((e) => e as Edit);

/** Applies `edits` to a copy of `seed`; positions are fractions of the current length. */
export function applyEdits(seed: Uint8Array, edits: readonly Edit[], donors: readonly Uint8Array[]): Uint8Array {
  let b = Uint8Array.from(seed);
  for (const e of edits) {
    if (b.length === 0) break;
    const at = Math.floor(e.at * b.length);
    switch (e.kind) {
      case 'flip': b[at] ^= 1 << e.bit; break;
      case 'byte': b[at] = e.value; break;
      case 'truncate': b = b.slice(0, at); break;
      case 'delete': b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + e.len))]); break;
      case 'splice': {
        const donor = donors.length > 0 ? donors[e.donor % donors.length] : b;
        const from = Math.floor(e.from * donor.length);
        const piece = donor.subarray(from, from + e.len);
        const out = new Uint8Array(b.length + piece.length);
        out.set(b.subarray(0, at));
        out.set(piece, at);
        out.set(b.subarray(at), at + piece.length);
        b = out;
        break;
      }
      case 'u32':
        for (let k = 0; k < 4 && at + k < b.length; k++) {
          const shift = e.bigEndian ? 8 * (3 - k) : 8 * k;
          b[at + k] = (e.value >>> shift) & 0xff;
        }
        break;
    }
  }
  return b;
}

/** A mutant of one of `seeds` (1..maxEdits edits); the other seeds serve as splice donors. */
export function mutantOf(seeds: readonly Uint8Array[], maxEdits = 4): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(edit, { minLength: 1, maxLength: maxEdits }))
    .map(([i, edits]) => applyEdits(seeds[i], edits, seeds));
}
