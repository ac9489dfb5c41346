/**
 * Test clips made by the system ffmpeg from its test sources and the repository's images (no
 * downloaded media): testsrc2, moving drawbox squares on a flat background, a pan over the
 * default model's demo image, and damaged copies (truncated, overwritten bytes).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const FFMPEG = process.env.MRCNN_FFMPEG ?? 'ffmpeg';

function run(args: string[]): void {
  execFileSync(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** testsrc2 at `size` (WxH), `rate` fps, `seconds` long, H.264 in MP4 (moov first) or another container by extension. */
export function testsrcClip(file: string, size: string, rate: number, seconds: number): string {
  const mp4 = file.endsWith('.mp4') ? ['-movflags', '+faststart'] : [];
  run(['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`, '-c:v', 'libx264', '-preset', 'ultrafast',
    '-pix_fmt', 'yuv420p', '-g', String(rate), ...mp4, file]);
  return file;
}

/**
 * The default model's demo image (480x320, shapes) panned: a 320x240 window sliding right by
 * `speed` px per frame (the shapes move left in the frame), lossless-ish H.264.
 */
export function demoPanClip(file: string, demoPng: string, frames: number, speed = 4, rate = 10): string {
  run(['-loop', '1', '-framerate', String(rate), '-i', demoPng, '-vf', `crop=320:240:'min(${speed}*n,160)':40`, '-frames:v', String(frames),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv444p', file]);
  return file;
}

/** `file` cut to `fraction` of its bytes. */
export function truncatedCopy(file: string, out: string, fraction: number): string {
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(out, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return out;
}

/** `file` with `count` bytes from `fraction` of its length on overwritten by a fixed pattern. */
export function corruptedCopy(file: string, out: string, fraction: number, count: number): string {
  const bytes = Buffer.from(fs.readFileSync(file));
  const at = Math.floor(bytes.length * fraction);
  for (let i = 0; i < count && at + i < bytes.length; i++) bytes[at + i] = (i * 151 + 17) & 0xff;
  fs.writeFileSync(out, bytes);
  return out;
}

export interface ProbedStream {
  codec: string;
  width: number;
  height: number;
  frames: number;
  pts: number[];
}

/** ffprobe of the first video stream: codec, size, frame count (decoded) and the frames' pts (seconds). */
export function probe(file: string): ProbedStream {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries',
    'stream=codec_name,width,height,nb_read_frames', '-show_entries', 'frame=pts_time', '-of', 'json', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffprobe ${file}: ${r.stderr}`);
  const j = JSON.parse(r.stdout) as { streams: Array<Record<string, string | number>>; frames: Array<{ pts_time: string }> };
  const s = j.streams[0];
  return {
    codec: String(s.codec_name), width: Number(s.width), height: Number(s.height), frames: Number(s.nb_read_frames),
    pts: j.frames.map((f) => Number(f.pts_time)),
  };
}

/** Raw rgb24 bytes of every frame of `file` as ffmpeg decodes it (a reference independent of the package's reader). */
export function rgbFrames(file: string, width: number, height: number, extraArgs: string[] = []): Buffer[] {
  const out = execFileSync(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', file, ...extraArgs, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { maxBuffer: 1 << 30 });
  const size = width * height * 3;
  return Array.from({ length: out.length / size }, (_, k) => out.subarray(k * size, (k + 1) * size));
}

export function tempDir(root: string, name: string): string {
  const dir = path.join(root, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
