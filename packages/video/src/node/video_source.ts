/**
 * `openVideoSource(input, options)`: the frames of a file, camera or stream, decoded by the system
 * ffmpeg, as an async iterable of frames and source events for `detectVideo`.
 *
 * - Files: every frame, in order, held back by backpressure (nothing dropped unless `fps` thins
 *   them). An error ffmpeg logs after the first frame (a corrupt or truncated file), a frame cut
 *   short, or a failing exit ends the stream with CorruptVideoError naming the file and the last
 *   good frame, after every frame before the damage was delivered; a file ffmpeg cannot read at
 *   all gives VideoSourceError.
 * - Live sources (rtsp, devices, URLs, files read in real time): frames are read as they come
 *   into a queue of `queue` frames; when the pipeline is busy the oldest are dropped (counted in
 *   the next frame's `dropped`). When a network source or device stops (ffmpeg exits, with any
 *   code, or no frame arrives for `stallTimeoutMs`), a `source_lost` event is yielded and ffmpeg is
 *   restarted after a backoff (initialDelayMs, doubling up to maxDelayMs), `maxAttempts` times in a
 *   row at most (default: forever); the first frame after it comes with `source_restored`. Frame
 *   indices and times continue across reconnects.
 *
 * Ownership: the source owns its ffmpeg process; it is killed when the iteration ends, the
 * consumer stops early, `close()` is called or `signal` aborts.
 */
import { ArgumentError } from '@mrcnn/model';
import { CorruptVideoError, VideoSourceError } from '../errors';
import { BoundedQueue } from '../pipeline/bounded_queue';
import type { Frame, SourceItem } from '../types';
import { ffmpegBinary } from './ffmpeg_binary';
import { DecoderExit, FfmpegDecoder } from './ffmpeg_decoder';
import { decoderArgs, SourceSpec, sourceSpec, SourceSpecOptions } from './source_spec';

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

function positive(name: string, v: number | undefined, integer: boolean): void {
  if (v !== undefined && !(typeof v === 'number' && v > 0 && (integer ? Number.isInteger(v) || v === Infinity : Number.isFinite(v)))) {
    throw new ArgumentError(`options.${name}`, `expected a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) { resolve(); return; }
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class VideoSource implements AsyncIterable<SourceItem> {
  readonly spec: SourceSpec;
  private readonly options: VideoSourceOptions;
  private readonly binary: string;
  private readonly queue: BoundedQueue<SourceItem>;
  private readonly stop = new AbortController();
  private decoder: FfmpegDecoder | undefined;
  private started = false;
  private pump: Promise<void> | undefined;
  private pendingDropped = 0;
  private readonly counts: VideoSourceStats = { frames: 0, dropped: 0, reconnects: 0 };
  /** Nominal frame rate of the frames (after `fps`), once ffmpeg reported it. */
  frameRate: number | undefined;

  constructor(input: string, options: VideoSourceOptions = {}) {
    this.spec = sourceSpec(input, options);
    positive('stallTimeoutMs', options.stallTimeoutMs, false);
    positive('queue', options.queue, true);
    positive('reconnect.maxAttempts', options.reconnect?.maxAttempts, true);
    positive('reconnect.initialDelayMs', options.reconnect?.initialDelayMs, false);
    positive('reconnect.maxDelayMs', options.reconnect?.maxDelayMs, false);
    this.options = options;
    this.binary = ffmpegBinary(options.ffmpeg);
    this.queue = new BoundedQueue<SourceItem>({
      capacity: options.queue ?? (this.spec.live ? 1 : 2),
      mode: this.spec.live ? 'drop-oldest' : 'block',
      droppable: (item) => item.type === 'frame',
      onDrop: () => { this.pendingDropped++; this.counts.dropped++; },
    });
    options.signal?.addEventListener('abort', () => this.stop.abort(), { once: true });
    this.stop.signal.addEventListener('abort', () => {
      this.decoder?.stop();
      this.queue.cancel();
    }, { once: true });
  }

  /** Frames delivered, dropped and reconnects so far. */
  stats(): VideoSourceStats {
    return { ...this.counts };
  }

  /** Stops: kills ffmpeg, ends the iteration (idempotent). */
  async close(): Promise<void> {
    this.stop.abort();
    await this.pump;
  }

  [Symbol.asyncIterator](): AsyncIterator<SourceItem, undefined> {
    if (this.started) throw new ArgumentError('source', 'a VideoSource can be iterated once');
    this.started = true;
    this.pump = (this.spec.reconnect ? this.runLive() : this.runFile()).then(
      () => this.queue.close(),
      (e: unknown) => this.queue.close(e),
    );
    return {
      next: async () => {
        const r = await this.queue.shift();
        if (!r.done && r.value.type === 'frame') {
          r.value.dropped = this.pendingDropped;
          this.pendingDropped = 0;
          this.counts.frames++;
        }
        return r;
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  private start(): FfmpegDecoder {
    const d = new FfmpegDecoder(this.spec.input, decoderArgs(this.spec), this.binary);
    this.decoder = d;
    if (this.stop.signal.aborted) d.stop();
    return d;
  }

  /** A file (or anything not reconnected): one ffmpeg run, damage → CorruptVideoError. */
  private async runFile(): Promise<void> {
    const d = this.start();
    const input = this.spec.input;
    let last: Frame | undefined;
    let baseline: number | undefined;
    try {
      for await (const raw of d.frames()) {
        baseline ??= raw.errorsBefore; // errors before the first frame (a recording starting mid-GOP) are tolerated
        this.frameRate ??= d.log.frameRate;
        if (raw.errorsBefore > baseline && !this.spec.live) {
          d.stop();
          throw new CorruptVideoError(input, last?.index ?? -1, last?.time ?? NaN, d.log.errors[baseline] ?? d.log.summary());
        }
        last = this.frame(raw.n, Number.isFinite(raw.time) ? raw.time : raw.n / (d.log.frameRate ?? 25), raw.pts, raw.width, raw.height, raw.data);
        await this.queue.push(last);
        if (this.stop.signal.aborted) break;
      }
    } finally {
      if (this.stop.signal.aborted) d.stop();
    }
    const exit = await d.exit();
    if (this.stop.signal.aborted) return;
    this.fileOutcome(exit, d, last, baseline);
  }

  private fileOutcome(exit: DecoderExit, d: FfmpegDecoder, last: Frame | undefined, baseline: number | undefined): void {
    const input = this.spec.input;
    if (last === undefined) {
      if (exit.code !== 0) throw new VideoSourceError(input, `ffmpeg cannot decode it (exit code ${exit.code}): ${d.log.summary()}`);
      throw new VideoSourceError(input, `no video frame in it: ${d.log.summary()}`);
    }
    if (exit.partial !== undefined) {
      throw new CorruptVideoError(input, last.index, last.time, `frame ${exit.partial.frame} ended after ${exit.partial.bytes} of ${exit.partial.expected} bytes`);
    }
    if (!this.spec.live && d.log.errorCount > (baseline ?? 0)) {
      throw new CorruptVideoError(input, last.index, last.time, d.log.errors[baseline ?? 0] ?? d.log.summary());
    }
    if (exit.code !== 0) throw new CorruptVideoError(input, last.index, last.time, `ffmpeg exited with code ${exit.code}: ${d.log.summary()}`);
  }

  private frame(index: number, time: number, pts: number, width: number, height: number, data: Buffer): Frame {
    const f: Frame = { type: 'frame', index, time, width, height, image: { width, height, data } };
    if (Number.isFinite(pts)) f.pts = pts;
    if (this.spec.live) f.wallclock = Date.now();
    return f;
  }

  /** A network source or device: runs ffmpeg again after each loss, with backoff. */
  private async runLive(): Promise<void> {
    const input = this.spec.input;
    const maxAttempts = this.options.reconnect?.maxAttempts ?? Infinity;
    const initial = this.options.reconnect?.initialDelayMs ?? 500;
    const maxDelay = this.options.reconnect?.maxDelayMs ?? 10000;
    const stallMs = this.options.stallTimeoutMs ?? 10000;
    let attempt = 0;
    let lostAt: number | undefined;
    let nextIndex = 0;
    let last: Frame | undefined;
    let lastWall = 0;
    for (;;) {
      const d = this.start();
      let stalled = false;
      let watchdog: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => { stalled = true; d.stop(); }, stallMs);
      };
      let sessionStart: { time: number; offset: number } | undefined;
      let sessionFrames = 0;
      try {
        for await (const raw of d.frames()) {
          arm();
          const wall = Date.now();
          this.frameRate ??= d.log.frameRate;
          const t = Number.isFinite(raw.time) ? raw.time : raw.n / (d.log.frameRate ?? 25);
          // Times continue across reconnects: the new session starts where the wall clock says.
          sessionStart ??= { time: t, offset: last === undefined ? 0 : last.time + Math.max(0, wall - lastWall) / 1000 };
          if (sessionFrames === 0 && lostAt !== undefined) {
            await this.queue.push({ type: 'source_restored', source: input, attempts: attempt, wallclock: wall, downMs: wall - lostAt });
            this.counts.reconnects++;
            attempt = 0;
            lostAt = undefined;
          }
          sessionFrames++;
          last = this.frame(nextIndex + raw.n, sessionStart.offset + (t - sessionStart.time), raw.pts, raw.width, raw.height, raw.data);
          lastWall = wall;
          await this.queue.push(last);
          if (this.stop.signal.aborted) break;
        }
      } finally {
        clearTimeout(watchdog);
        if (this.stop.signal.aborted) d.stop();
      }
      const exit = await d.exit();
      if (this.stop.signal.aborted) return;
      if (last !== undefined) nextIndex = last.index + 1;
      const reason = stalled ? `no frame for ${stallMs} ms` : `ffmpeg exited with ${exit.signal ?? `code ${exit.code}`}: ${d.log.summary()}`;
      attempt++;
      if (attempt > maxAttempts) {
        throw new VideoSourceError(input, `lost, gave up after ${maxAttempts} reconnect attempt${maxAttempts === 1 ? '' : 's'}: ${reason}`);
      }
      const delay = Math.min(maxDelay, initial * 2 ** (attempt - 1));
      lostAt ??= Date.now();
      await this.queue.push({
        type: 'source_lost', source: input, afterFrame: last?.index ?? -1, time: last?.time ?? NaN, wallclock: Date.now(), reason,
        attempt, retryInMs: delay,
      });
      await sleep(delay, this.stop.signal);
      if (this.stop.signal.aborted) return;
    }
  }
}

/** The frames and events of a video file, camera or stream (see the module comment). */
export function openVideoSource(input: string, options: VideoSourceOptions = {}): VideoSource {
  return new VideoSource(input, options);
}
