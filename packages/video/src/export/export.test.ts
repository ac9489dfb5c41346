/** The JSONL record and the MOTChallenge rows of hand-made events. */
import type { FrameResult } from '../types';
import { eventRecord, jsonLine } from './jsonl';
import { motRows } from './mot';

const mask = { width: 4, height: 3, data: new Uint8Array(12).fill(1) };
const result: FrameResult = {
  type: 'frame',
  frame: { type: 'frame', index: 41, time: 4.1, pts: 41984, width: 4, height: 3, image: { width: 4, height: 3, data: new Uint8Array(36) }, dropped: 2, wallclock: 1700000000000 },
  instances: [
    { classId: 1, label: 'person', score: 0.91234567, box: [10.25, 20.5, 110.75, 220], mask, rle: { size: [3, 4], counts: '0<' }, trackId: 7 },
    { classId: 3, label: 'car', score: 0.4, box: [1, 2, 3, 4], mask },
  ],
};

describe('JSONL record', () => {
  it('keeps the frame position and the instances (RLE, track id), drops pixels and masks', () => {
    expect(eventRecord(result)).toEqual({
      type: 'frame', frame: 41, time: 4.1, pts: 41984, width: 4, height: 3, dropped: 2, wallclock: 1700000000000,
      instances: [
        { classId: 1, label: 'person', score: 0.91234567, box: [10.25, 20.5, 110.75, 220], rle: { size: [3, 4], counts: '0<' }, trackId: 7 },
        { classId: 3, label: 'car', score: 0.4, box: [1, 2, 3, 4] },
      ],
    });
    const line = jsonLine(result);
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.split('\n')).toHaveLength(2);
    const end = { type: 'end' as const, frames: 3, dropped: 0, reconnects: 0, tracks: 1 };
    expect(jsonLine(end)).toBe('{"type":"end","frames":3,"dropped":0,"reconnects":0,"tracks":1}\n');
  });
});

describe('MOT rows', () => {
  it('one row per tracked instance: 1-based frame, id, x, y, w, h, conf, -1, -1, -1', () => {
    expect(motRows(result)).toEqual(['42,7,10.25,20.5,100.5,199.5,0.9123,-1,-1,-1']);
    expect(motRows(result, { plusOne: true })).toEqual(['42,7,10.25,20.5,101.5,200.5,0.9123,-1,-1,-1']);
    expect(motRows({ ...result, instances: [] })).toEqual([]);
  });
});
