/**
 * The system ffmpeg this package drives through child_process (no npm wrapper: those download a
 * binary, which does not work offline). `MRCNN_FFMPEG` names another binary; default `ffmpeg` on
 * the PATH (Debian: `apt-get install ffmpeg`).
 */
import { spawnSync } from 'child_process';

export const FFMPEG_INSTALL_HINT = 'install ffmpeg (Debian: apt-get install ffmpeg) or set MRCNN_FFMPEG to its path';

/** The ffmpeg binary to run: `explicit`, else $MRCNN_FFMPEG, else 'ffmpeg'. */
export function ffmpegBinary(explicit?: string): string {
  return explicit ?? process.env.MRCNN_FFMPEG ?? 'ffmpeg';
}

const encoderCache = new Map<string, Set<string>>();

/** The names of the video encoders `ffmpeg -encoders` lists (empty when ffmpeg cannot run). */
export function ffmpegEncoders(binary = ffmpegBinary()): Set<string> {
  let names = encoderCache.get(binary);
  if (names === undefined) {
    const r = spawnSync(binary, ['-hide_banner', '-encoders'], { encoding: 'utf8', timeout: 20000 });
    names = new Set((r.stdout ?? '').split('\n').flatMap((line) => {
      const m = /^\s*V[A-Z.]{5}\s+(\S+)/.exec(line);
      return m ? [m[1]] : [];
    }));
    encoderCache.set(binary, names);
  }
  return names;
}
