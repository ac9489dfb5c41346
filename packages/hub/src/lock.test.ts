import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CacheBusyError } from './errors';
import { withLock } from './lock';

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-hub-lock-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('withLock', () => {
  it('runs holders one at a time and removes the lock after each, also after a failure', async () => {
    const file = path.join(tmp, 'a', 'm.lock');
    const events: string[] = [];
    const hold = (id: string, fail = false) => withLock(file, async () => {
      events.push(`${id}+`);
      expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe(String(process.pid));
      await new Promise((r) => setTimeout(r, 50));
      events.push(`${id}-`);
      if (fail) throw new Error(`${id} failed`);
      return id;
    }, { pollMs: 5 });
    const results = await Promise.allSettled([hold('a'), hold('b', true), hold('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // Never two inside at once.
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i].replace('+', '-'));
    expect(fs.existsSync(file)).toBe(false);
  });

  it("takes over the lock of a process that is gone", async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const file = path.join(tmp, 'stale.lock');
    fs.writeFileSync(file, `${gone.stdout}\n`);
    expect(await withLock(file, async () => 'mine', { timeoutMs: 1000, pollMs: 5 })).toBe('mine');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('waits for a live holder up to the bound, then throws CacheBusyError naming the lock and holder', async () => {
    const file = path.join(tmp, 'busy.lock');
    fs.writeFileSync(file, `${process.pid}\n`); // held by a live process (this one)
    const err = await withLock(file, async () => 'never', { timeoutMs: 100, pollMs: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheBusyError);
    expect((err as Error).message).toMatch(new RegExp(`busy\\.lock: held by process ${process.pid} for more than 0 s`));
    expect(fs.readFileSync(file, 'utf8')).toBe(`${process.pid}\n`); // not ours: left alone
  });
});
