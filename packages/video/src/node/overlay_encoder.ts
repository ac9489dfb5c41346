/**
 * The overlay video: rgb24 frames written to an ffmpeg process (`-f rawvideo` on stdin, the
 * reverse of the decoder's pipe) that encodes them with libx264 into an MP4 (yuv420p, faststart).
 * Where Debian's ffmpeg lacks libx264 the encoder falls back to `mpeg4` (said in `codec`).
 * `write` resolves once the frame is in the pipe's buffer (awaiting 'drain' when ffmpeg is
 * behind), so a caller that awaits the previous write before the next keeps at most one frame in
 * flight while encoding overlaps its other work. `close` ends stdin and waits for ffmpeg to finish
 * the file (a stopped or failed run still gets a playable file of the frames written).
 * Frames of another size than the first are scaled to it (nearest neighbour).
 *
 * Ownership: `write` copies nothing and keeps no reference after its promise resolves.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { PixelArray } from '@mrcnn/model';
import { VideoOutputError } from '../errors';
import { FFMPEG_INSTALL_HINT, ffmpegBinary, ffmpegEncoders } from './ffmpeg_binary';

export interface OverlayEncoderOptions {
  width: number;
  height: number;
  /** Frames per second of the file (default 25). */
  fps?: number;
  /** x264 preset (default 'veryfast'). */
  preset?: string;
  ffmpeg?: string;
}

const KEEP_STDERR = 4096;

/** Nearest-neighbour resample of RGB pixels to width x height. */
function resampleRgb(p: PixelArray, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  const ch = p.data.length / (p.width * p.height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(p.height - 1, Math.floor(((y + 0.5) * p.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(p.width - 1, Math.floor(((x + 0.5) * p.width) / width));
      const s = (sy * p.width + sx) * ch;
      const d = (y * width + x) * 3;
      out[d] = p.data[s];
      out[d + 1] = p.data[s + 1];
      out[d + 2] = p.data[s + 2];
    }
  }
  return out;
}

export class OverlayEncoder {
  /** The encoder used: 'libx264', or 'mpeg4' where ffmpeg has no libx264. */
  readonly codec: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Frames written. */
  frames = 0;
  private readonly child: ChildProcess;
  private readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stderr = '';
  private failure: Error | undefined;

  constructor(readonly file: string, options: OverlayEncoderOptions) {
    const { width, height } = options;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2) {
      throw new VideoOutputError(file, `frame size must be at least 2x2, got ${width}x${height}`);
    }
    this.width = width;
    this.height = height;
    this.fps = options.fps !== undefined && options.fps > 0 && options.fps <= 1000 ? options.fps : 25;
    const binary = ffmpegBinary(options.ffmpeg);
    this.codec = ffmpegEncoders(binary).has('libx264') ? 'libx264' : 'mpeg4';
    try {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    } catch (e) {
      throw new VideoOutputError(file, `cannot create its directory: ${(e as Error).message}`, { cause: e });
    }
    // yuv420p needs even sizes: pad one row/column when odd.
    const codecArgs = this.codec === 'libx264'
      ? ['-c:v', 'libx264', '-preset', options.preset ?? 'veryfast', '-crf', '23']
      : ['-c:v', 'mpeg4', '-q:v', '4'];
    const args = [
      '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(this.fps), '-i', 'pipe:0',
      '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', ...codecArgs, '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-an', file,
    ];
    this.child = spawn(binary, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    this.done = new Promise((resolve) => {
      this.child.once('error', (e) => {
        this.failure = e;
        resolve({ code: null, signal: null });
      });
      this.child.once('close', (code, signal) => resolve({ code, signal }));
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (s: string) => { this.stderr = (this.stderr + s).slice(-KEEP_STDERR); });
    // A write after ffmpeg died surfaces in write()/close(); do not crash the process on EPIPE.
    this.child.stdin?.on('error', (e) => { this.failure ??= e; });
  }

  private error(what: string): VideoOutputError {
    const detail = this.stderr.trim().split('\n').slice(-3).join(' | ');
    const cause = this.failure;
    const hint = cause !== undefined && (cause as NodeJS.ErrnoException).code === 'ENOENT' ? `; ${FFMPEG_INSTALL_HINT}` : '';
    return new VideoOutputError(this.file, `${what}${cause ? `: ${cause.message}` : ''}${detail ? ` (ffmpeg: ${detail})` : ''}${hint}`, { cause });
  }

  /** Queues one frame (any size: scaled to the encoder's); resolves when ffmpeg can take more. */
  async write(frame: PixelArray): Promise<void> {
    const stdin = this.child.stdin;
    if (this.failure !== undefined || stdin === null || stdin.destroyed) throw this.error(`cannot write frame ${this.frames}`);
    let data: Uint8Array = frame.data instanceof Uint8Array ? frame.data : new Uint8Array(frame.data.buffer, frame.data.byteOffset, frame.data.length);
    if (frame.width !== this.width || frame.height !== this.height || data.length !== this.width * this.height * 3) {
      data = resampleRgb(frame, this.width, this.height);
    }
    this.frames++;
    if (!stdin.write(data)) {
      await new Promise<void>((resolve) => {
        const go = (): void => {
          stdin.off('drain', go);
          stdin.off('close', go);
          resolve();
        };
        stdin.on('drain', go);
        stdin.on('close', go);
      });
    }
    if (this.failure !== undefined) throw this.error(`cannot write frame ${this.frames - 1}`);
  }

  /** Ends the input and waits for the file to be finished; VideoOutputError when ffmpeg failed. */
  async close(): Promise<void> {
    this.child.stdin?.end();
    const { code, signal } = await this.done;
    if (this.failure !== undefined && (this.failure as NodeJS.ErrnoException).code === 'ENOENT') throw this.error('cannot run ffmpeg');
    if (code !== 0) throw this.error(`ffmpeg ended with ${signal ?? `code ${code}`} after ${this.frames} frame(s)`);
  }

  /** Kills the encoder without finishing the file (idempotent). */
  abort(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
