/**
 * What a source string names and how ffmpeg opens it: a file; an `rtsp://` camera (pulled over
 * TCP, or with `listen`, waited for as ffmpeg's RTSP listener while a camera or encoder publishes
 * to it); a V4L2 device (`/dev/videoN`); any other URL ffmpeg reads (http, udp, srt, rtmp, …).
 * Everything but a file is live: frames that arrive while the pipeline is busy are dropped, and a
 * lost connection is retried.
 */
import * as fs from 'fs';
import { ArgumentError } from '@mrcnn/model';
import { VideoSourceError } from '../errors';

export type SourceKind = 'file' | 'rtsp' | 'rtsp-listen' | 'device' | 'url';

export interface SourceSpecOptions {
  /** rtsp:// only: wait for a publisher (ffmpeg `-rtsp_flags listen`) instead of connecting to a camera. */
  listen?: boolean;
  /** Files: read at the native frame rate (ffmpeg `-re`), as a camera delivers; makes the file live. */
  realtime?: boolean;
  /** Override the live handling (default: everything but a file, or a file read in real time). */
  live?: boolean;
  /** Thin to this many frames per second (ffmpeg's fps filter), default: every frame. */
  fps?: number;
}

export interface SourceSpec {
  input: string;
  kind: SourceKind;
  /** Drop stale frames (and, unless a file, reconnect). */
  live: boolean;
  /** Reconnect with backoff when the source stops (network and devices). */
  reconnect: boolean;
  /** ffmpeg's arguments before `-i`. */
  inputArgs: string[];
  fps?: number;
}

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** Classifies `input` and builds ffmpeg's input options; a missing file throws VideoSourceError. */
export function sourceSpec(input: string, options: SourceSpecOptions = {}): SourceSpec {
  if (typeof input !== 'string' || input === '') throw new ArgumentError('source', 'expected a file, rtsp:// URL or /dev/videoN');
  const fps = options.fps;
  if (fps !== undefined && !(typeof fps === 'number' && Number.isFinite(fps) && fps > 0 && fps <= 1000)) {
    throw new ArgumentError('options.fps', `expected a number in (0, 1000], got ${JSON.stringify(fps)}`);
  }
  const scheme = URL_SCHEME.exec(input)?.[1].toLowerCase();
  if (options.listen && scheme !== 'rtsp') throw new ArgumentError('options.listen', `listening needs an rtsp:// URL to listen on, got ${input}`);
  let kind: SourceKind;
  let inputArgs: string[];
  if (scheme === 'rtsp' && options.listen) {
    kind = 'rtsp-listen';
    inputArgs = ['-rtsp_flags', 'listen'];
  } else if (scheme === 'rtsp' || scheme === 'rtsps') {
    kind = 'rtsp';
    // TCP interleaved (no lost UDP packets); a socket silent for 10 s fails the read.
    inputArgs = ['-rtsp_transport', 'tcp', '-timeout', '10000000'];
  } else if (scheme !== undefined) {
    kind = 'url';
    inputArgs = [];
  } else if (/^\/dev\/video\d+$/.test(input)) {
    kind = 'device';
    inputArgs = ['-f', 'v4l2'];
  } else {
    kind = 'file';
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch {
      throw new VideoSourceError(input, 'no such file (expected a video file, an rtsp:// URL or /dev/videoN)');
    }
    if (!stat.isFile()) throw new VideoSourceError(input, 'not a file');
    inputArgs = options.realtime ? ['-re'] : [];
  }
  const live = options.live ?? (kind !== 'file' || options.realtime === true);
  return { input, kind, live, reconnect: kind !== 'file', inputArgs, fps };
}

/** ffmpeg's command line decoding `spec` to rgb24 frames on stdout with a showinfo line per frame on stderr. */
export function decoderArgs(spec: SourceSpec): string[] {
  const filters = [...(spec.fps !== undefined ? [`fps=${spec.fps}`] : []), 'showinfo'];
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info',
    ...spec.inputArgs, '-i', spec.input,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', filters.join(','),
    // one output frame per filtered frame (no duplication or dropping by the muxer's frame rate)
    '-fps_mode', 'passthrough',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
}
