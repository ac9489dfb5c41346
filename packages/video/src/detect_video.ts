/**
 * `detectVideo(model, frames, options)`: frames in, events out, as async iterables, in Node and in
 * browsers. For each frame of the source: its instances (`FrameResult`, with track ids when
 * tracking), then that frame's track events; the source's own events (`source_lost`,
 * `source_restored`) pass through in order; after the last frame the remaining tracks end and an
 * `end` event closes the stream. If the source fails (a corrupt file), the track ends and the
 * `end` event are still yielded, then the error is thrown: consumers keep everything up to the
 * last good frame.
 *
 * Frames are read `readAhead` items ahead (the decoder works while the network runs). 8-bit pixel
 * frames go through one reused network input (FrameInputSlot: no tensor allocated per frame on
 * cpu and wasm); DOM images go through `model.detect`; a WebCodecs `VideoFrame` through
 * `createImageBitmap` (tf.browser.fromPixels does not take one).
 *
 * Ownership: the model is borrowed; frame images are borrowed and handed on in `FrameResult.frame`
 * (whoever consumes the results closes ImageBitmaps and VideoFrames). No tensor outlives a frame
 * except the reused input, released when the iteration ends (also when the consumer stops early).
 */
import { ArgumentError } from '@mrcnn/model';
import type { DetectOptions, DetectStage, Instance, Model, PixelArray, ResizePolicy } from '@mrcnn/model';
import { FrameInputSlot } from './input_slot';
import { readAhead } from './pipeline/bounded_queue';
import { IouTracker, TrackerOptions } from './tracking/tracker';
import type { EndEvent, Frame, FrameInstance, SourceItem, TrackEvent, VideoEvent } from './types';

export interface DetectVideoOptions {
  /** Minimum score of a returned instance (default 0.5). */
  scoreThreshold?: number;
  /** At most this many instances per frame (default: the model's). */
  maxDetections?: number;
  /** Mask probability threshold (default 0.5). */
  maskThreshold?: number;
  /** Resize policy (default: the model's). */
  policy?: ResizePolicy;
  /** Also give each mask as COCO RLE (default false; the JSONL export writes it when present). */
  rle?: boolean;
  /** Track instances across frames: true for the default tracker options, or the options. */
  track?: boolean | TrackerOptions;
  /** Items read ahead of the frame being detected (default 2; 0 reads on demand). */
  readAhead?: number;
  /** Per frame, each stage's milliseconds (as `detect`'s onStage). */
  onStage?: (stage: DetectStage, ms: number) => void;
}

function isPixelArray(x: unknown): x is PixelArray {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Partial<PixelArray>;
  return typeof r.width === 'number' && typeof r.height === 'number' && (r.data instanceof Uint8Array || r.data instanceof Uint8ClampedArray);
}

function isVideoFrame(x: unknown): x is VideoFrame {
  const ctor = (globalThis as Record<string, unknown>).VideoFrame;
  return typeof ctor === 'function' && x instanceof ctor;
}

function checkOptions(o: DetectVideoOptions): void {
  if (o.readAhead !== undefined && !(Number.isInteger(o.readAhead) && o.readAhead >= 0 && o.readAhead <= 64)) {
    throw new ArgumentError('options.readAhead', `expected an integer in [0, 64], got ${JSON.stringify(o.readAhead)}`);
  }
  if (o.track !== undefined && typeof o.track !== 'boolean' && (typeof o.track !== 'object' || o.track === null)) {
    throw new ArgumentError('options.track', `expected a boolean or tracker options, got ${JSON.stringify(o.track)}`);
  }
}

/** One frame's instances: pixels through the reused input, other images through `detect`. */
async function detectFrame(model: Model, slot: FrameInputSlot, frame: Frame, options: DetectOptions): Promise<Instance[]> {
  const image = frame.image;
  if (isPixelArray(image)) return model.detectPrepared(slot.fill(image), options);
  if (isVideoFrame(image)) {
    const bitmap = await createImageBitmap(image);
    try {
      return await model.detect(bitmap, options);
    } finally {
      bitmap.close();
    }
  }
  return model.detect(image, options);
}

/** Instances of every frame of `source`, with track events and the source's events; see the module comment. */
export async function* detectVideo(model: Model, source: AsyncIterable<SourceItem>, options: DetectVideoOptions = {}): AsyncGenerator<VideoEvent, void, undefined> {
  checkOptions(options);
  const tracker = options.track ? new IouTracker(options.track === true ? {} : options.track) : undefined;
  const policy = options.policy ?? model.config.input.resizePolicy;
  const detectOptions: DetectOptions = {
    scoreThreshold: options.scoreThreshold, maxDetections: options.maxDetections, maskThreshold: options.maskThreshold,
    policy, rle: options.rle, onStage: options.onStage,
  };
  const slot = new FrameInputSlot(model.config.input, policy);
  const depth = options.readAhead ?? 2;
  const items = depth > 0 ? readAhead(source, depth) : source;
  let frames = 0;
  let dropped = 0;
  let reconnects = 0;
  const closing = (): [TrackEvent[], EndEvent] => {
    const ends = tracker?.finish() ?? [];
    return [ends, { type: 'end', frames, dropped, reconnects, tracks: tracker?.confirmedCount ?? 0 }];
  };
  try {
    try {
      for await (const item of items) {
        if (item.type !== 'frame') {
          if (item.type === 'source_restored') reconnects++;
          yield item;
          continue;
        }
        const instances = await detectFrame(model, slot, item, detectOptions);
        frames++;
        dropped += item.dropped ?? 0;
        let out: FrameInstance[] = instances;
        let events: TrackEvent[] = [];
        if (tracker !== undefined) {
          const u = tracker.update({ index: item.index, time: item.time }, instances);
          out = instances.map((inst, k) => (u.trackIds[k] === undefined ? inst : { ...inst, trackId: u.trackIds[k] }));
          events = u.events;
        }
        yield { type: 'frame', frame: item, instances: out };
        yield* events;
      }
    } catch (e) {
      // The source failed: close the tracks and the stream for the consumer, then report the failure.
      const [ends, end] = closing();
      yield* ends;
      yield end;
      throw e;
    }
    const [ends, end] = closing();
    yield* ends;
    yield end;
  } finally {
    slot.dispose();
  }
}
