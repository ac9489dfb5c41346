/** Little-endian typed views over (possibly unaligned) byte ranges, copied. */
export function copyBytes(src: Uint8Array, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(src.subarray(offset, offset + length));
  return out;
}

export function float32At(src: Uint8Array, offset: number, count: number): Float32Array {
  return new Float32Array(copyBytes(src, offset, count * 4).buffer);
}

export function uint16At(src: Uint8Array, offset: number, count: number): Uint16Array {
  return new Uint16Array(copyBytes(src, offset, count * 2).buffer);
}
