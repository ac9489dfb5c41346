/**
 * A queued run end to end with a real redis-server (started here on 127.0.0.1, a free port) and
 * two `mrcnn worker` processes of the built CLI: `mrcnn collect` writes the single-machine
 * `mrcnn detect <dir>` outputs byte for byte (results JSON and overlays); enqueueing twice adds
 * nothing; `mrcnn status` reports the run. And `detect --shard i/N`: the shards' results together
 * are the whole run's. (npm run test:services; slow: worker processes load the model.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { shardOf } from '@mrcnn/cli';
import { defaultModelPath } from '@mrcnn/model';
import { RedisServer, startRedis } from '../helpers/redis_server';
import {
  DETECT_ARGS, FAST_LOCKS, killWorkers, mrcnn, readOutputs, Reference, referenceRun, requireBuild, sortedEntries, spawnWorker, status,
  writeImageDir,
} from './helpers/queue_fixture';

let tmp: string;
let redis: RedisServer;
let images: string;
let names: string[];
let ref: Reference;

beforeAll(async () => {
  requireBuild();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-queue-run-'));
  images = path.join(tmp, 'cams');
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

describe('mrcnn enqueue / worker / status / collect', () => {
  it('two worker processes: collect equals detect <dir> byte for byte, one result per image; enqueue twice adds nothing', async () => {
    const out = path.join(tmp, 'q1');
    const q = ['--redis', redis.url, '--queue', 'run1'];
    const first = mrcnn(['enqueue', images, ...q, '--out', out, ...DETECT_ARGS]);
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect(first.stdout).toMatch(/run1 @ redis:\/\/127\.0\.0\.1:\d+: new run 'cams', 6 image\(s\), 6 job\(s\) added, 6 in the queue/);
    const again = mrcnn(['enqueue', images, ...q, '--out', out, ...DETECT_ARGS]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/run already there 'cams', 6 image\(s\), 0 job\(s\) added, 6 in the queue/);
    const other = mrcnn(['enqueue', images, ...q, '--out', out, '--score', '0.5']);
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/QueueError: queue 'run1' already holds another run \('cams', 6 image\(s\), enqueued .*\) with other images or settings/);
    expect(status(redis.url, 'run1')).toMatchObject({ total: 6, completed: 0, failed: 0, waiting: 6, active: 0 });
    const early = mrcnn(['collect', ...q]);
    expect(early.status).toBe(1);
    expect(early.stderr).toMatch(/6 image\(s\) without a result:\n {2}000000000007\.png: not run yet\n/);

    const workers = [0, 1].map(() => spawnWorker([...q, '--workers', '1', '--until-done', ...FAST_LOCKS]));
    for (const w of workers) expect(await w.exited(240000)).toEqual({ code: 0, signal: null });
    // Every image ran once, on one of the two processes.
    const done = workers.flatMap((w) => w.lines(/: done, \d+ instance/).map((l) => l.split(':')[0])).sort();
    expect(done).toEqual(names);
    for (const w of workers) expect(w.stdout()).toMatch(/every image of 'cams' is completed or failed/);

    const st = status(redis.url, 'run1');
    expect(st).toMatchObject({ total: 6, completed: 6, failed: 0, waiting: 0, active: 0, failures: [] });
    expect(st.rate).toBeGreaterThan(0);
    const text = mrcnn(['status', ...q]);
    expect(text.stdout).toMatch(/\] 6\/6 100% .* ETA 0:00/);
    expect(text.stdout).toMatch(/done 6, failed 0, running 0, waiting 0/);

    expect(fs.readdirSync(path.join(out, 'cams.parts')).sort()).toEqual(names.map((n) => `${n}.json`));
    const c = mrcnn(['collect', ...q]);
    expect([c.status, c.stderr]).toEqual([0, '']);
    expect(c.stdout).toMatch(/6\/6 image\(s\), \d+ instance\(s\) -> .*cams\.results\.json/);
    const got = readOutputs(out, 'cams');
    expect(JSON.parse(ref.results).length).toBeGreaterThan(0);
    expect(got.results).toBe(ref.results);
    expect(sortedEntries(got.results)).toEqual(sortedEntries(ref.results));
    expect([...got.overlays.keys()]).toEqual([...ref.overlays.keys()]);
    for (const [f, bytes] of ref.overlays) expect([f, got.overlays.get(f)!.equals(bytes)]).toEqual([f, true]);
  });

  it('a worker refuses a model that is not the run\'s, and exits 1 when the run\'s model cannot be loaded', async () => {
    const model = path.join(tmp, 'model-copy');
    fs.cpSync(path.dirname(defaultModelPath()), model, { recursive: true });
    const json = JSON.parse(fs.readFileSync(path.join(model, 'model.json'), 'utf8')) as { userDefinedMetadata: Record<string, unknown> };
    const q = ['--redis', redis.url, '--queue', 'models'];
    const e = mrcnn(['enqueue', images, ...q, '--out', path.join(tmp, 'q-models'), '--quiet', ...DETECT_ARGS]);
    expect(e.status).toBe(0);
    json.userDefinedMetadata.converter = 'edited';
    fs.writeFileSync(path.join(model, 'model.json'), JSON.stringify(json));
    const other = spawnWorker([...q, '--model', model, '--until-done']);
    expect(await other.exited(60000)).toEqual({ code: 1, signal: null });
    expect(other.stderr()).toMatch(new RegExp(`^mrcnn worker: MrcnnError: .*model-copy/model\\.json: not the run's model \\(its digest differs`, 'm'));

    // A run whose model's shard is cut short: its workers cannot load it and say so.
    const shard = path.join(model, 'group1-shard1of1.bin');
    fs.writeFileSync(shard, fs.readFileSync(shard).subarray(0, 1000));
    const q2 = ['--redis', redis.url, '--queue', 'broken'];
    expect(mrcnn(['enqueue', images, ...q2, '--model', model, '--out', path.join(tmp, 'q-broken'), '--quiet']).status).toBe(0);
    const broken = spawnWorker([...q2, '--until-done']);
    expect(await broken.exited(120000)).toEqual({ code: 1, signal: null });
    expect(broken.stderr()).toMatch(/mrcnn worker: MrcnnError: cannot run the model .*model-copy\/model\.json: .*ModelLoadError: /);
    expect(status(redis.url, 'broken')).toMatchObject({ total: 6, completed: 0, failed: 0, waiting: 6 });
  });

  it('detect --shard i/N: disjoint shards by image id whose results together are the whole run\'s', () => {
    const out = path.join(tmp, 'shards');
    const parts = [0, 1].map((i) => {
      const r = mrcnn(['detect', images, '--out', out, '--shard', `${i}/2`, '--workers', '1', '--quiet', ...DETECT_ARGS]);
      expect([r.status, r.stderr]).toEqual([0, '']);
      return fs.readFileSync(path.join(out, `cams.shard-${i}-of-2.results.json`), 'utf8');
    });
    const ids = [7, 42, 3, 4, 5, 6];
    for (let i = 0; i < 2; i++) {
      const want = ids.filter((id) => shardOf(id, 2) === i);
      const got = new Set((JSON.parse(parts[i]) as Array<{ image_id: number }>).map((e) => e.image_id));
      for (const id of got) expect(want).toContain(id);
    }
    expect(ids.filter((id) => shardOf(id, 2) === 0).length % 6).not.toBe(0);
    expect(sortedEntries(JSON.stringify([...JSON.parse(parts[0]), ...JSON.parse(parts[1])]))).toEqual(sortedEntries(ref.results));
    const overlays = fs.readdirSync(path.join(out, 'cams')).sort();
    expect(overlays).toEqual([...ref.overlays.keys()]);
    for (const f of overlays) expect(fs.readFileSync(path.join(out, 'cams', f)).equals(ref.overlays.get(f)!)).toBe(true);
  });
});
