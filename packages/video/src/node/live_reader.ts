/**
 * A live source's frames (camera, stream, device, a file read in real time), read as fast as ffmpeg
 * delivers them into a queue that keeps the newest `queue` frames (default 1): when the consumer
 * is busy the oldest are dropped and counted in the next frame's `dropped`. It runs in a worker
 * thread (live_worker.ts), so a main thread busy with the network never holds ffmpeg back: stale
 * frames are dropped here instead of piling up in ffmpeg and the camera's connection.
 *
 * When a network source or device stops (ffmpeg exits, with any code, or no frame arrives for
 * `stallTimeoutMs`), a `source_lost` event is queued and ffmpeg restarted after a backoff
 * (initialDelayMs, doubling up to maxDelayMs), `maxAttempts` times in a row at most (then
 * VideoSourceError); the first frame after it comes with `source_restored`. Frame indices and
 * times continue across reconnects. A file read in real time ends at its end.
 */
import { VideoSourceError } from '../errors';
import { BoundedQueue } from '../pipeline/bounded_queue';
import type { Frame, SourceItem } from '../types';
import { FfmpegDecoder } from './ffmpeg_decoder';
import { makeFrame } from './file_reader';
import type { FrameReader, VideoSourceOptions } from './source_options';
import { decoderArgs, SourceSpec } from './source_spec';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) { resolve(); return; }
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export class LiveReader implements FrameReader {
  private readonly queue: BoundedQueue<SourceItem>;
  private readonly stop = new AbortController();
  private readonly pump: Promise<void>;
  private decoder: FfmpegDecoder | undefined;
  private pendingDropped = 0;
  frameRate: number | undefined;

  constructor(private readonly spec: SourceSpec, private readonly options: VideoSourceOptions, private readonly binary: string) {
    this.queue = new BoundedQueue<SourceItem>({
      capacity: options.queue ?? 1, mode: 'drop-oldest', droppable: (item) => item.type === 'frame',
      onDrop: () => { this.pendingDropped++; },
    });
    this.pump = this.run().then(() => this.queue.close(), (e: unknown) => this.queue.close(e));
  }

  get ffmpegPid(): number | undefined {
    return this.decoder?.pid;
  }

  async next(): Promise<IteratorResult<SourceItem, undefined>> {
    const r = await this.queue.shift();
    if (!r.done && r.value.type === 'frame') {
      r.value.dropped = this.pendingDropped;
      this.pendingDropped = 0;
    }
    return r;
  }

  async close(): Promise<void> {
    this.stop.abort();
    this.decoder?.stop();
    this.queue.cancel();
    await this.pump;
  }

  private async run(): Promise<void> {
    const input = this.spec.input;
    const maxAttempts = this.options.reconnect?.maxAttempts ?? Infinity;
    const initial = this.options.reconnect?.initialDelayMs ?? 500;
    const maxDelay = this.options.reconnect?.maxDelayMs ?? 10000;
    const stallMs = this.options.stallTimeoutMs ?? 10000;
    const signal = this.stop.signal;
    let attempt = 0;
    let lostAt: number | undefined;
    let nextIndex = 0;
    let last: Frame | undefined;
    let lastWall = 0;
    for (;;) {
      const d = new FfmpegDecoder(input, decoderArgs(this.spec), this.binary);
      this.decoder = d;
      if (signal.aborted) d.stop();
      let stalled = false;
      let watchdog: NodeJS.Timeout | undefined;
      let session: { start: number; offset: number } | undefined;
      try {
        for await (const raw of d.frames()) {
          clearTimeout(watchdog);
          watchdog = setTimeout(() => { stalled = true; d.stop(); }, stallMs);
          const wall = Date.now();
          this.frameRate ??= d.log.frameRate;
          const t = Number.isFinite(raw.time) ? raw.time : raw.n / (d.log.frameRate ?? 25);
          // Times continue across reconnects: a new session starts where the wall clock says.
          session ??= { start: t, offset: last === undefined ? 0 : last.time + Math.max(0, wall - lastWall) / 1000 };
          if (lostAt !== undefined) {
            await this.queue.push({ type: 'source_restored', source: input, attempts: attempt, wallclock: wall, downMs: wall - lostAt });
            attempt = 0;
            lostAt = undefined;
          }
          last = makeFrame(nextIndex + raw.n, session.offset + (t - session.start), raw.pts, raw.width, raw.height, raw.data, true);
          lastWall = wall;
          await this.queue.push(last);
          if (signal.aborted) break;
        }
      } finally {
        clearTimeout(watchdog);
        if (signal.aborted) d.stop();
      }
      const exit = await d.exit();
      if (signal.aborted || !this.spec.reconnect) return;
      if (last !== undefined) nextIndex = last.index + 1;
      const how = stalled ? `no frame for ${stallMs} ms` : `ffmpeg exited with ${exit.signal ?? `code ${exit.code}`}`;
      const reason = d.log.errors.length > 0 ? `${how}: ${d.log.errors[d.log.errors.length - 1]}` : how;
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
      await sleep(delay, signal);
      if (signal.aborted) return;
    }
  }
}
