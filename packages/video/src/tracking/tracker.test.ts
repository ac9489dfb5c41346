/**
 * The IoU tracker on synthetic ground truth: objects moving at constant velocity (two crossing),
 * detections = true boxes with deterministic jitter, missed frames and false positives. Checked:
 * one id per object through a crossing (Hungarian + constant-velocity prediction), confirmation
 * after min hits, coasting within max age, end after it, events and their fields.
 */
import { ArgumentError } from '@mrcnn/model';
import type { TrackEvent } from '../types';
import { Detection, IouTracker, TrackerOptions } from './tracker';

interface Truth { id: string; classId: number; x: number; y: number; vx: number; vy: number; w: number; h: number }

function boxAt(o: Truth, f: number, jitter: number): number[] {
  const j = (k: number): number => jitter * Math.sin(f * 1.7 + k * 2.3 + o.x);
  const x = o.x + o.vx * f;
  const y = o.y + o.vy * f;
  return [x + j(0), y + j(1), x + o.w + j(2), y + o.h + j(3)];
}

/** Runs frames 0..n-1; `visible(o, f)` hides objects; returns per object the track ids it got, and all events. */
function run(objects: Truth[], n: number, options: TrackerOptions, visible: (o: Truth, f: number) => boolean = () => true,
  extra: (f: number) => Detection[] = () => []): { ids: Map<string, Array<number | undefined>>; events: TrackEvent[]; tracker: IouTracker } {
  const tracker = new IouTracker(options);
  const ids = new Map(objects.map((o) => [o.id, [] as Array<number | undefined>]));
  const events: TrackEvent[] = [];
  for (let f = 0; f < n; f++) {
    const shown = objects.filter((o) => visible(o, f));
    const dets: Detection[] = [
      ...shown.map((o) => ({ classId: o.classId, label: `c${o.classId}`, score: 0.5 + 0.4 * Math.abs(Math.sin(f + o.x)), box: boxAt(o, f, 1.5) })),
      ...extra(f),
    ];
    const u = tracker.update({ index: f, time: f / 10 }, dets);
    shown.forEach((o, k) => ids.get(o.id)!.push(u.trackIds[k]));
    events.push(...u.events);
  }
  events.push(...tracker.finish());
  return { ids, events, tracker };
}

const CROSSING: Truth[] = [
  { id: 'a', classId: 1, x: 0, y: 100, vx: 6, vy: 0, w: 40, h: 40 },
  { id: 'b', classId: 1, x: 300, y: 110, vx: -6, vy: 0, w: 40, h: 40 },
];

describe('IouTracker', () => {
  it('keeps one id per object through a crossing (Hungarian, constant velocity), confirmed after min hits', () => {
    const { ids, events } = run(CROSSING, 50, { minHits: 3 });
    for (const o of CROSSING) {
      const got = ids.get(o.id)!;
      expect(got.slice(0, 2)).toEqual([undefined, undefined]); // tentative for minHits - 1 frames
      expect(new Set(got.slice(2)).size).toBe(1);
      expect(got[2]).toBeDefined();
    }
    expect(ids.get('a')![10]).not.toBe(ids.get('b')![10]);
    const news = events.filter((e) => e.event === 'new');
    expect(news.map((e) => [e.trackId, e.frame, e.firstFrame, e.hits])).toEqual([[1, 2, 0, 3], [2, 2, 0, 3]]);
    const ends = events.filter((e) => e.event === 'end');
    expect(ends.map((e) => [e.trackId, e.lastFrame, e.hits])).toEqual([[1, 49, 50], [2, 49, 50]]);
  });

  it('keeps the ids through the crossing with greedy assignment too', () => {
    const { ids } = run(CROSSING, 50, { minHits: 1, assignment: 'greedy' });
    for (const o of CROSSING) expect(new Set(ids.get(o.id)).size).toBe(1);
  });

  it('coasts through a gap up to maxAge and ends after it; a later return is a new track', () => {
    const obj: Truth[] = [{ id: 'a', classId: 2, x: 50, y: 50, vx: 3, vy: 1, w: 60, h: 30 }];
    // Hidden in frames 10..13 (4 frames, maxAge 5): same id after.
    const short = run(obj, 30, { maxAge: 5, minHits: 2 }, (_, f) => f < 10 || f > 13);
    expect(new Set(short.ids.get('a')!.slice(1)).size).toBe(1);
    expect(short.events.filter((e) => e.event === 'end')).toHaveLength(1);
    // Hidden in frames 10..19 (10 frames > maxAge 5): the track ends at frame 15 (its 6th miss), the return gets id 2.
    const long = run(obj, 30, { maxAge: 5, minHits: 2 }, (_, f) => f < 10 || f > 19);
    const seen = long.ids.get('a')!;
    expect(seen.slice(1, 10)).toEqual(new Array(9).fill(1));
    expect(seen[10]).toBeUndefined(); // frame 20: tentative again
    expect(seen.slice(11)).toEqual(new Array(seen.length - 11).fill(2));
    const end1 = long.events.find((e) => e.event === 'end' && e.trackId === 1)!;
    expect([end1.frame, end1.lastFrame, end1.lastTime]).toEqual([15, 9, 0.9]);
  });

  it('one-frame false positives never get an id; the classes do not mix (classAware)', () => {
    const obj: Truth[] = [{ id: 'a', classId: 1, x: 100, y: 100, vx: 0, vy: 0, w: 50, h: 50 }];
    const noise = (f: number): Detection[] => (f % 3 === 0 ? [{ classId: 1, label: 'c1', score: 0.9, box: [300 + f * 17, 10, 340 + f * 17, 60] }] : []);
    const { ids, events } = run(obj, 30, { minHits: 2 }, () => true, noise);
    expect(new Set(ids.get('a')!.slice(1))).toEqual(new Set([1]));
    expect(events.filter((e) => e.event === 'new').map((e) => e.trackId)).toEqual([1]);
    // Same place, other class: a separate track.
    const t = new IouTracker({ minHits: 1 });
    const u0 = t.update({ index: 0, time: 0 }, [{ classId: 1, label: 'a', score: 0.9, box: [0, 0, 10, 10] }]);
    const u1 = t.update({ index: 1, time: 0.1 }, [{ classId: 2, label: 'b', score: 0.9, box: [0, 0, 10, 10] }]);
    expect([u0.trackIds[0], u1.trackIds[0]]).toEqual([1, 2]);
    expect(u1.events.map((e) => `${e.event} ${e.trackId}`)).toEqual(['new 2']);
  });

  it('update events carry a better best snapshot; end carries first/last time and the best box', () => {
    const t = new IouTracker({ minHits: 1, maxAge: 0 });
    const box = (x: number): number[] => [x, 0, x + 20, 20];
    const scores = [0.5, 0.7, 0.6, 0.9];
    const events: TrackEvent[] = [];
    scores.forEach((score, f) => events.push(...t.update({ index: f, time: f * 0.5 }, [{ classId: 3, label: 'cat', score, box: box(f) }]).events));
    events.push(...t.update({ index: 4, time: 2 }, []).events);
    expect(events.map((e) => `${e.event}@${e.frame}`)).toEqual(['new@0', 'update@1', 'update@3', 'end@4']);
    expect(events[3]).toEqual({
      type: 'track', event: 'end', trackId: 1, classId: 3, label: 'cat', frame: 4, time: 2, firstFrame: 0, firstTime: 0,
      lastFrame: 3, lastTime: 1.5, hits: 4, best: { frame: 3, time: 1.5, score: 0.9, box: [3, 0, 23, 20] },
    });
    expect(t.finish()).toEqual([]);
  });

  it('refuses bad options and frames out of order (ArgumentError)', () => {
    expect(() => new IouTracker({ iouThreshold: 0 })).toThrow(ArgumentError);
    expect(() => new IouTracker({ minHits: 0 })).toThrow('tracker options.minHits: expected an integer >= 1, got 0');
    expect(() => new IouTracker({ assignment: 'x' as 'greedy' })).toThrow(/assignment/);
    const t = new IouTracker();
    t.update({ index: 5, time: 0 }, []);
    expect(() => t.update({ index: 5, time: 0 }, [])).toThrow(/frame 5 after frame 5/);
  });
});
