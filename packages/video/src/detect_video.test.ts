/**
 * detectVideo with the embedded default model (wasm) on a clip ffmpeg makes from the model's demo
 * image (a window panning right by 4 px per frame, so the shapes move left): every frame's
 * instances equal `model.detect` on the same decoded pixels; the network input is one tensor
 * refilled per frame (FrameInputSlot; no tensor left behind); tracks keep their ids and follow
 * the pan; events come in order (frame, its track events, …, track ends, end); source events pass
 * through; a failing source still yields the track ends and the end event before its error; a
 * consumer that stops early leaves no tensor.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { defaultModelPath, load, Model } from '@mrcnn/model';
import { demoPanClip, rgbFrames, tempDir } from '../../../test/helpers/video_clips';
import { detectVideo } from './detect_video';
import { FrameInputSlot } from './input_slot';
import { openVideoSource } from './node/video_source';
import type { Frame, FrameResult, SourceItem, TrackEvent, VideoEvent } from './types';

const DIR = tempDir(os.tmpdir(), `mrcnn-detect-video-${process.pid}`);
const FRAMES = 20;
const SCORE = 0.3;
let model: Model;
let clip: string;

beforeAll(async () => {
  model = await load(undefined, { backend: 'wasm' });
  clip = demoPanClip(path.join(DIR, 'pan.mkv'), path.join(path.dirname(defaultModelPath()), 'demo.png'), FRAMES);
});

afterAll(() => {
  model.dispose();
  fs.rmSync(DIR, { recursive: true, force: true });
});

async function all(events: AsyncIterable<VideoEvent>): Promise<VideoEvent[]> {
  const out: VideoEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

function summary(r: FrameResult): string[] {
  return r.instances.map((d) => `${d.classId} ${d.score} ${d.box.join(',')} ${Buffer.from(d.mask.data).toString('base64')}`);
}

describe('detectVideo', () => {
  let events: VideoEvent[] = [];
  let before = 0;

  beforeAll(async () => {
    before = tf.memory().numTensors;
    events = await all(detectVideo(model, openVideoSource(clip), { scoreThreshold: SCORE, track: { minHits: 2 } }));
  });

  it('gives every frame, in order, the instances model.detect finds on the same pixels; no tensor left', async () => {
    const frames = events.filter((e): e is FrameResult => e.type === 'frame');
    expect(frames.map((f) => f.frame.index)).toEqual(Array.from({ length: FRAMES }, (_, k) => k));
    expect(tf.memory().numTensors).toBe(before);
    const ref = rgbFrames(clip, 320, 240);
    for (const k of [0, 7, FRAMES - 1]) {
      const expected = await model.detect({ width: 320, height: 240, data: ref[k] }, { scoreThreshold: SCORE });
      expect(expected.length).toBeGreaterThan(0);
      expect(summary(frames[k])).toEqual(expected.map((d) => `${d.classId} ${d.score} ${d.box.join(',')} ${Buffer.from(d.mask.data).toString('base64')}`));
    }
  });

  it('tracks keep their ids and follow the pan (shapes move 4 px per frame to the left)', () => {
    const frames = events.filter((e): e is FrameResult => e.type === 'frame');
    const news = events.filter((e): e is TrackEvent => e.type === 'track' && e.event === 'new');
    expect(news.length).toBeGreaterThanOrEqual(2);
    // Tracks seen in (nearly) every frame with boxes clear of the frame's edges: centres moving left ~4 px/frame.
    const tracks = new Map<number, Array<{ frame: number; box: readonly number[] }>>();
    for (const f of frames) {
      for (const i of f.instances) {
        if (i.trackId === undefined) continue;
        tracks.set(i.trackId, [...(tracks.get(i.trackId) ?? []), { frame: f.frame.index, box: i.box }]);
      }
    }
    const inside = [...tracks.values()].filter((t) => t.length >= FRAMES - 3 && t.every(({ box }) => box[0] > 1 && box[2] < 318));
    expect(inside.length).toBeGreaterThanOrEqual(1);
    for (const t of inside) {
      const centre = (b: readonly number[]): number => (b[0] + b[2]) / 2;
      const speed = (centre(t[t.length - 1].box) - centre(t[0].box)) / (t[t.length - 1].frame - t[0].frame);
      expect(speed).toBeGreaterThan(-5);
      expect(speed).toBeLessThan(-3);
    }
    // Every id is one class, and every instance with an id belongs to a track announced by a 'new' event.
    const classOf = new Map(news.map((n) => [n.trackId, n.classId]));
    for (const f of frames) for (const i of f.instances) if (i.trackId !== undefined) expect(classOf.get(i.trackId)).toBe(i.classId);
  });

  it('orders events: a frame, then its track events; the remaining tracks end; one end event last', () => {
    const last = events[events.length - 1];
    expect(last).toEqual({ type: 'end', frames: FRAMES, dropped: 0, reconnects: 0, tracks: expect.any(Number) });
    let frame = -1;
    for (const e of events) {
      if (e.type === 'frame') frame = e.frame.index;
      if (e.type === 'track') expect(e.frame).toBe(frame);
    }
    const news = events.filter((e) => e.type === 'track' && e.event === 'new').length;
    const ends = events.filter((e) => e.type === 'track' && e.event === 'end').length;
    expect(ends).toBe(news);
    expect((last as { tracks: number }).tracks).toBe(news);
  });
});

/** Frames of flat colour (two squares moving) with source events in between, from a plain async generator. */
async function* synthetic(n: number, failAt?: number): AsyncGenerator<SourceItem> {
  for (let k = 0; k < n; k++) {
    if (k === failAt) throw new Error('camera unplugged');
    const w = 96;
    const h = 64;
    const data = new Uint8Array(w * h * 3).fill(90);
    for (let y = 20; y < 40; y++) for (let x = 10 + k; x < 30 + k; x++) data.set([250, 250, 250], (y * w + x) * 3);
    const frame: Frame = { type: 'frame', index: k, time: k / 10, width: w, height: h, image: { width: w, height: h, data } };
    yield frame;
    if (k === 1) yield { type: 'source_lost', source: 'synthetic', afterFrame: 1, time: 0.1, wallclock: 0, reason: 'test', attempt: 1, retryInMs: 0 };
    if (k === 2) yield { type: 'source_restored', source: 'synthetic', attempts: 1, wallclock: 0, downMs: 5 };
  }
}

describe('detectVideo with other sources', () => {
  it('passes source events through in order and counts reconnects', async () => {
    const events = await all(detectVideo(model, synthetic(4), { scoreThreshold: 0.99 }));
    expect(events.map((e) => (e.type === 'frame' ? `f${e.frame.index}` : e.type))).toEqual(
      ['f0', 'f1', 'source_lost', 'f2', 'source_restored', 'f3', 'end']);
    expect(events[events.length - 1]).toEqual({ type: 'end', frames: 4, dropped: 0, reconnects: 1, tracks: 0 });
  });

  it('a source that fails: the end event, then the error; no tensor left', async () => {
    const before = tf.memory().numTensors;
    const got: string[] = [];
    await expect((async () => {
      for await (const e of detectVideo(model, synthetic(5, 3), { scoreThreshold: 0.99, track: true })) got.push(e.type);
    })()).rejects.toThrow('camera unplugged');
    expect(got).toEqual(['frame', 'frame', 'source_lost', 'frame', 'source_restored', 'end']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a consumer that stops early leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    for await (const e of detectVideo(model, synthetic(10), { scoreThreshold: 0.99 })) if (e.type === 'frame' && e.frame.index === 2) break;
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad options (ArgumentError naming them)', async () => {
    await expect(all(detectVideo(model, synthetic(1), { readAhead: -1 }))).rejects.toThrow(/options.readAhead/);
    await expect(all(detectVideo(model, synthetic(1), { scoreThreshold: 3 }))).rejects.toThrow(/options.scoreThreshold/);
  });
});

describe('FrameInputSlot', () => {
  it.each(['wasm', 'cpu'])('on %s: one tensor refilled in place for same-sized frames, a new one when the size changes', async (backend) => {
    const m = backend === 'wasm' ? model : await load(undefined, { backend: 'cpu' });
    try {
      const slot = new FrameInputSlot(m.config.input, 'fit');
      const before = tf.memory().numTensors;
      const px = (w: number, h: number, v: number): { width: number; height: number; data: Uint8Array } => ({ width: w, height: h, data: new Uint8Array(w * h * 3).fill(v) });
      const a = slot.fill(px(96, 64, 10));
      const b = slot.fill(px(96, 64, 200));
      expect(b.imData).toBe(a.imData);
      expect((await b.imData.data())[0]).toBe(200);
      const c = slot.fill(px(64, 96, 30)); // portrait: another padded size
      expect(c.imData).not.toBe(a.imData);
      expect(a.imData.isDisposed).toBe(true);
      expect([slot.created, slot.reused]).toEqual([2, 1]);
      expect(tf.memory().numTensors).toBe(before + 1);
      slot.dispose();
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      if (m !== model) m.dispose();
      await tf.setBackend('wasm');
    }
  });
});
