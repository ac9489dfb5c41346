/** Packs encoded tensors back to back and cuts the stream into shards of at most `maxBytes`. */
export const MAX_SHARD_BYTES = 4 * 1024 * 1024;

export interface Shard {
  /** File name relative to model.json (`group1-shard1of3.bin`). */
  path: string;
  bytes: Uint8Array;
}

export function packShards(parts: readonly Uint8Array[], maxBytes = MAX_SHARD_BYTES): Shard[] {
  if (!(maxBytes > 0)) throw new RangeError(`shard size must be positive, got ${maxBytes}`);
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const count = Math.max(1, Math.ceil(total / maxBytes));
  const shards: Shard[] = [];
  let part = 0;
  let inPart = 0;
  for (let s = 0; s < count; s++) {
    const size = Math.min(maxBytes, total - s * maxBytes);
    const bytes = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const src = parts[part];
      const n = Math.min(size - filled, src.byteLength - inPart);
      bytes.set(src.subarray(inPart, inPart + n), filled);
      filled += n;
      inPart += n;
      if (inPart === src.byteLength) { part++; inPart = 0; }
    }
    shards.push({ path: `group1-shard${s + 1}of${count}.bin`, bytes });
  }
  return shards;
}
