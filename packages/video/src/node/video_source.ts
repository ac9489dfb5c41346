/**
 * `openVideoSource(input, options)`: the frames of a file, camera or stream, decoded by the system
 * ffmpeg, as an async iterable of frames and source events for `detectVideo`.
 *
 * - Files (file_reader.ts): every frame in order, held back by backpressure (nothing dropped
 *   unless `fps` thins them); a corrupt or truncated file ends with CorruptVideoError naming it
 *   and the last good frame, after every frame before the damage.
 * - Live sources (live_reader.ts, in a worker thread): rtsp (pulled, or `listen`ed for), V4L2
 *   devices, other URLs, files read in real time. Frames the pipeline is too busy for are dropped
 *   (counted in the next frame's `dropped`); a lost network source or device yields
 *   `source_lost`, is reconnected with backoff and yields `source_restored`.
 *
 * Ownership: the source owns its ffmpeg process (and worker); they end when the iteration ends,
 * the consumer stops early, `close()` is called or `signal` aborts.
 */
import { ArgumentError } from '@mrcnn/model';
import type { SourceItem } from '../types';
import { ffmpegBinary } from './ffmpeg_binary';
import { FileReader } from './file_reader';
import { LiveClient } from './live_client';
import { checkSourceOptions, FrameReader, VideoSourceOptions, VideoSourceStats } from './source_options';
import { SourceSpec, sourceSpec } from './source_spec';

export type { ReconnectOptions, VideoSourceOptions, VideoSourceStats } from './source_options';

export class VideoSource implements AsyncIterable<SourceItem> {
  readonly spec: SourceSpec;
  private readonly options: VideoSourceOptions;
  private reader: FrameReader | undefined;
  private closed = false;
  private readonly counts: VideoSourceStats = { frames: 0, dropped: 0, reconnects: 0 };

  constructor(input: string, options: VideoSourceOptions = {}) {
    this.spec = sourceSpec(input, options);
    checkSourceOptions(options);
    this.options = options;
    options.signal?.addEventListener('abort', () => { void this.close(); }, { once: true });
  }

  /** Nominal frame rate of the frames (after `fps`), once ffmpeg reported it. */
  get frameRate(): number | undefined {
    return this.reader?.frameRate;
  }

  /** The running ffmpeg's process id (undefined before the first frame is asked for, and between runs). */
  get ffmpegPid(): number | undefined {
    return this.reader?.ffmpegPid;
  }

  /** Frames delivered, dropped and reconnects so far. */
  stats(): VideoSourceStats {
    return { ...this.counts };
  }

  /** Stops: kills ffmpeg, ends the iteration (idempotent). */
  async close(): Promise<void> {
    this.closed = true;
    await this.reader?.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<SourceItem, undefined> {
    if (this.reader !== undefined || this.closed) throw new ArgumentError('source', 'a VideoSource can be iterated once');
    const binary = ffmpegBinary(this.options.ffmpeg);
    const reader: FrameReader = this.spec.live ? new LiveClient(this.spec, this.options, binary) : new FileReader(this.spec, this.options, binary);
    this.reader = reader;
    if (this.options.signal?.aborted) void this.close();
    return {
      next: async () => {
        const r = await reader.next();
        if (!r.done) {
          if (r.value.type === 'frame') {
            this.counts.frames++;
            this.counts.dropped += r.value.dropped ?? 0;
          } else if (r.value.type === 'source_restored') {
            this.counts.reconnects++;
          }
        }
        return r;
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }
}

/** The frames and events of a video file, camera or stream (see the module comment). */
export function openVideoSource(input: string, options: VideoSourceOptions = {}): VideoSource {
  return new VideoSource(input, options);
}
