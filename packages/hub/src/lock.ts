/**
 * One process at a time per model: a lock file created exclusively (`wx`) holding the owner's pid.
 * A lock whose process is gone (a crash, a kill) is taken over; a live one is waited for, polling,
 * up to a bound (CacheBusyError). Calls within one process wait for each other the same way.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CacheBusyError } from './errors';

export interface LockOptions {
  /** Longest wait for another holder (default 30 minutes: a slow download). */
  timeoutMs?: number;
  /** Poll interval (default 200 ms). */
  pollMs?: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` holding the lock `file`; the lock is released on every path. */
export async function withLock<T>(file: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30 * 60 * 1000;
  const pollMs = opts.pollMs ?? 200;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const t0 = Date.now();
  let token: string;
  for (;;) {
    token = `${process.pid}\n${Date.now()}-${Math.random().toString(36).slice(2)}\n`;
    try {
      fs.writeFileSync(file, token, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = holderOf(file);
    // A lock file being written (no pid yet) is live; one whose process is gone is stale.
    if (pid !== undefined && !alive(pid)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() - t0 > timeoutMs) throw new CacheBusyError(file, pid === undefined ? 'another process' : `process ${pid}`, Date.now() - t0);
    await sleep(pollMs);
  }
  try {
    return await fn();
  } finally {
    // Remove only our own lock (a stale-lock takeover by another process may have replaced it).
    try {
      if (fs.readFileSync(file, 'utf8') === token) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  }
}
