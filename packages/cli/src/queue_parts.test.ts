/**
 * The parts of the queue commands that need no Redis server: image lists (dir, list file, glob) and
 * their keys and image ids, `--shard`, and the commands' usage errors and unreachable-Redis error.
 * The commands against a real redis-server with worker processes: test/services (npm run test:services).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError } from './command';
import { globRegExp, listImages } from './image_inputs';
import { main } from './main';
import { freePort } from '../../../test/helpers/redis_server';
import { inShard, parseShard, shardOf } from './shard';
import { captureIO as capture } from '../../../test/helpers/capture_io';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-qparts-'));
  for (const f of ['b.png', '000000000042.jpg', 'a.JPEG', 'notes.txt', 'sub/c.png', 'sub/deep/d.jpg', 'sub/e.gif']) {
    fs.mkdirSync(path.dirname(path.join(tmp, 'imgs', f)), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'imgs', f), 'x');
  }
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('image lists', () => {
  it('a directory: its images sorted by name, keyed by file name, numbered as detect <dir> numbers them', () => {
    const l = listImages(path.join(tmp, 'imgs'));
    expect([l.name, l.kind]).toEqual(['imgs', 'dir']);
    expect(l.images).toEqual([
      { key: '000000000042.jpg', file: path.join(tmp, 'imgs', '000000000042.jpg'), imageId: 42 },
      { key: 'a.JPEG', file: path.join(tmp, 'imgs', 'a.JPEG'), imageId: 2 },
      { key: 'b.png', file: path.join(tmp, 'imgs', 'b.png'), imageId: 3 },
    ]);
  });

  it('a list file: its order, paths relative to it, comments and blanks skipped; a path twice is refused', () => {
    const list = path.join(tmp, 'imgs', 'batch1.txt');
    fs.writeFileSync(list, '# batch 1\nsub/c.png\n\n  b.png  \n/abs/000000000007.png\n');
    const l = listImages(list);
    expect([l.name, l.kind]).toEqual(['batch1', 'list']);
    expect(l.images).toEqual([
      { key: 'sub/c.png', file: path.join(tmp, 'imgs', 'sub', 'c.png'), imageId: 1 },
      { key: 'b.png', file: path.join(tmp, 'imgs', 'b.png'), imageId: 2 },
      { key: '/abs/000000000007.png', file: '/abs/000000000007.png', imageId: 7 },
    ]);
    fs.writeFileSync(list, 'b.png\n./b.png\n');
    expect(() => listImages(list)).toThrow(new UsageError(`${list}:2: ./b.png is listed twice`));
  });

  it('a glob: * within a directory, ** across them, keys relative to its fixed part', () => {
    const l = listImages(path.join(tmp, 'imgs', 'sub', '**', '*.{png,jpg}'.replace('{png,jpg}', '[pj][np]g')));
    expect([l.name, l.kind]).toEqual(['sub', 'glob']);
    expect(l.images.map((i) => [i.key, i.imageId])).toEqual([['c.png', 1], ['deep/d.jpg', 2]]);
    expect(listImages(path.join(tmp, 'imgs', '*.png')).images.map((i) => i.key)).toEqual(['b.png']);
    expect(globRegExp('a/**/b?.png').test('a/b1.png')).toBe(true);
    expect(globRegExp('a/**/b?.png').test('a/x/y/b1.png')).toBe(true);
    expect(globRegExp('*.png').test('x/y.png')).toBe(false);
    expect(globRegExp('[!a]*.png').test('a.png')).toBe(false);
    expect(globRegExp('[!a]*.png').test('b.png')).toBe(true);
    expect(globRegExp('a+(b).png').test('a+(b).png')).toBe(true);
  });

  it('refuses one image and a missing path', () => {
    expect(() => listImages(path.join(tmp, 'imgs', 'b.png'))).toThrow(/not one image/);
    expect(() => listImages(path.join(tmp, 'nope'))).toThrow(new UsageError(`${path.join(tmp, 'nope')}: no such file, directory or matching glob`));
  });
});

describe('--shard', () => {
  it('parses i/N and refuses the rest', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    for (const bad of ['4/4', '-1/4', '1/0', '1', 'a/b', '1/2/3']) expect(() => parseShard(bad)).toThrow(/--shard must be i\/N with 0 <= i < N/);
  });

  it('puts every image id in exactly one shard, the same one every time, about evenly', () => {
    const count = 4;
    const sizes = [0, 0, 0, 0];
    for (let id = 1; id <= 4000; id++) {
      const s = shardOf(id, count);
      expect(s).toBe(shardOf(id, count));
      expect([0, 1, 2, 3].filter((i) => inShard(id, { index: i, count }))).toEqual([s]);
      sizes[s]++;
    }
    for (const n of sizes) expect(Math.abs(n - 1000)).toBeLessThan(120);
  });
});

describe('queue commands without a server', () => {
  it('usage errors exit 2 naming the option', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['enqueue', path.join(tmp, 'imgs')], /missing --redis <url>/],
      [['enqueue', path.join(tmp, 'imgs'), '--redis', 'http://x:1'], /--redis: Redis URL "http:\/\/x:1": the scheme must be redis:\/\/ or rediss:\/\//],
      [['enqueue', path.join(tmp, 'imgs'), '--redis', 'redis://x:1', '--queue', 'a:b'], /--queue: queue name "a:b"/],
      [['enqueue', '--redis', 'redis://x:1'], /enqueue takes one <dir\|list\|glob>/],
      [['enqueue', path.join(tmp, 'imgs'), '--redis', 'redis://x:1', '--attempts', '0'], /--attempts must be an integer in \[1, 100\]/],
      [['worker', '--redis', 'redis://x:1', '--workers', '0'], /--workers must be an integer in \[1, 64\]/],
      [['status'], /missing --redis <url>/],
      [['collect', '--redis', 'redis:'], /--redis: Redis URL "redis:": /],
      [['detect', path.join(tmp, 'imgs'), '--shard', '2/2'], /--shard must be i\/N/],
      [['detect', path.join(tmp, 'imgs', 'b.png'), '--shard', '0/2'], /--shard splits directories; .*b\.png is a file/],
    ];
    for (const [argv, re] of cases) {
      const c = capture();
      expect([argv.join(' '), await main(argv, c.io)]).toEqual([argv.join(' '), 2]);
      expect(c.err()).toMatch(re);
    }
  });

  it('status and collect against a port where no Redis listens exit 1 naming the address', async () => {
    const port = await freePort();
    for (const cmd of ['status', 'collect']) {
      const c = capture();
      expect(await main([cmd, '--redis', `redis://127.0.0.1:${port}`], c.io)).toBe(1);
      expect(c.err()).toMatch(new RegExp(`^mrcnn ${cmd}: QueueError: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}: `));
    }
  });
});
