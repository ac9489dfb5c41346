/**
 * Sanity check of a zip's end-of-central-directory record (plain and zip64) before handing the
 * archive to the unzipper: the entry count must fit the directory's size and the directory must lie
 * inside the file, so a damaged or hostile count cannot make the unzipper loop for ever.
 */
import { WeightsFormatError } from '../errors';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
/** Smallest central directory file header. */
const MIN_HEADER = 46;
/** More entries than any checkpoint has (the 0049 .pth has ~330). */
export const MAX_ZIP_ENTRIES = 100000;

export function checkZipDirectory(bytes: Uint8Array, file: string): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string): never => { throw new WeightsFormatError(`zip central directory is damaged: ${why}`, { file }); };
  let eocd = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 65535); p--) {
    if (dv.getUint32(p, true) === EOCD) { eocd = p; break; }
  }
  if (eocd < 0) bad('no end-of-central-directory record (truncated?)');
  // The unzipper counts entries from the record's "entries on this disk" and switches to the zip64
  // record whenever a zip64 locator precedes the end record: check exactly what it will use.
  let entries = dv.getUint16(eocd + 8, true);
  if (entries !== dv.getUint16(eocd + 10, true)) bad('multi-disk archive');
  let size = dv.getUint32(eocd + 12, true);
  let offset = dv.getUint32(eocd + 16, true);
  let end = eocd;
  const loc = eocd - 20;
  if (loc >= 0 && dv.getUint32(loc, true) === ZIP64_LOCATOR) {
    // 64-bit fields: the unzipper reads their low 32 bits; a set high half is refused.
    const u64 = (at: number): number => {
      if (at + 8 > bytes.length || dv.getUint32(at + 4, true) !== 0) bad(`zip64 field at ${at} out of range`);
      return dv.getUint32(at, true);
    };
    const z = u64(loc + 8);
    if (z + 56 <= bytes.length && dv.getUint32(z, true) === ZIP64_EOCD) {
      entries = u64(z + 32);
      if (entries !== u64(z + 24)) bad('multi-disk archive');
      size = u64(z + 40);
      offset = u64(z + 48);
      end = z;
    } else if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
      bad('zip64 end record out of place');
    }
  } else if (entries === 0xffff || offset === 0xffffffff) {
    bad('zip64 fields without a zip64 locator');
  }
  if (entries > MAX_ZIP_ENTRIES) bad(`${entries} entries`);
  if (entries * MIN_HEADER > size) bad(`${entries} entries cannot fit in ${size} bytes`);
  if (offset + size > end) bad(`directory [${offset}, ${offset + size}) overlaps its end record at ${end}`);
}
