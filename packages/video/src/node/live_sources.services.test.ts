/**
 * Live sources that drop, between real ffmpeg processes on 127.0.0.1:
 * - RTSP: `mrcnn video`'s pipeline (runVideo, small model) listens (`listen`) while an ffmpeg
 *   publisher pushes a test pattern; the publisher is killed mid-stream (the listener's ffmpeg
 *   exits, with code 0) → a `source_lost` event, the listener restarted after the backoff, a new
 *   publisher → `source_restored` and frames again, indices and times continuing; the JSONL has
 *   the events between the frames and the overlay stays a playable file.
 * - HTTP (a camera pulled as a client): the server is killed, reconnect attempts fail with
 *   growing delays (backoff) until a new server is up.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { load, Model } from '@mrcnn/model';
import { probe, tempDir } from '../../../../test/helpers/video_clips';
import { freePort, startHttpServer, startRtspPublisher, until } from '../../../../test/helpers/live_publishers';
import type { Frame, SourceItem, SourceLostEvent, VideoEvent } from '../types';
import { runVideo } from './run_video';
import { openVideoSource } from './video_source';

const DIR = tempDir(os.tmpdir(), `mrcnn-live-${process.pid}`);
let model: Model;

beforeAll(async () => {
  model = await load(undefined, { backend: 'wasm', config: { input: { height: 64, width: 96 } } });
});

afterAll(() => {
  model.dispose();
  fs.rmSync(DIR, { recursive: true, force: true });
});

describe('live sources that drop', () => {
  it('RTSP listener: publisher killed mid-stream → source_lost, reconnect, source_restored; outputs intact', async () => {
    const url = `rtsp://127.0.0.1:${await freePort()}/cam`;
    const events: VideoEvent[] = [];
    const stop = new AbortController();
    const out = { jsonl: path.join(DIR, 'rtsp.jsonl'), overlay: path.join(DIR, 'rtsp.mp4') };
    const run = runVideo(model, url, {
      listen: true, ...out, track: true, scoreThreshold: 0.1, signal: stop.signal,
      reconnect: { initialDelayMs: 300, maxDelayMs: 1000 }, stallTimeoutMs: 8000, onEvent: (e) => events.push(e),
    });
    const frames = (): Frame[] => events.flatMap((e) => (e.type === 'frame' ? [e.frame] : []));
    let publisher = await startRtspPublisher(url, () => frames().length > 0);
    try {
      await until(() => frames().length >= 10, 60000, '10 frames from the first publisher');
      await publisher.kill();
      await until(() => events.some((e) => e.type === 'source_lost'), 30000, 'source_lost');
      publisher = await startRtspPublisher(url, () => events.some((e) => e.type === 'source_restored'));
      const seen = frames().length;
      await until(() => frames().length >= seen + 10, 60000, '10 frames after the reconnect');
    } finally {
      stop.abort();
      await publisher.kill();
    }
    const summary = await run;
    const lost = events.find((e): e is SourceLostEvent => e.type === 'source_lost')!;
    const lostAt = events.indexOf(lost);
    const restoredAt = events.findIndex((e) => e.type === 'source_restored');
    expect(lost.reason).toMatch(/^ffmpeg exited with code 0/);
    expect(lost.attempt).toBe(1);
    expect(lost.retryInMs).toBe(300);
    const before = events.slice(0, lostAt).flatMap((e) => (e.type === 'frame' ? [e.frame] : []));
    const after = events.slice(restoredAt).flatMap((e) => (e.type === 'frame' ? [e.frame] : []));
    expect(lost.afterFrame).toBe(before[before.length - 1].index);
    expect(restoredAt).toBeGreaterThan(lostAt);
    expect(events.slice(lostAt + 1, restoredAt).every((e) => e.type !== 'frame')).toBe(true);
    expect(after[0].index).toBeGreaterThan(lost.afterFrame); // indices continue across the reconnect
    const all = frames();
    // Every frame index accounted for: the gap to the previous delivered frame = 1 + the frames dropped between.
    for (let k = 1; k < all.length; k++) {
      expect(all[k].index - all[k - 1].index).toBe(1 + (all[k].dropped ?? 0));
      // Non-decreasing: an RTSP stream may repeat a timestamp (seen once here under load: two frames at 9.446 s).
      expect(all[k].time).toBeGreaterThanOrEqual(all[k - 1].time);
    }
    expect(summary).toMatchObject({ live: true, reconnects: 1, frames: all.length });
    // JSONL: the same events, in the same order, flushed; the overlay: playable, at least one frame per frame detected.
    const types = fs.readFileSync(out.jsonl, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(events.map((e) => e.type));
    const p = probe(out.overlay);
    expect([p.codec, p.width, p.height]).toEqual(['h264', 96, 64]);
    expect(p.frames).toBe(summary.overlay!.frames);
    expect(p.frames).toBeGreaterThanOrEqual(all.length);
  });

  it('HTTP stream pulled as a client: server killed → source_lost, failing attempts back off, reconnect when it returns', async () => {
    const url = `http://127.0.0.1:${await freePort()}/live.ts`;
    let server = await startHttpServer(url);
    const source = openVideoSource(url, { reconnect: { initialDelayMs: 200, maxDelayMs: 800 }, stallTimeoutMs: 8000 });
    const items: SourceItem[] = [];
    const consumer = (async () => { for await (const it of source) items.push(it); })();
    const frames = (): number => items.filter((i) => i.type === 'frame').length;
    const losses = (): SourceLostEvent[] => items.filter((i): i is SourceLostEvent => i.type === 'source_lost');
    try {
      await until(() => frames() >= 10, 60000, '10 frames from the first server');
      const startLosses = losses().length; // attempts made before the server listened
      await server.kill();
      await until(() => losses().length >= startLosses + 3, 30000, 'three failed reconnect attempts');
      server = await startHttpServer(url);
      await until(() => items[items.length - 1]?.type === 'frame' && items.some((i, k) => k > 0 && i.type === 'source_restored'), 60000, 'frames after the reconnect');
    } finally {
      await source.close();
      await consumer;
      await server.kill();
    }
    const afterKill = losses().slice(-3);
    // Attempts in a row: 1, 2, 3…, each with a doubled delay capped at 800 ms.
    for (const l of afterKill) expect(l.retryInMs).toBe(Math.min(800, 200 * 2 ** (l.attempt - 1)));
    expect(afterKill.map((l) => l.attempt)).toEqual([afterKill[0].attempt, afterKill[0].attempt + 1, afterKill[0].attempt + 2]);
    expect(source.stats().reconnects).toBeGreaterThanOrEqual(1);
  });
});
