/**
 * MOTChallenge results rows (the "MOT16/17/20" text format that TrackEval and py-motmetrics read):
 * `<frame>,<id>,<bb_left>,<bb_top>,<bb_width>,<bb_height>,<conf>,-1,-1,-1`, frame numbers 1-based,
 * one row per tracked instance (instances without a confirmed track are not written).
 */
import type { FrameResult } from '../types';

export interface MotOptions {
  /** Boxes use the legacy +1 convention (width = x2 − x1 + 1), as 0049's detection output (config `detection.boxPlusOne`). */
  plusOne?: boolean;
}

function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** The MOT rows (without newlines) of one frame's tracked instances. */
export function motRows(result: FrameResult, options: MotOptions = {}): string[] {
  const one = options.plusOne ? 1 : 0;
  return result.instances.flatMap((i) => {
    if (i.trackId === undefined) return [];
    const [x1, y1, x2, y2] = i.box;
    return [`${result.frame.index + 1},${i.trackId},${num(x1)},${num(y1)},${num(x2 - x1 + one)},${num(y2 - y1 + one)},${Number(i.score.toFixed(4))},-1,-1,-1`];
  });
}
