/**
 * The resumable download and torch.hub's hash check, against a local server on 127.0.0.1 serving
 * the seeded checkpoint tools/oracle writes in torchvision's layout (test/fixtures/oracle-tv-k8).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import type { FetchProgress } from '@mrcnn/schema';
import { CheckpointServer, refusedPort, sha256Hex, startCheckpointServer } from '../../../test/helpers/checkpoint_server';
import { ORACLE_TV_K8 } from '../../../test/helpers/converter_fixtures';
import { downloadToPart } from './download';
import { HttpStatusError, ModelFetchError, NetworkError } from './errors';
import { hashMatches, sha256File } from './verify';

const CHECKPOINT = zlib.gunzipSync(fs.readFileSync(path.join(ORACLE_TV_K8, 'model_torchvision.pth.gz')));
const HALF = 1 << 20;
let server: CheckpointServer;
let tmp: string;

beforeAll(async () => {
  server = await startCheckpointServer({
    '/m.pth': { body: CHECKPOINT },
    '/drop-once.pth': { body: CHECKPOINT, dropAfter: HALF },
    '/drop-always.pth': { body: CHECKPOINT, dropAfter: HALF, dropTimes: 1000 },
    '/stall.pth': { body: CHECKPOINT, stallAfter: HALF },
  });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-hub-dl-'));
});

afterAll(async () => {
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const part = (name: string): string => path.join(tmp, `${name}.part`);
const requestsFor = (p: string): typeof server.requests => server.requests.filter((r) => r.path === p);
/** The start of a `bytes=<n>-` Range header (NaN when there is none). */
const resumedAt = (range: string | undefined): number => Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? NaN);

describe('downloadToPart', () => {
  it('downloads the whole file, reporting bytes, total, rate and ETA', async () => {
    const seen: FetchProgress[] = [];
    const n = await downloadToPart(`${server.origin}/m.pth`, part('whole'), { onProgress: (p) => seen.push({ ...p }) });
    expect(n).toBe(CHECKPOINT.length);
    expect(fs.readFileSync(part('whole')).equals(CHECKPOINT)).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((p) => p.phase === 'download' && p.total === CHECKPOINT.length && p.resumedFrom === 0)).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i].bytes).toBeGreaterThanOrEqual(seen[i - 1].bytes);
    const last = seen[seen.length - 1];
    expect([last.bytes, last.done]).toEqual([CHECKPOINT.length, true]);
    expect(last.bytesPerSecond).toBeGreaterThan(0);
    expect(last.etaSeconds).toBe(0);
    // The sidecar records the URL and the server's ETag, for If-Range on a resume.
    expect(JSON.parse(fs.readFileSync(`${part('whole')}.json`, 'utf8'))).toEqual({ url: `${server.origin}/m.pth`, validator: expect.stringMatching(/^"[0-9a-f]{16}"$/) });
  });

  it('resumes a connection dropped mid-body with Range + If-Range, within the call', async () => {
    const seen: FetchProgress[] = [];
    const n = await downloadToPart(`${server.origin}/drop-once.pth`, part('drop-once'), { retryDelayMs: 10, onProgress: (p) => seen.push({ ...p }) });
    expect(n).toBe(CHECKPOINT.length);
    expect(fs.readFileSync(part('drop-once')).equals(CHECKPOINT)).toBe(true);
    const reqs = requestsFor('/drop-once.pth');
    expect(reqs.map((r) => r.status)).toEqual([200, 206]);
    // Resumed where the part ended: at most the bytes the server sent before dropping (some may be lost in flight).
    const kept = resumedAt(reqs[1].range);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(HALF);
    expect(reqs[1].ifRange).toMatch(/^"[0-9a-f]{16}"$/);
    expect(seen.filter((p) => p.resumedFrom === kept).length).toBeGreaterThan(0);
  });

  it('keeps the part when the retries are spent; the next call resumes it', async () => {
    const url = `${server.origin}/drop-always.pth`;
    const err = await downloadToPart(url, part('drop-always'), { retries: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toBeInstanceOf(ModelFetchError);
    expect((err as NetworkError).url).toBe(url);
    const kept = fs.statSync(part('drop-always')).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(HALF);
    expect((err as Error).message).toMatch(new RegExp(`^${url}: network error: the connection dropped .*; ${kept} bytes are kept in .*drop-always\\.part and the next attempt resumes from there\\. To do it by hand: download ${url} .*mrcnn convert <file> -o <dir>`));
    server.files.set('/drop-always.pth', { body: CHECKPOINT }); // the network is back
    const n = await downloadToPart(url, part('drop-always'), { retries: 0 });
    expect(n).toBe(CHECKPOINT.length);
    expect(fs.readFileSync(part('drop-always')).equals(CHECKPOINT)).toBe(true);
    expect(requestsFor('/drop-always.pth').map((r) => r.range)).toEqual([undefined, `bytes=${kept}-`]);
  });

  it('treats a part that is already the whole file as done (416 with its size)', async () => {
    fs.copyFileSync(part('whole'), part('complete'));
    fs.writeFileSync(`${part('complete')}.json`, JSON.stringify({ url: `${server.origin}/m.pth` }));
    const before = requestsFor('/m.pth').length;
    expect(await downloadToPart(`${server.origin}/m.pth`, part('complete'))).toBe(CHECKPOINT.length);
    expect(requestsFor('/m.pth').slice(before).map((r) => [r.status, r.range])).toEqual([[416, `bytes=${CHECKPOINT.length}-`]]);
  });

  it('never resumes a part of another URL', async () => {
    fs.writeFileSync(part('other'), CHECKPOINT.subarray(0, 1000));
    fs.writeFileSync(`${part('other')}.json`, JSON.stringify({ url: `${server.origin}/elsewhere.pth` }));
    const before = requestsFor('/m.pth').length;
    await downloadToPart(`${server.origin}/m.pth`, part('other'));
    expect(requestsFor('/m.pth').slice(before).map((r) => r.range)).toEqual([undefined]);
    expect(fs.readFileSync(part('other')).equals(CHECKPOINT)).toBe(true);
  });

  it('gives up on a stalled body after the timeout, keeping what arrived', async () => {
    const err = await downloadToPart(`${server.origin}/stall.pth`, part('stall'), { retries: 0, timeoutMs: 400 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).code).toBe('ETIMEDOUT');
    expect((err as Error).message).toMatch(/no data for 0\.4 s/);
    expect(fs.statSync(part('stall')).size).toBe(HALF); // the connection is open: everything sent arrived
  });

  it('refuses a 404 with HttpStatusError naming the URL and the by-hand route; no part is made', async () => {
    const url = `${server.origin}/missing-0123abcd.pth`;
    const err = await downloadToPart(url, part('404')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).status).toBe(404);
    expect((err as Error).message).toMatch(new RegExp(`^${url}: HTTP 404 Not Found\\. To do it by hand: download ${url} .*\`mrcnn convert <file> -o <dir>\``));
    expect(fs.existsSync(part('404'))).toBe(false);
  });

  it('reports a refused connection as NetworkError (ECONNREFUSED) at once', async () => {
    const url = `http://127.0.0.1:${await refusedPort()}/m-0123abcd.pth`;
    const err = await downloadToPart(url, part('refused'), { retryDelayMs: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).code).toBe('ECONNREFUSED');
    expect((err as Error).message).toMatch(new RegExp(`^${url}: network error: .*ECONNREFUSED`));
  });
});

describe("torch.hub's hash check", () => {
  it('compares the SHA-256 hex digest with the prefix, streaming the file', async () => {
    const file = path.join(tmp, 'hash.pth');
    fs.writeFileSync(file, CHECKPOINT);
    const seen: FetchProgress[] = [];
    const digest = await sha256File(file, (p) => seen.push({ ...p }));
    expect(digest).toBe(sha256Hex(CHECKPOINT));
    expect(seen[seen.length - 1]).toMatchObject({ phase: 'verify', bytes: CHECKPOINT.length, total: CHECKPOINT.length, done: true });
    expect(hashMatches(digest, digest.slice(0, 8))).toBe(true);
    expect(hashMatches(digest, digest.slice(0, 8).toUpperCase())).toBe(true);
    expect(hashMatches(digest, `${digest.slice(0, 7)}${digest[7] === '0' ? '1' : '0'}`)).toBe(false);
  });
});
