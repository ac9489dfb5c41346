/** Options of a video source (openVideoSource) and the readers behind it, and their validation. */
import { ArgumentError } from '@mrcnn/model';
import type { SourceItem } from '../types';
import type { SourceSpecOptions } from './source_spec';

export interface ReconnectOptions {
  /** Reconnect attempts in a row before giving up (default Infinity: a camera is waited for). */
  maxAttempts?: number;
  /** First delay (default 500 ms), doubled per failed attempt up to `maxDelayMs` (default 10 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface VideoSourceOptions extends SourceSpecOptions {
  reconnect?: ReconnectOptions;
  /** Live sources: no frame for this long (after the first) counts as lost (default 10 s). */
  stallTimeoutMs?: number;
  /** Frames waiting for the pipeline: live sources keep the newest `queue` (default 1), files read ahead (default 2). */
  queue?: number;
  /** The ffmpeg binary (default $MRCNN_FFMPEG or 'ffmpeg'). */
  ffmpeg?: string;
  signal?: AbortSignal;
}

export interface VideoSourceStats {
  /** Frames delivered, dropped (live), reconnects made. */
  frames: number;
  dropped: number;
  reconnects: number;
}

/** What VideoSource reads through: a file reader in this thread or a live reader (in a worker). */
export interface FrameReader {
  next(): Promise<IteratorResult<SourceItem, undefined>>;
  /** Stops (kills ffmpeg); pending and later `next` calls end. Idempotent. */
  close(): Promise<void>;
  /** Nominal frame rate, once ffmpeg reported it. */
  readonly frameRate: number | undefined;
  /** The running ffmpeg's process id (undefined between runs). */
  readonly ffmpegPid: number | undefined;
}

function positive(name: string, v: number | undefined, integer: boolean): void {
  if (v !== undefined && !(typeof v === 'number' && v > 0 && (integer ? Number.isInteger(v) || v === Infinity : Number.isFinite(v)))) {
    throw new ArgumentError(`options.${name}`, `expected a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`);
  }
}

/** ArgumentError naming the first bad option. */
export function checkSourceOptions(o: VideoSourceOptions): void {
  positive('stallTimeoutMs', o.stallTimeoutMs, false);
  positive('queue', o.queue, true);
  positive('reconnect.maxAttempts', o.reconnect?.maxAttempts, true);
  positive('reconnect.initialDelayMs', o.reconnect?.initialDelayMs, false);
  positive('reconnect.maxDelayMs', o.reconnect?.maxDelayMs, false);
}
