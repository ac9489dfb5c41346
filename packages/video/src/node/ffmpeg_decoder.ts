/**
 * One ffmpeg process decoding a source to rgb24 frames: frames are cut from its stdout by the size
 * its showinfo line gives (FfmpegLog), pulled one at a time so the pipe's backpressure holds
 * ffmpeg back when the consumer is slower (a file loses nothing). `stop()` kills it; `exit()`
 * tells how it ended.
 *
 * Ownership: each frame's pixels are a new Buffer that belongs to the receiver.
 */
import { ChildProcess, spawn } from 'child_process';
import type { Readable } from 'stream';
import { VideoSourceError } from '../errors';
import { FFMPEG_INSTALL_HINT } from './ffmpeg_binary';
import { FfmpegLog, ShowinfoRecord } from './ffmpeg_log';

export interface RawFrame extends ShowinfoRecord {
  data: Buffer;
}

export interface DecoderExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout ended inside a frame (bytes received of the frame's size). */
  partial?: { frame: number; bytes: number; expected: number };
}

/**
 * Reads exact byte counts from a stream through its async iterator: a chunk is pulled only when
 * the next frame needs it, so the stream (and the pipe behind it) holds ffmpeg back while the
 * consumer is busy. One copy per frame into a new Buffer.
 */
class ExactReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(stream: Readable) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** `n` bytes; fewer at the end of the stream; undefined when nothing is left. */
  async read(n: number): Promise<Buffer | undefined> {
    const out = Buffer.allocUnsafeSlow(n); // its own ArrayBuffer (never the shared pool): transferable to another thread
    let filled = 0;
    while (filled < n) {
      if (this.pending.length === 0) {
        if (this.done) break;
        let r: IteratorResult<Buffer>;
        try {
          r = await this.chunks.next();
        } catch {
          r = { value: undefined, done: true }; // destroyed by stop()
        }
        if (r.done) {
          this.done = true;
          break;
        }
        this.pending = r.value;
      }
      const take = Math.min(n - filled, this.pending.length);
      this.pending.copy(out, filled, 0, take);
      filled += take;
      this.pending = this.pending.subarray(take);
    }
    if (filled === 0) return undefined;
    return filled < n ? out.subarray(0, filled) : out;
  }
}

export class FfmpegDecoder {
  readonly log = new FfmpegLog();
  private readonly child: ChildProcess;
  private readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private spawnError: Error | undefined;
  private partial: DecoderExit['partial'];

  constructor(private readonly source: string, args: string[], binary: string) {
    this.child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.closed = new Promise((resolve) => {
      this.child.once('error', (e) => {
        this.spawnError = e;
        this.log.end();
        resolve({ code: null, signal: null });
      });
      this.child.once('close', (code, signal) => resolve({ code, signal }));
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (s: string) => this.log.feed(s));
    this.child.stderr?.once('end', () => this.log.end());
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The frames in order (n = 0, 1, …) until stdout ends. Throws VideoSourceError when ffmpeg cannot be run. */
  async *frames(): AsyncGenerator<RawFrame, void, undefined> {
    const stdout = this.child.stdout;
    if (stdout === null) return;
    const reader = new ExactReader(stdout);
    for (;;) {
      const meta = await this.log.nextRecord();
      if (this.spawnError !== undefined) throw this.notRunnable(this.spawnError);
      if (meta === undefined) return;
      const expected = meta.width * meta.height * 3;
      const data = await reader.read(expected);
      if (data === undefined) return; // logged, never written (the process ended first)
      if (data.length < expected) {
        this.partial = { frame: meta.n, bytes: data.length, expected };
        return;
      }
      yield { ...meta, data };
    }
  }

  private notRunnable(e: Error): VideoSourceError {
    return new VideoSourceError(this.source, `cannot run ffmpeg: ${e.message}; ${FFMPEG_INSTALL_HINT}`, { cause: e });
  }

  /** Kills the process (idempotent). */
  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    this.child.stdout?.destroy();
  }

  /** How the process ended (waits for it). */
  async exit(): Promise<DecoderExit> {
    const { code, signal } = await this.closed;
    if (this.spawnError !== undefined) throw this.notRunnable(this.spawnError);
    return { code, signal, partial: this.partial };
  }
}
