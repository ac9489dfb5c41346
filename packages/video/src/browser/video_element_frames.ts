/**
 * Frames of a playing `<video>` element (a file, or a webcam's MediaStream from getUserMedia), as
 * a live source for `detectVideo`: each pull waits for the next frame the browser presents
 * (`requestVideoFrameCallback`; `requestAnimationFrame` where that is missing) and captures it as
 * an `ImageBitmap` or a WebCodecs `VideoFrame`. Frames presented while the consumer was busy are
 * skipped and counted in the next frame's `dropped` (a live source keeps up with the present).
 * Browser only; DOM classes are looked up when called, so the module loads anywhere.
 *
 * Ownership: each frame's image belongs to the consumer: close it (`image.close()`) when drawn.
 */
import { ArgumentError } from '@mrcnn/model';
import type { Frame } from '../types';

export interface VideoElementFramesOptions {
  /** 'bitmap' (default): `createImageBitmap(video)`; 'videoframe': `new VideoFrame(video)` (WebCodecs). */
  capture?: 'bitmap' | 'videoframe';
  /** Stops the stream (the generator returns) when aborted. */
  signal?: AbortSignal;
  /** Stop after this many frames (default: until the video ends or the signal aborts). */
  maxFrames?: number;
}

interface PresentedFrame {
  mediaTime: number;
  presentedFrames: number;
}

type RvfcVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: (now: number, meta: PresentedFrame) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/** The next presented frame's metadata, or undefined when the video ended or the signal aborted. */
function nextPresented(video: RvfcVideo, signal: AbortSignal | undefined, fallbackCount: number): Promise<PresentedFrame | undefined> {
  return new Promise((resolve) => {
    if (signal?.aborted || video.ended) { resolve(undefined); return; }
    let handle = 0;
    const stop = (): void => {
      if (video.cancelVideoFrameCallback && handle) video.cancelVideoFrameCallback(handle);
      else if (handle) cancelAnimationFrame(handle);
      cleanup();
      resolve(undefined);
    };
    const cleanup = (): void => {
      signal?.removeEventListener('abort', stop);
      video.removeEventListener('ended', stop);
    };
    signal?.addEventListener('abort', stop, { once: true });
    video.addEventListener('ended', stop, { once: true });
    if (typeof video.requestVideoFrameCallback === 'function') {
      handle = video.requestVideoFrameCallback((_now, meta) => { cleanup(); resolve(meta); });
    } else {
      let lastTime = video.currentTime;
      const poll = (): void => {
        if (video.currentTime !== lastTime || (!video.paused && video.readyState >= 2 && fallbackCount === 0)) {
          cleanup();
          resolve({ mediaTime: video.currentTime, presentedFrames: fallbackCount + 1 });
          return;
        }
        lastTime = video.currentTime;
        handle = requestAnimationFrame(poll);
      };
      handle = requestAnimationFrame(poll);
    }
  });
}

/** The frames of `video` as it plays; see the module comment. */
export async function* videoElementFrames(video: HTMLVideoElement, options: VideoElementFramesOptions = {}): AsyncGenerator<Frame, void, undefined> {
  const capture = options.capture ?? 'bitmap';
  if (capture !== 'bitmap' && capture !== 'videoframe') throw new ArgumentError('options.capture', `expected 'bitmap' or 'videoframe', got ${JSON.stringify(capture)}`);
  const VideoFrameCtor = (globalThis as Record<string, unknown>).VideoFrame as (new (source: CanvasImageSource, init?: VideoFrameInit) => VideoFrame) | undefined;
  if (capture === 'videoframe' && typeof VideoFrameCtor !== 'function') {
    throw new ArgumentError('options.capture', "'videoframe' needs WebCodecs (VideoFrame), which this browser lacks");
  }
  const max = options.maxFrames ?? Infinity;
  let lastPresented = 0;
  let delivered = 0;
  while (delivered < max) {
    const meta = await nextPresented(video as RvfcVideo, options.signal, delivered);
    if (meta === undefined) return;
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (width === 0 || height === 0) continue;
    const image = capture === 'videoframe' && VideoFrameCtor
      ? new VideoFrameCtor(video, { timestamp: Math.round(meta.mediaTime * 1e6) })
      : await createImageBitmap(video);
    const dropped = delivered === 0 ? 0 : Math.max(0, meta.presentedFrames - lastPresented - 1);
    lastPresented = meta.presentedFrames;
    yield { type: 'frame', index: meta.presentedFrames - 1, time: meta.mediaTime, width, height, image, dropped, wallclock: Date.now() };
    delivered++;
  }
}
