/**
 * A file's frames from one ffmpeg run, in this thread, held back by backpressure: the reader pulls
 * a frame from ffmpeg's stdout only when the bounded queue (`queue` frames, default 2) has room,
 * so nothing is dropped. An error ffmpeg logs after the first frame (a corrupt or truncated file),
 * a frame cut short, or a failing exit ends the stream with CorruptVideoError naming the file and
 * the last good frame, after every frame before the damage; a file ffmpeg cannot read at all gives
 * VideoSourceError. Errors logged before the first frame (a recording that starts mid-GOP) are
 * tolerated.
 */
import { CorruptVideoError, VideoSourceError } from '../errors';
import { BoundedQueue } from '../pipeline/bounded_queue';
import type { Frame, SourceItem } from '../types';
import { DecoderExit, FfmpegDecoder } from './ffmpeg_decoder';
import type { FrameReader, VideoSourceOptions } from './source_options';
import { decoderArgs, SourceSpec } from './source_spec';

/** A frame from a decoded record (rgb24 pixels). */
export function makeFrame(index: number, time: number, pts: number, width: number, height: number, data: Uint8Array, live: boolean): Frame {
  const f: Frame = { type: 'frame', index, time, width, height, image: { width, height, data } };
  if (Number.isFinite(pts)) f.pts = pts;
  if (live) f.wallclock = Date.now();
  return f;
}

export class FileReader implements FrameReader {
  private readonly queue: BoundedQueue<SourceItem>;
  private readonly pump: Promise<void>;
  private decoder: FfmpegDecoder | undefined;
  private stopped = false;
  frameRate: number | undefined;

  constructor(private readonly spec: SourceSpec, options: VideoSourceOptions, private readonly binary: string) {
    this.queue = new BoundedQueue<SourceItem>({ capacity: options.queue ?? 2, mode: 'block' });
    this.pump = this.run().then(() => this.queue.close(), (e: unknown) => this.queue.close(e));
  }

  get ffmpegPid(): number | undefined {
    return this.decoder?.pid;
  }

  next(): Promise<IteratorResult<SourceItem, undefined>> {
    return this.queue.shift();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.decoder?.stop();
    this.queue.cancel();
    await this.pump;
  }

  private async run(): Promise<void> {
    const d = new FfmpegDecoder(this.spec.input, decoderArgs(this.spec), this.binary);
    this.decoder = d;
    const input = this.spec.input;
    let last: Frame | undefined;
    let baseline: number | undefined;
    try {
      for await (const raw of d.frames()) {
        baseline ??= raw.errorsBefore;
        this.frameRate ??= d.log.frameRate;
        if (raw.errorsBefore > baseline) {
          d.stop();
          throw new CorruptVideoError(input, last?.index ?? -1, last?.time ?? NaN, d.log.errors[baseline] ?? d.log.summary());
        }
        const time = Number.isFinite(raw.time) ? raw.time : raw.n / (d.log.frameRate ?? 25);
        last = makeFrame(raw.n, time, raw.pts, raw.width, raw.height, raw.data, false);
        await this.queue.push(last);
        if (this.stopped) break;
      }
    } finally {
      if (this.stopped) d.stop();
    }
    const exit = await d.exit();
    if (!this.stopped) this.outcome(exit, d, last, baseline ?? 0);
  }

  private outcome(exit: DecoderExit, d: FfmpegDecoder, last: Frame | undefined, baseline: number): void {
    const input = this.spec.input;
    if (last === undefined) {
      if (exit.code !== 0) throw new VideoSourceError(input, `ffmpeg cannot decode it (exit code ${exit.code}): ${d.log.summary()}`);
      throw new VideoSourceError(input, `no video frame in it: ${d.log.summary()}`);
    }
    if (exit.partial !== undefined) {
      throw new CorruptVideoError(input, last.index, last.time, `frame ${exit.partial.frame} ended after ${exit.partial.bytes} of ${exit.partial.expected} bytes`);
    }
    if (d.log.errorCount > baseline) throw new CorruptVideoError(input, last.index, last.time, d.log.errors[baseline] ?? d.log.summary());
    if (exit.code !== 0) throw new CorruptVideoError(input, last.index, last.time, `ffmpeg exited with code ${exit.code}: ${d.log.summary()}`);
  }
}
