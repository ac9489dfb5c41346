/**
 * Failures of a queued run, each with a real redis-server started here (127.0.0.1, free port) and
 * `mrcnn worker` processes of the built CLI, short locks (3 s) so a lost image is taken over in
 * seconds. A worker SIGKILLed mid-image: another takes the image over after its lock expires,
 * every image has exactly one result. A poison image (not an image) and an image whose thread
 * crashes every time: failed after N attempts, listed by status and collect, the rest finish. An
 * image that kills its whole worker process every time: failed once it has stalled more than
 * allowed, the rest finish. Redis restarted mid-run: the workers reconnect and the run completes.
 * SIGTERM: the worker finishes its image and exits 0. In each, the collected results equal the
 * single-machine `mrcnn detect <dir>` run's byte for byte. (npm run test:services.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IMAGES } from '../helpers/paths';
import { RedisServer, startRedis } from '../helpers/redis_server';
import {
  DETECT_ARGS, FAST_LOCKS, killWorkers, mrcnn, readOutputs, Reference, referenceRun, requireBuild, spawnWorker, status, WorkerProcess,
  writeImageDir,
} from './helpers/queue_fixture';

let tmp: string;
let redis: RedisServer;
let ref: Reference;
let names: string[];

beforeAll(async () => {
  requireBuild();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-queue-fail-'));
  const images = path.join(tmp, 'cams');
  names = writeImageDir(images);
  redis = await startRedis();
  ref = referenceRun(images, path.join(tmp, 'ref'));
});

afterEach(() => killWorkers());

afterAll(async () => {
  await killWorkers();
  await redis?.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Enqueues `dir` on `queue` with the reference's settings; returns the --redis/--queue arguments. */
function enqueue(url: string, queue: string, dir: string, extra: string[] = []): string[] {
  const q = ['--redis', url, '--queue', queue];
  const r = mrcnn(['enqueue', dir, ...q, '--out', path.join(tmp, `${queue}-out`), '--quiet', ...DETECT_ARGS, ...extra]);
  expect([r.status, r.stderr]).toEqual([0, '']);
  return q;
}

/** Collects the run; its results must be the reference's, byte for byte, as must the overlays of the images done. */
function expectCollectedEqualsReference(q: string[], queue: string, dirName: string, wantCode = 0): string {
  const c = mrcnn(['collect', ...q]);
  expect(c.status).toBe(wantCode);
  const out = path.join(tmp, `${queue}-out`);
  const got = readOutputs(out, dirName);
  expect(got.results).toBe(ref.results);
  expect([...got.overlays.keys()]).toEqual([...ref.overlays.keys()]);
  for (const [f, bytes] of ref.overlays) expect([f, got.overlays.get(f)!.equals(bytes)]).toEqual([f, true]);
  // Exactly one stored result per image done, and no temporary file left once all are in.
  const parts = fs.readdirSync(path.join(out, `${dirName}.parts`)).sort();
  expect(parts.filter((f) => f.endsWith('.json'))).toEqual(names.map((n) => `${n}.json`));
  if (wantCode === 0) expect(parts.filter((f) => !f.endsWith('.json'))).toEqual([]);
  return c.stderr;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a queued run survives', () => {
  it('a worker SIGKILLed mid-image: another takes the image over after the lock expires; one result per image', async () => {
    const q = enqueue(redis.url, 'kill', path.join(tmp, 'cams'));
    const a = spawnWorker([...q, '--workers', '1', ...FAST_LOCKS]);
    const b = spawnWorker([...q, '--workers', '1', '--until-done', ...FAST_LOCKS]);
    const key = (await a.waitFor(/: started \(attempt 1\)/, 180000)).split(':')[0];
    a.kill('SIGKILL');
    expect(await a.exited(10000)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(a.lines(new RegExp(`^${escape(key)}: done`))).toEqual([]);
    expect(await b.exited(240000)).toEqual({ code: 0, signal: null });
    // B ran the killed image once it was found stalled (lock 3 s, checks every 1 s).
    expect(b.lines(new RegExp(`^${escape(key)}: done`)).length).toBe(1);
    expect(status(redis.url, 'kill')).toMatchObject({ total: 6, completed: 6, failed: 0, active: 0, waiting: 0 });
    expectCollectedEqualsReference(q, 'kill', 'cams');
  });

  it('a poison image and an image whose worker thread crashes every time: both failed after N attempts, listed; the rest finish', async () => {
    const dir = path.join(tmp, 'poison', 'cams');
    writeImageDir(dir, { 'zz-bad.png': Buffer.from('this is not a png'), 'zz-crash.png': path.join(IMAGES, 'astronaut.png') });
    const q = enqueue(redis.url, 'poison', dir, ['--attempts', '2', '--backoff', '100']);
    const env = { MRCNN_TEST_WORKER_EXIT_ON: 'zz-crash.png' };
    const workers = [0, 1].map(() => spawnWorker([...q, '--workers', '1', '--until-done', ...FAST_LOCKS], env));
    for (const w of workers) expect(await w.exited(240000)).toEqual({ code: 0, signal: null });
    const st = status(redis.url, 'poison');
    expect(st).toMatchObject({ total: 8, completed: 6, failed: 2, active: 0, waiting: 0, delayed: 0 });
    const failures = [...st.failures].sort((x, y) => x.key.localeCompare(y.key));
    expect(failures.map((f) => [f.key, f.attempts])).toEqual([['zz-bad.png', 2], ['zz-crash.png', 2]]);
    expect(failures[0].reason).toMatch(/^ImageDecodeError: .*zz-bad\.png.*not a PNG or JPEG/);
    expect(failures[1].reason).toBe('worker crashed (exit code 70)');
    const stderr = workers.map((w) => w.stderr()).join('');
    expect(stderr).toMatch(/zz-bad\.png: attempt 1\/2 failed: ImageDecodeError/);
    expect(stderr).toMatch(/zz-crash\.png: failed for good after 2 attempt\(s\): worker crashed \(exit code 70\)/);
    const text = mrcnn(['status', ...q]).stdout;
    expect(text).toMatch(/done 6, failed 2/);
    expect(text).toMatch(/failed images:\n {2}zz-(bad|crash)\.png \(.*\): .*\[2 attempt\(s\)\]\n {2}zz-(bad|crash)\.png/);
    const collectErr = expectCollectedEqualsReference(q, 'poison', 'cams', 1);
    expect(collectErr).toMatch(/2 image\(s\) without a result:\n {2}zz-bad\.png: failed: ImageDecodeError: .*\[2 attempt\(s\)\]\n {2}zz-crash\.png: failed: worker crashed \(exit code 70\) \[2 attempt\(s\)\]\n$/);
  });

  it('an image that kills its worker process every time: failed after stalling more than allowed; the rest finish', async () => {
    const dir = path.join(tmp, 'killer', 'cams');
    writeImageDir(dir, { 'zz-crash.png': path.join(IMAGES, 'astronaut.png') });
    const q = enqueue(redis.url, 'killer', dir);
    const env = { MRCNN_TEST_PROCESS_KILL_ON: 'zz-crash.png' };
    const start = (): WorkerProcess => spawnWorker([...q, '--workers', '1', '--until-done', '--max-stalled', '1', ...FAST_LOCKS], env);
    // A supervisor (systemd's Restart=always) in miniature: a worker killed is started again.
    const slots = [start(), start()];
    const finished: WorkerProcess[] = [];
    let crashes = 0;
    const deadline = Date.now() + 240000;
    while (slots.length > 0) {
      expect(Date.now()).toBeLessThan(deadline);
      for (let i = slots.length - 1; i >= 0; i--) {
        const c = slots[i].child;
        if (c.signalCode === 'SIGKILL') {
          crashes++;
          expect(slots[i].lines(/: started/).pop()).toMatch(/^zz-crash\.png: started/);
          expect(crashes).toBeLessThanOrEqual(2);
          slots[i] = start();
        } else if (c.exitCode !== null) {
          expect([c.exitCode, slots[i].stderr()]).toEqual([0, expect.any(String)]);
          finished.push(slots[i]);
          slots.splice(i, 1);
        }
      }
      await sleep(200);
    }
    // maxStalled 1: the first loss puts the image back, the second fails it.
    expect(crashes).toBe(2);
    const st = status(redis.url, 'killer');
    expect(st).toMatchObject({ total: 7, completed: 6, failed: 1, active: 0, waiting: 0 });
    expect(st.failures.map((f) => f.key)).toEqual(['zz-crash.png']);
    expect(st.failures[0].reason).toMatch(/stalled more than allowable limit/);
    const collectErr = expectCollectedEqualsReference(q, 'killer', 'cams', 1);
    expect(collectErr).toMatch(/1 image\(s\) without a result:\n {2}zz-crash\.png: failed: .*stalled more than allowable limit/);
  });

  it('Redis restarted mid-run: the workers reconnect and the run completes', async () => {
    const own = await startRedis({ appendonly: true });
    try {
      const q = enqueue(own.url, 'restart', path.join(tmp, 'cams'));
      const workers = [0, 1].map(() => spawnWorker([...q, '--workers', '1', '--until-done', '--max-stalled', '3', ...FAST_LOCKS]));
      await Promise.race(workers.map((w) => w.waitFor(/: done, /, 180000)));
      const pidBefore = own.pid();
      await own.stop();
      await sleep(2000);
      await own.start();
      expect(own.pid()).not.toBe(pidBefore);
      for (const w of workers) expect(await w.exited(240000)).toEqual({ code: 0, signal: null });
      expect(workers.map((w) => w.stderr()).join('')).toMatch(/redis redis:\/\/127\.0\.0\.1:\d+: .* \(reconnecting\)/);
      expect(status(own.url, 'restart')).toMatchObject({ total: 6, completed: 6, failed: 0, active: 0, waiting: 0 });
      expectCollectedEqualsReference(q, 'restart', 'cams');
    } finally {
      await killWorkers();
      await own.dispose();
    }
  });

  it('SIGTERM: the worker finishes the image it is running, takes no other, exits 0', async () => {
    const q = enqueue(redis.url, 'term', path.join(tmp, 'cams'));
    const w = spawnWorker([...q, '--workers', '1', ...FAST_LOCKS]);
    const key = (await w.waitFor(/: started \(attempt 1\)/, 180000)).split(':')[0];
    w.kill('SIGTERM');
    expect(await w.exited(120000)).toEqual({ code: 0, signal: null });
    expect(w.stderr()).toMatch(/SIGTERM: finishing the images being run, then exiting/);
    expect(w.lines(/: started/)).toEqual([`${key}: started (attempt 1)`]);
    expect(w.lines(/: done, /).map((l) => l.split(':')[0])).toEqual([key]);
    expect(status(redis.url, 'term')).toMatchObject({ total: 6, completed: 1, failed: 0, active: 0, waiting: 5 });
  });
});
