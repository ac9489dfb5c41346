/**
 * Typed errors of @mrcnn/video. All extend `MrcnnError` of @mrcnn/schema; each message names the
 * source (file, URL, device) or output file at fault, which is also kept as a field.
 */
import { MrcnnError } from '@mrcnn/schema';

/** A video source cannot be opened or read: no such file, not a video, ffmpeg missing or failing, a live source given up on. */
export class VideoSourceError extends MrcnnError {
  /** The file, URL or device as given. */
  readonly source: string;

  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(`${source}: ${message}`, options);
    this.source = source;
  }
}

/**
 * A file that decoded up to some frame, then turned out corrupt or truncated. Every frame up to
 * `lastGoodFrame` was delivered (and whatever was written from them stays written).
 */
export class CorruptVideoError extends VideoSourceError {
  /** Index of the last frame decoded before the damage (-1: none). */
  readonly lastGoodFrame: number;
  /** Its presentation time in seconds (NaN when there is none). */
  readonly lastGoodTime: number;
  /** What the decoder said (ffmpeg's first error line after the last good frame). */
  readonly detail: string;

  constructor(source: string, lastGoodFrame: number, lastGoodTime: number, detail: string) {
    const where = lastGoodFrame < 0 ? 'before its first frame' : `after frame ${lastGoodFrame} (t=${lastGoodTime.toFixed(3)} s), the last good frame`;
    super(source, `corrupt or truncated video ${where}: ${detail}`);
    this.lastGoodFrame = lastGoodFrame;
    this.lastGoodTime = lastGoodTime;
    this.detail = detail;
  }
}

/** An output (overlay video, JSONL, MOT CSV) cannot be written or finished. */
export class VideoOutputError extends MrcnnError {
  /** The output file. */
  readonly output: string;

  constructor(output: string, message: string, options?: { cause?: unknown }) {
    super(`${output}: ${message}`, options);
    this.output = output;
  }
}
