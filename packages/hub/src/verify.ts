/**
 * The check torch.hub's `download_url_to_file(url, dst, hash_prefix)` makes: the file's SHA-256 hex
 * digest must start with the hash prefix (`digest[:len(prefix)] == prefix`). The file is streamed,
 * never read whole.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import { Meter, ProgressSink } from './meter';

/** The SHA-256 hex digest of `file`, reporting 'verify' progress. */
export async function sha256File(file: string, onProgress?: ProgressSink): Promise<string> {
  const total = fs.statSync(file).size;
  const meter = new Meter(onProgress, 'verify', file, total);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).byteLength;
    meter.report(bytes);
  }
  meter.report(bytes, true);
  return hash.digest('hex');
}

/** torch.hub's comparison: the digest starts with the (lower-case hex) prefix. */
export function hashMatches(digest: string, prefix: string): boolean {
  return digest.slice(0, prefix.length) === prefix.toLowerCase();
}
