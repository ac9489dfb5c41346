/** The queue's parts that need no Redis: job ids, URL and name checks, the rate, run identity, the result store. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Job } from 'bullmq';
import { MrcnnError } from '@mrcnn/schema';
import {
  checkQueueName, checkRedisUrl, imagesDigest, jobIdOf, keyOfJobId, QueueError, RESULT_FORMAT, resultFileName, ResultStore,
  RUN_FORMAT, RunManifest, sameRun, showRedisUrl, throughput,
} from './index';

describe('job ids', () => {
  it('are the image key behind img-, with % and : escaped, and give the key back', () => {
    expect(jobIdOf('chelsea.png')).toBe('img-chelsea.png');
    expect(jobIdOf('cam 1/2024:06:01/000042.jpg')).toBe('img-cam 1/2024%3A06%3A01/000042.jpg');
    expect(jobIdOf('100%.png')).toBe('img-100%25.png');
    for (const key of ['chelsea.png', 'a/b/c.jpg', 'x:y%z:.png', '%3A.png', '12345']) {
      expect(keyOfJobId(jobIdOf(key))).toBe(key);
      expect(jobIdOf(key)).not.toContain(':');
    }
  });

  it('pass BullMQ\'s own checks of custom ids (no integers, no colons)', () => {
    const valid = (id: string): void => {
      // Job.validateOptions runs the checks Queue.add runs before it touches Redis.
      const job = new Job({ name: 'q', keys: {}, opts: {}, toKey: (t: string) => t } as never, 'detect', {}, { jobId: id });
      (job as unknown as { validateOptions(d: string): void }).validateOptions('{}');
    };
    expect(() => valid('42')).toThrow('Custom Id cannot be integers');
    expect(() => valid('a:b')).toThrow('Custom Id cannot contain :');
    for (const key of ['42', '000000000042.png', 'a:b.png']) expect(() => valid(jobIdOf(key))).not.toThrow();
  });
});

describe('connection and names', () => {
  it('accepts redis:// and rediss:// URLs and refuses others naming the URL', () => {
    expect(checkRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(checkRedisUrl('rediss://user:pw@host:6380/2')).toBe('rediss://user:pw@host:6380/2');
    expect(() => checkRedisUrl('http://127.0.0.1:6379')).toThrow(new QueueError('Redis URL "http://127.0.0.1:6379": the scheme must be redis:// or rediss://'));
    expect(() => checkRedisUrl('127.0.0.1:6379')).toThrow(/Redis URL "127\.0\.0\.1:6379": /);
    expect(() => checkRedisUrl('not a url')).toThrow('Redis URL "not a url": not a URL');
    expect(showRedisUrl('redis://u:secret@h:1/0')).toBe('redis://u:***@h:1/0');
  });

  it('queue names: a safe set, no colon', () => {
    expect(checkQueueName('cams-2024.06_a')).toBe('cams-2024.06_a');
    for (const bad of ['', 'a:b', 'a b', 'x'.repeat(101)]) expect(() => checkQueueName(bad)).toThrow(QueueError);
    expect(new QueueError('x')).toBeInstanceOf(MrcnnError);
  });
});

describe('rate', () => {
  it('is (n − 1) over the span of the finish times, 0 when unknown', () => {
    expect(throughput([])).toBe(0);
    expect(throughput([5000])).toBe(0);
    expect(throughput([1000, 1000])).toBe(0);
    expect(throughput([0, 1000, 2000, 4000])).toBeCloseTo(0.75, 12);
    expect(throughput([4000, 0, 2000])).toBeCloseTo(0.5, 12);
  });
});

describe('run identity', () => {
  const images = [{ key: 'a.png', file: '/d/a.png', imageId: 1 }, { key: '000000000042.png', file: '/d/000000000042.png', imageId: 42 }];
  const run = (spec: unknown, list = images, createdAt = 1): RunManifest => ({
    format: RUN_FORMAT, name: 'd', total: list.length, imagesDigest: imagesDigest(list), spec, createdAt,
  });
  it('is the name, images and spec, not the enqueue time', () => {
    expect(sameRun(run({ score: 0.3 }), run({ score: 0.3 }, images, 99))).toBe(true);
    expect(sameRun(run({ score: 0.3 }), run({ score: 0.5 }))).toBe(false);
    expect(sameRun(run({}), run({}, [...images].reverse()))).toBe(false);
    expect(sameRun(run({}), run({}, [images[0], { ...images[1], file: '/e/000000000042.png' }]))).toBe(false);
  });
});

describe('ResultStore', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-store-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes one file per key, rewrites it whole, reads it back', () => {
    const store = new ResultStore<{ n: number }>(path.join(dir, 'parts'));
    expect(store.get('a/b.png')).toBeUndefined();
    expect(store.has('a/b.png')).toBe(false);
    store.put('a/b.png', { n: 1 });
    store.put('a/b.png', { n: 2 });
    store.put('c.png', { n: 3 });
    expect(store.get('a/b.png')).toEqual({ n: 2 });
    expect(fs.readdirSync(store.dir).sort()).toEqual(['a%2Fb.png.json', 'c.png.json']);
    expect(JSON.parse(fs.readFileSync(store.pathOf('c.png'), 'utf8'))).toEqual({ format: RESULT_FORMAT, key: 'c.png', value: { n: 3 } });
  });

  it('names long keys by their sha256 and ignores, then removes, the temporaries of cut writes', () => {
    const store = new ResultStore<number>(dir);
    const long = `${'d/'.repeat(150)}x.png`;
    expect(resultFileName(long)).toMatch(/^[0-9a-f]{64}\.json$/);
    store.put(long, 7);
    expect(store.get(long)).toBe(7);
    fs.writeFileSync(path.join(dir, 'x.png.json.123.abcd.tmp'), '{"form');
    expect(store.get('x.png')).toBeUndefined();
    expect(store.removeTemporaries()).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([resultFileName(long)]);
  });

  it('refuses a file that is not this key\'s result, naming it', () => {
    const store = new ResultStore<number>(dir);
    fs.writeFileSync(store.pathOf('a.png'), 'not json');
    expect(() => store.get('a.png')).toThrow(QueueError);
    expect(() => store.get('a.png')).toThrow(`${store.pathOf('a.png')}: the result of a.png is not JSON`);
    fs.writeFileSync(store.pathOf('b.png'), JSON.stringify({ format: RESULT_FORMAT, key: 'c.png', value: 1 }));
    expect(() => store.get('b.png')).toThrow(/b\.png\.json: not the mrcnn-queue-result\/1 result of b\.png \(format "mrcnn-queue-result\/1", key "c\.png"\)/);
  });
});
