/**
 * What flows through a video pipeline: frames from a source (with the source's own events between
 * them), and out of `detectVideo` one event per frame, per track change and per source change, as
 * plain objects (the JSONL export writes each as one line).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Instance, PixelArray } from '@mrcnn/model';

/**
 * A frame's picture: 8-bit RGB/RGBA pixels (ffmpeg's rgb24 frames; `ImageData`), or in a browser
 * an `ImageBitmap`, `HTMLVideoElement`, `HTMLCanvasElement` or WebCodecs `VideoFrame`, or an RGB
 * tensor [H, W, 3] (borrowed).
 */
export type FrameImage = PixelArray | ImageBitmap | HTMLVideoElement | HTMLCanvasElement | VideoFrame | tf.Tensor3D;

/** One decoded frame. Its `image` belongs to whoever holds the frame last (close a VideoFrame/ImageBitmap when done). */
export interface Frame {
  type: 'frame';
  /** 0-based position in the source's frame sequence (after `fps` thinning); gaps = frames dropped by a live source. */
  index: number;
  /**
   * Presentation time in seconds from the start of the source: increasing for files; for live sources
   * non-decreasing (a stream may repeat a timestamp) and continued across reconnects.
   */
  time: number;
  /** Presentation timestamp in the stream's time base, when the source has one. */
  pts?: number;
  width: number;
  height: number;
  image: FrameImage;
  /** Frames a live source dropped just before this one (stale while the pipeline was busy). */
  dropped?: number;
  /** Milliseconds since the epoch when the frame arrived (live sources). */
  wallclock?: number;
}

/** A live source stopped delivering (connection closed, process exited, no frame for too long); a reconnect follows. */
export interface SourceLostEvent {
  type: 'source_lost';
  source: string;
  /** Index and time of the last frame delivered before the loss (-1 / NaN: none yet). */
  afterFrame: number;
  time: number;
  wallclock: number;
  reason: string;
  /** The reconnect attempt that follows (1, 2, …) and its delay (backoff). */
  attempt: number;
  retryInMs: number;
}

/** A lost live source delivers frames again. */
export interface SourceRestoredEvent {
  type: 'source_restored';
  source: string;
  /** Reconnect attempts it took. */
  attempts: number;
  wallclock: number;
  /** Milliseconds between the loss and the first frame after it. */
  downMs: number;
}

export type SourceEvent = SourceLostEvent | SourceRestoredEvent;

/** What a frame source yields. */
export type SourceItem = Frame | SourceEvent;

/** An instance found in a frame; with tracking, the id of its (confirmed) track. */
export interface FrameInstance extends Instance {
  trackId?: number;
}

/** The instances of one frame (frames come out in source order). */
export interface FrameResult {
  type: 'frame';
  frame: Frame;
  instances: FrameInstance[];
}

/** A box at a moment of a track. */
export interface TrackSnapshot {
  frame: number;
  time: number;
  score: number;
  box: [number, number, number, number];
}

/**
 * A track's life as NVRs report it: `new` when it is confirmed (min hits), `update` when its best
 * snapshot improves, `end` when it is lost for longer than max age or the stream ends.
 */
export interface TrackEvent {
  type: 'track';
  event: 'new' | 'update' | 'end';
  trackId: number;
  classId: number;
  label: string;
  /** The frame (index, time) this event belongs to. */
  frame: number;
  time: number;
  /** First and last frame the track was matched in. */
  firstFrame: number;
  firstTime: number;
  lastFrame: number;
  lastTime: number;
  /** Frames the track was matched in. */
  hits: number;
  /** The best-scored detection of the track so far (the snapshot an NVR keeps). */
  best: TrackSnapshot;
}

/** The last event of a stream. */
export interface EndEvent {
  type: 'end';
  /** Frames detected, frames dropped by a live source, reconnects, confirmed tracks. */
  frames: number;
  dropped: number;
  reconnects: number;
  tracks: number;
}

export type VideoEvent = FrameResult | TrackEvent | SourceEvent | EndEvent;
