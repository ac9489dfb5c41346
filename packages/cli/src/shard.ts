/**
 * `--shard i/N` of `mrcnn detect <dir>`: a deterministic split of a directory's images into N
 * disjoint shards by COCO image id (the first 4 bytes of sha256 of the decimal id, modulo N), so N
 * machines (a Kubernetes Indexed Job: `--shard $JOB_COMPLETION_INDEX/N`) each run one shard with
 * no queue at all; the shards' results together are the whole run's.
 */
import { createHash } from 'crypto';
import { UsageError } from './command';

export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m === null ? NaN : Number(m[1]);
  const count = m === null ? NaN : Number(m[2]);
  if (!(count >= 1 && count <= 1e6 && index >= 0 && index < count)) {
    throw new UsageError(`--shard must be i/N with 0 <= i < N (e.g. 0/4), got ${JSON.stringify(text)}`);
  }
  return { index, count };
}

/** The shard an image id falls in. */
export function shardOf(imageId: number, count: number): number {
  return createHash('sha256').update(String(imageId)).digest().readUInt32BE(0) % count;
}

export function inShard(imageId: number, shard: Shard): boolean {
  return shardOf(imageId, shard.count) === shard.index;
}

/** Suffix of a shard's output names (`<dir>.shard-1-of-4.results.json`). */
export function shardSuffix(shard: Shard | undefined): string {
  return shard === undefined ? '' : `.shard-${shard.index}-of-${shard.count}`;
}
