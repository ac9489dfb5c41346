/**
 * openVideoSource on clips the system ffmpeg generates: frame count = duration × fps, pts
 * increasing, pixels equal to ffmpeg's own rgb24 decode, `fps` thinning, backpressure (a slow
 * consumer loses nothing from a file), stale-frame dropping for a file read in real time, damaged
 * files (truncated, overwritten bytes, not a video) → typed errors naming the file and the last
 * good frame after every good frame, a missing file, early stop (ffmpeg killed).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CorruptVideoError, VideoSourceError } from '../errors';
import type { Frame, SourceItem } from '../types';
import { corruptedCopy, probe, rgbFrames, tempDir, testsrcClip, truncatedCopy } from '../../../../test/helpers/video_clips';
import { decoderArgs, sourceSpec } from './source_spec';
import { openVideoSource } from './video_source';

const DIR = tempDir(os.tmpdir(), `mrcnn-video-source-${process.pid}`);
let clip: string;

beforeAll(() => {
  clip = testsrcClip(path.join(DIR, 'testsrc.mp4'), '96x64', 10, 3);
});

afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));

async function collect(items: AsyncIterable<SourceItem>, each?: (f: Frame) => Promise<void>): Promise<{ frames: Frame[]; error?: unknown }> {
  const frames: Frame[] = [];
  try {
    for await (const it of items) {
      if (it.type !== 'frame') continue;
      frames.push(it);
      await each?.(it);
    }
  } catch (error) {
    return { frames, error };
  }
  return { frames };
}

function pixels(f: Frame): Uint8Array {
  return (f.image as { data: Uint8Array }).data;
}

describe('openVideoSource on files', () => {
  it('delivers duration x fps frames, pts increasing, with the pixels ffmpeg decodes', async () => {
    const p = probe(clip);
    expect([p.frames, p.width, p.height]).toEqual([30, 96, 64]);
    const { frames, error } = await collect(openVideoSource(clip));
    expect(error).toBeUndefined();
    expect(frames).toHaveLength(3 * 10);
    expect(frames.map((f) => f.index)).toEqual(Array.from({ length: 30 }, (_, k) => k));
    expect(frames.map((f) => f.time)).toEqual(p.pts);
    for (let k = 1; k < frames.length; k++) expect(frames[k].pts!).toBeGreaterThan(frames[k - 1].pts!);
    expect(frames.every((f) => f.width === 96 && f.height === 64 && !f.dropped)).toBe(true);
    const ref = rgbFrames(clip, 96, 64);
    expect(ref).toHaveLength(30);
    frames.forEach((f, k) => expect(Buffer.compare(Buffer.from(pixels(f)), ref[k])).toBe(0));
  });

  it('thins to --fps: 3 s at 4 fps = 12 frames, times on the 0.25 s grid', async () => {
    const { frames } = await collect(openVideoSource(clip, { fps: 4 }));
    expect(frames).toHaveLength(12);
    expect(frames.map((f) => f.time)).toEqual(Array.from({ length: 12 }, (_, k) => k * 0.25));
  });

  it('holds ffmpeg back for a slow consumer and drops nothing (backpressure)', async () => {
    const source = openVideoSource(clip, { queue: 1 });
    const { frames } = await collect(source, () => new Promise((r) => setTimeout(r, 20)));
    expect(frames).toHaveLength(30);
    expect(source.stats()).toEqual({ frames: 30, dropped: 0, reconnects: 0 });
  });

  it('a file read in real time is live: a consumer busy on this thread gets the newest frames, the rest counted as dropped', async () => {
    const source = openVideoSource(clip, { realtime: true });
    expect(source.spec.live).toBe(true);
    // 30 frames over 3 s; the consumer blocks this thread 350 ms per frame (as the network does) →
    // it sees about every 3rd or 4th frame: the live reader's worker thread kept reading meanwhile.
    const busy = async (): Promise<void> => {
      const until = Date.now() + 350;
      while (Date.now() < until); // eslint-disable-line no-empty
    };
    const { frames } = await collect(source, busy);
    const dropped = frames.reduce((n, f) => n + (f.dropped ?? 0), 0);
    expect(frames.length).toBeLessThan(20);
    expect(frames.length + dropped).toBe(30);
    expect(source.stats().dropped).toBe(dropped);
    for (let k = 1; k < frames.length; k++) expect(frames[k].index - frames[k - 1].index).toBe(1 + (frames[k].dropped ?? 0));
  });

  it('a truncated MP4 (moov first): every frame before the damage, then CorruptVideoError naming the file and the last good frame', async () => {
    const long = testsrcClip(path.join(DIR, 'long.mp4'), '96x64', 10, 5);
    const cut = truncatedCopy(long, path.join(DIR, 'cut.mp4'), 0.6);
    const { frames, error } = await collect(openVideoSource(cut));
    expect(error).toBeInstanceOf(CorruptVideoError);
    const e = error as CorruptVideoError;
    expect(frames.length).toBeGreaterThan(5);
    expect(frames.length).toBeLessThan(50);
    expect(e.lastGoodFrame).toBe(frames.length - 1);
    expect(e.lastGoodTime).toBe(frames[frames.length - 1].time);
    expect(e.message).toContain(`${cut}: corrupt or truncated video after frame ${e.lastGoodFrame}`);
    expect(e.source).toBe(cut);
    // The frames delivered are the intact file's first frames.
    const ref = rgbFrames(long, 96, 64);
    frames.forEach((f, k) => expect(Buffer.compare(Buffer.from(pixels(f)), ref[k])).toBe(0));
  });

  it('a truncated Matroska file: all its frames, then CorruptVideoError (ffmpeg: file ended prematurely)', async () => {
    const mkv = testsrcClip(path.join(DIR, 'long.mkv'), '96x64', 10, 5);
    const cut = truncatedCopy(mkv, path.join(DIR, 'cut.mkv'), 0.6);
    const { frames, error } = await collect(openVideoSource(cut));
    expect(error).toBeInstanceOf(CorruptVideoError);
    expect((error as CorruptVideoError).lastGoodFrame).toBe(frames.length - 1);
    expect(frames.length).toBeGreaterThan(10);
  });

  it('bytes overwritten in the middle: CorruptVideoError after the last good frame', async () => {
    const long = testsrcClip(path.join(DIR, 'long2.mkv'), '96x64', 10, 5);
    const bad = corruptedCopy(long, path.join(DIR, 'bad.mkv'), 0.5, 400);
    const { frames, error } = await collect(openVideoSource(bad));
    expect(error).toBeInstanceOf(CorruptVideoError);
    expect((error as CorruptVideoError).lastGoodFrame).toBe(frames.length - 1);
    expect(frames.length).toBeLessThan(50);
  });

  it('not a video, and a missing file: VideoSourceError naming the file', async () => {
    const text = path.join(DIR, 'notes.mp4');
    fs.writeFileSync(text, 'this is not a video\n'.repeat(100));
    const { frames, error } = await collect(openVideoSource(text));
    expect(frames).toHaveLength(0);
    expect(error).toBeInstanceOf(VideoSourceError);
    expect(error).not.toBeInstanceOf(CorruptVideoError);
    expect((error as Error).message).toMatch(new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ffmpeg cannot decode it \\(exit code 1\\): `));
    expect(() => openVideoSource(path.join(DIR, 'nope.mp4'))).toThrow(VideoSourceError);
    expect(() => openVideoSource(path.join(DIR, 'nope.mp4'))).toThrow(/nope\.mp4: no such file/);
  });

  it('a consumer that stops early kills ffmpeg', async () => {
    const source = openVideoSource(clip);
    let n = 0;
    let pid: number | undefined;
    for await (const it of source) {
      pid = source.ffmpegPid;
      if (it.type === 'frame' && ++n === 3) break;
    }
    expect(n).toBe(3);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid!, 0)).toThrow(/ESRCH/); // gone
    expect(source.stats().frames).toBe(3);
  });
});

describe('sourceSpec', () => {
  it('classifies sources and builds ffmpeg input options', () => {
    expect(sourceSpec('rtsp://cam.local/stream')).toMatchObject({ kind: 'rtsp', live: true, reconnect: true, inputArgs: ['-rtsp_transport', 'tcp', '-timeout', '10000000'] });
    expect(sourceSpec('rtsp://127.0.0.1:8554/cam', { listen: true })).toMatchObject({ kind: 'rtsp-listen', live: true, inputArgs: ['-rtsp_flags', 'listen'] });
    expect(sourceSpec('/dev/video0')).toMatchObject({ kind: 'device', live: true, inputArgs: ['-f', 'v4l2'] });
    expect(sourceSpec('http://127.0.0.1:8080/live.ts')).toMatchObject({ kind: 'url', live: true, reconnect: true });
    expect(sourceSpec(clip)).toMatchObject({ kind: 'file', live: false, reconnect: false, inputArgs: [] });
    expect(sourceSpec(clip, { realtime: true })).toMatchObject({ kind: 'file', live: true, reconnect: false, inputArgs: ['-re'] });
    expect(decoderArgs(sourceSpec(clip, { fps: 5 }))).toEqual(expect.arrayContaining(['-vf', 'fps=5,showinfo', '-fps_mode', 'passthrough', 'rgb24']));
    expect(() => sourceSpec(clip, { listen: true })).toThrow(/options.listen/);
    expect(() => sourceSpec(clip, { fps: 0 })).toThrow(/options.fps/);
  });
});
