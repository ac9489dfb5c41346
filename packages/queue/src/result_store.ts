/**
 * Where workers put each image's result: one JSON file per image key in a directory every worker
 * shares (a local disk for one machine, NFS or any shared mount for several). Writes are
 * idempotent and atomic: a result is written to a uniquely named temporary file and renamed over
 * `<key>.json`, so a job delivered twice (at-least-once delivery) leaves one whole file, whoever
 * wins, and a worker killed mid-write leaves only a `*.tmp` file, which readers ignore and
 * `removeTemporaries` deletes.
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { QueueError } from './errors';

export const RESULT_FORMAT = 'mrcnn-queue-result/1';

interface Stored<T> {
  format: typeof RESULT_FORMAT;
  key: string;
  value: T;
}

/** File name of a key: URI-encoded (so `/` cannot nest), or its sha256 when that is too long. */
export function resultFileName(key: string): string {
  const enc = encodeURIComponent(key);
  return `${enc.length <= 200 ? enc : createHash('sha256').update(key).digest('hex')}.json`;
}

export class ResultStore<T> {
  constructor(readonly dir: string) {}

  pathOf(key: string): string {
    return path.join(this.dir, resultFileName(key));
  }

  /** Writes (or rewrites) the result of `key`, atomically. */
  put(key: string, value: T): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = this.pathOf(key);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const doc: Stored<T> = { format: RESULT_FORMAT, key, value };
    fs.writeFileSync(tmp, JSON.stringify(doc));
    fs.renameSync(tmp, file);
  }

  /** The result of `key`, or undefined when none was written. */
  get(key: string): T | undefined {
    const file = this.pathOf(key);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new QueueError(`${file}: cannot read the result of ${key}: ${(e as Error).message}`, { cause: e });
    }
    let doc: Partial<Stored<T>>;
    try {
      doc = JSON.parse(text) as Partial<Stored<T>>;
    } catch (e) {
      throw new QueueError(`${file}: the result of ${key} is not JSON`, { cause: e });
    }
    if (doc.format !== RESULT_FORMAT || doc.key !== key) {
      throw new QueueError(`${file}: not the ${RESULT_FORMAT} result of ${key} (format ${JSON.stringify(doc.format)}, key ${JSON.stringify(doc.key)})`);
    }
    return doc.value as T;
  }

  has(key: string): boolean {
    return fs.existsSync(this.pathOf(key));
  }

  /** Deletes the temporary files of interrupted writes; returns how many. */
  removeTemporaries(): number {
    if (!fs.existsSync(this.dir)) return 0;
    let n = 0;
    for (const f of fs.readdirSync(this.dir)) {
      if (f.endsWith('.tmp')) {
        fs.rmSync(path.join(this.dir, f), { force: true });
        n++;
      }
    }
    return n;
  }
}
