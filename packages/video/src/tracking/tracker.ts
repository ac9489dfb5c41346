/**
 * A small SORT-like multi-object tracker on detection boxes (Bewley et al. 2016, "Simple Online
 * and Realtime Tracking"): each track predicts its box with a constant-velocity model, tracks and
 * detections are matched by IoU (Hungarian or greedy assignment, pairs below `iouThreshold`
 * refused, same class only unless `classAware` is false), unmatched detections start tentative
 * tracks, a tentative track is confirmed after `minHits` consecutive matches (it then gets its id
 * and a `new` event) and dropped at its first miss, and a confirmed track ends (`end` event) after
 * more than `maxAge` frames without a match. `update` events report a better best snapshot.
 * Pure TypeScript, no tensors: it runs wherever the detections are.
 */
import { ArgumentError } from '@mrcnn/model';
import type { TrackEvent, TrackSnapshot } from '../types';
import { assign, AssignmentMethod } from './assignment';
import { boxIoU } from './iou';

export interface TrackerOptions {
  /** Minimum IoU of a track's predicted box and a detection to match them (default 0.3, SORT's). */
  iouThreshold?: number;
  /** Frames a confirmed track may go unmatched before it ends (default 5). */
  maxAge?: number;
  /** Consecutive matches that confirm a track (default 3, SORT's). */
  minHits?: number;
  /** 'hungarian' (optimal, default) or 'greedy'. */
  assignment?: AssignmentMethod;
  /** Match only detections of the track's class (default true). */
  classAware?: boolean;
}

/** What the tracker needs of a detection. */
export interface Detection {
  classId: number;
  label: string;
  score: number;
  box: readonly number[];
}

/** A frame's position in the stream. */
export interface FrameStamp {
  index: number;
  time: number;
}

type Box4 = [number, number, number, number];

interface Track {
  /** Confirmed tracks' public id (0 while tentative). */
  id: number;
  classId: number;
  label: string;
  box: Box4;
  /** Box change per frame (constant-velocity model), smoothed. */
  velocity: Box4;
  lastFrame: number;
  lastTime: number;
  firstFrame: number;
  firstTime: number;
  hits: number;
  streak: number;
  best: TrackSnapshot;
}

export interface TrackerUpdate {
  /** Per detection (input order): its confirmed track's id, or undefined (tentative or unmatched). */
  trackIds: Array<number | undefined>;
  /** Track events of this frame: ends first, then news, then updates (each by track id). */
  events: TrackEvent[];
}

/** Weight of the newest displacement in the smoothed velocity. */
const VELOCITY_GAIN = 0.6;

function checkOption(name: string, v: number | undefined, ok: (v: number) => boolean, what: string): void {
  if (v !== undefined && !(typeof v === 'number' && ok(v))) throw new ArgumentError(`tracker options.${name}`, `expected ${what}, got ${JSON.stringify(v)}`);
}

function box4(b: readonly number[]): Box4 {
  return [b[0], b[1], b[2], b[3]];
}

export class IouTracker {
  private readonly iouThreshold: number;
  private readonly maxAge: number;
  private readonly minHits: number;
  private readonly method: AssignmentMethod;
  private readonly classAware: boolean;
  private tracks: Track[] = [];
  private nextId = 1;
  private last: FrameStamp | undefined;

  constructor(options: TrackerOptions = {}) {
    checkOption('iouThreshold', options.iouThreshold, (v) => v > 0 && v <= 1, 'a number in (0, 1]');
    checkOption('maxAge', options.maxAge, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
    checkOption('minHits', options.minHits, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
    if (options.assignment !== undefined && options.assignment !== 'hungarian' && options.assignment !== 'greedy') {
      throw new ArgumentError('tracker options.assignment', `expected 'hungarian' or 'greedy', got ${JSON.stringify(options.assignment)}`);
    }
    this.iouThreshold = options.iouThreshold ?? 0.3;
    this.maxAge = options.maxAge ?? 5;
    this.minHits = options.minHits ?? 3;
    this.method = options.assignment ?? 'hungarian';
    this.classAware = options.classAware ?? true;
  }

  /** Confirmed tracks so far. */
  get confirmedCount(): number {
    return this.nextId - 1;
  }

  /** The box a track expects at frame `index`. */
  private predict(t: Track, index: number): Box4 {
    const k = index - t.lastFrame;
    return [t.box[0] + t.velocity[0] * k, t.box[1] + t.velocity[1] * k, t.box[2] + t.velocity[2] * k, t.box[3] + t.velocity[3] * k];
  }

  private event(kind: TrackEvent['event'], t: Track, at: FrameStamp): TrackEvent {
    return {
      type: 'track', event: kind, trackId: t.id, classId: t.classId, label: t.label, frame: at.index, time: at.time,
      firstFrame: t.firstFrame, firstTime: t.firstTime, lastFrame: t.lastFrame, lastTime: t.lastTime, hits: t.hits,
      best: { ...t.best, box: [...t.best.box] as Box4 },
    };
  }

  /** Matches the detections of frame `at` (frames in increasing index order) with the tracks. */
  update(at: FrameStamp, detections: readonly Detection[]): TrackerUpdate {
    if (this.last !== undefined && !(at.index > this.last.index)) {
      throw new ArgumentError('tracker frame', `frame ${at.index} after frame ${this.last.index} (frames must come in increasing index order)`);
    }
    this.last = at;
    const predicted = this.tracks.map((t) => this.predict(t, at.index));
    const iou = this.tracks.map((t, i) => detections.map((d) => (
      this.classAware && d.classId !== t.classId ? 0 : boxIoU(predicted[i], d.box))));
    const matches = assign(iou, this.iouThreshold, this.method);
    const trackOf = new Array<Track | undefined>(detections.length);
    const matched = new Set<Track>();
    for (const { row, col } of matches) {
      const t = this.tracks[row];
      trackOf[col] = t;
      matched.add(t);
    }
    const ends: TrackEvent[] = [];
    const news: TrackEvent[] = [];
    const updates: TrackEvent[] = [];
    const kept: Track[] = [];
    for (const t of this.tracks) {
      if (matched.has(t)) {
        kept.push(t);
        continue;
      }
      t.streak = 0;
      const confirmed = t.id > 0;
      if (confirmed && at.index - t.lastFrame <= this.maxAge) kept.push(t);
      else if (confirmed) ends.push(this.event('end', t, at));
      // a tentative track dies at its first miss
    }
    detections.forEach((d, j) => {
      const box = box4(d.box);
      const t = trackOf[j];
      if (t === undefined) {
        const fresh: Track = {
          id: 0, classId: d.classId, label: d.label, box, velocity: [0, 0, 0, 0], lastFrame: at.index, lastTime: at.time,
          firstFrame: at.index, firstTime: at.time, hits: 1, streak: 1, best: { frame: at.index, time: at.time, score: d.score, box },
        };
        kept.push(fresh);
        if (this.minHits <= 1) {
          fresh.id = this.nextId++;
          news.push(this.event('new', fresh, at));
        }
        trackOf[j] = fresh;
        return;
      }
      const k = at.index - t.lastFrame;
      for (let c = 0; c < 4; c++) {
        t.velocity[c] = (1 - VELOCITY_GAIN) * t.velocity[c] + VELOCITY_GAIN * ((box[c] - t.box[c]) / k);
      }
      t.box = box;
      t.lastFrame = at.index;
      t.lastTime = at.time;
      t.hits++;
      t.streak++;
      const better = d.score > t.best.score;
      if (better) t.best = { frame: at.index, time: at.time, score: d.score, box };
      if (t.id === 0 && t.streak >= this.minHits) {
        t.id = this.nextId++;
        news.push(this.event('new', t, at));
      } else if (t.id > 0 && better) {
        updates.push(this.event('update', t, at));
      }
    });
    this.tracks = kept;
    const byId = (a: TrackEvent, b: TrackEvent): number => a.trackId - b.trackId;
    return {
      trackIds: trackOf.map((t) => (t !== undefined && t.id > 0 ? t.id : undefined)),
      events: [...ends.sort(byId), ...news.sort(byId), ...updates.sort(byId)],
    };
  }

  /** Ends every confirmed track (the stream is over); `at` defaults to the last frame seen. */
  finish(at?: FrameStamp): TrackEvent[] {
    const stamp = at ?? this.last ?? { index: 0, time: 0 };
    const events = this.tracks.filter((t) => t.id > 0).map((t) => this.event('end', t, stamp)).sort((a, b) => a.trackId - b.trackId);
    this.tracks = [];
    return events;
  }
}
