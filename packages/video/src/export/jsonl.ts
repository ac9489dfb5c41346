/**
 * The JSON record of each video event, as the JSONL export writes it (one line per event). Frame
 * records carry the frame's index, time, pts, size, drops and its instances (class, label, score,
 * box [x1, y1, x2, y2] in frame pixels, the mask as COCO RLE when the detection asked for it,
 * track id); masks' pixels and the frame's image are not written. Other events are written as
 * they are.
 */
import type { VideoEvent } from '../types';

/** A JSON-ready record of `event`. */
export function eventRecord(event: VideoEvent): Record<string, unknown> {
  if (event.type !== 'frame') return { ...event };
  const f = event.frame;
  const record: Record<string, unknown> = { type: 'frame', frame: f.index, time: f.time };
  if (f.pts !== undefined) record.pts = f.pts;
  record.width = f.width;
  record.height = f.height;
  if (f.dropped) record.dropped = f.dropped;
  if (f.wallclock !== undefined) record.wallclock = f.wallclock;
  record.instances = event.instances.map((i) => {
    const r: Record<string, unknown> = { classId: i.classId, label: i.label, score: i.score, box: i.box };
    if (i.rle !== undefined) r.rle = i.rle;
    if (i.trackId !== undefined) r.trackId = i.trackId;
    return r;
  });
  return record;
}

/** One line (with its newline) of the JSONL export. */
export function jsonLine(event: VideoEvent): string {
  return `${JSON.stringify(eventRecord(event))}\n`;
}
