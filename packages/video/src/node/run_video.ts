/**
 * `runVideo(model, source, options)`: the whole Node pipeline behind `mrcnn video`. Frames from
 * ffmpeg (openVideoSource) → `detectVideo` (network, tracker) → outputs: a JSONL line per event
 * (flushed per frame), MOTChallenge rows, and the overlay (masks, boxes, labels with track ids)
 * encoded to H.264 by a second ffmpeg. Decoding (ffmpeg), the network (this thread) and encoding
 * (ffmpeg) overlap: the source reads ahead into a bounded queue and the next frame's detection
 * starts while the previous overlay frame is still going into the encoder (one in flight).
 * A live source's overlay keeps real time: frames it dropped are filled by repeating the last
 * overlay frame (at most 10 s per gap). When the source fails (CorruptVideoError) or `signal`
 * aborts, every output is finished with what was written (a playable overlay, complete lines)
 * before the error is rethrown.
 *
 * Ownership: the model is borrowed; the outputs' files are this run's, closed before it returns.
 */
import type { Model, PixelArray } from '@mrcnn/model';
import { renderOverlay } from '@mrcnn/model/internal';
import { detectVideo } from '../detect_video';
import { eventRecord } from '../export/jsonl';
import { motRows } from '../export/mot';
import type { TrackerOptions } from '../tracking/tracker';
import type { FrameResult, VideoEvent } from '../types';
import { LineFile } from './line_file';
import { OverlayEncoder } from './overlay_encoder';
import { openVideoSource, VideoSourceOptions } from './video_source';

export interface RunVideoOptions extends VideoSourceOptions {
  /** Overlay video file (MP4, H.264). */
  overlay?: string;
  /** One JSON line per frame and event (masks as COCO RLE). */
  jsonl?: string;
  /** MOTChallenge results (needs `track`). */
  mot?: string;
  track?: boolean | TrackerOptions;
  scoreThreshold?: number;
  maxDetections?: number;
  maskThreshold?: number;
  policy?: 'fit' | 'window';
  /** x264 preset of the overlay (default 'veryfast'). */
  overlayPreset?: string;
  /** Every event, as it happens (progress, source_lost, …). */
  onEvent?: (event: VideoEvent) => void;
}

export interface VideoRunSummary {
  source: string;
  live: boolean;
  frames: number;
  dropped: number;
  reconnects: number;
  tracks: number;
  /** Wall time of the run and frames per second through the whole pipeline. */
  seconds: number;
  fps: number;
  overlay?: { file: string; codec: string; frames: number; repeated: number; fps: number };
  jsonl?: { file: string; lines: number };
  mot?: { file: string; rows: number };
}

/** Longest gap in a live overlay filled with repeated frames, in seconds. */
const MAX_FILL_SECONDS = 10;

function overlayLabel(i: FrameResult['instances'][number]): string {
  return i.trackId === undefined ? i.label : `#${i.trackId} ${i.label}`;
}

export async function runVideo(model: Model, source: string, options: RunVideoOptions = {}): Promise<VideoRunSummary> {
  const started = performance.now();
  const src = openVideoSource(source, options);
  const jsonl = options.jsonl !== undefined ? new LineFile(options.jsonl) : undefined;
  let mot: LineFile | undefined;
  let encoder: OverlayEncoder | undefined;
  try {
    mot = options.mot !== undefined ? new LineFile(options.mot) : undefined;
  } catch (e) {
    jsonl?.close();
    throw e;
  }
  const plusOne = model.config.detection.boxPlusOne;
  const summary: VideoRunSummary = { source, live: src.spec.live, frames: 0, dropped: 0, reconnects: 0, tracks: 0, seconds: 0, fps: 0 };
  let inFlight: Promise<void> = Promise.resolve();
  let previous: PixelArray | undefined;
  let firstTime: number | undefined;
  let repeated = 0;
  let failure: unknown;
  try {
    const events = detectVideo(model, src, {
      scoreThreshold: options.scoreThreshold, maxDetections: options.maxDetections, maskThreshold: options.maskThreshold,
      policy: options.policy, rle: jsonl !== undefined, track: options.track,
    });
    for await (const ev of events) {
      jsonl?.write([JSON.stringify(eventRecord(ev))]);
      options.onEvent?.(ev);
      if (ev.type === 'end') Object.assign(summary, { frames: ev.frames, dropped: ev.dropped, reconnects: ev.reconnects, tracks: ev.tracks });
      if (ev.type !== 'frame') continue;
      mot?.write(motRows(ev, { plusOne }));
      if (options.overlay === undefined) continue;
      const { frame } = ev;
      const pixels = frame.image as PixelArray;
      const drawn = renderOverlay({ width: frame.width, height: frame.height, data: pixels.data as Uint8Array },
        ev.instances.map((i) => ({ ...i, label: overlayLabel(i) })));
      encoder ??= new OverlayEncoder(options.overlay, {
        width: frame.width, height: frame.height, fps: options.fps ?? src.frameRate, preset: options.overlayPreset, ffmpeg: options.ffmpeg,
      });
      await inFlight;
      if (src.spec.live && previous !== undefined) {
        firstTime ??= frame.time;
        const due = Math.round((frame.time - firstTime) * encoder.fps);
        const fill = Math.min(due - encoder.frames, Math.round(MAX_FILL_SECONDS * encoder.fps));
        for (let k = 0; k < fill; k++, repeated++) await encoder.write(previous);
      }
      firstTime ??= frame.time;
      inFlight = encoder.write(drawn);
      previous = drawn;
    }
  } catch (e) {
    failure = e;
  } finally {
    await inFlight.catch((e: unknown) => { failure ??= e; });
    await src.close();
    for (const f of [jsonl, mot]) {
      try {
        f?.close();
      } catch (e) {
        failure ??= e;
      }
    }
    if (encoder !== undefined) {
      await encoder.close().catch((e: unknown) => { failure ??= e; });
    }
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.fps = summary.frames / Math.max(summary.seconds, 1e-9);
  if (encoder !== undefined) {
    summary.overlay = { file: encoder.file, codec: encoder.codec, frames: encoder.frames, repeated, fps: encoder.fps };
  }
  if (jsonl !== undefined) summary.jsonl = { file: jsonl.file, lines: jsonl.lines };
  if (mot !== undefined) summary.mot = { file: mot.file, rows: mot.lines };
  if (failure !== undefined) throw failure;
  return summary;
}
