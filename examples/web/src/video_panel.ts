/**
 * The demo page's video panel: runs the model on a webcam (getUserMedia) or a video file played
 * in a <video>, frame after frame as the browser presents them (requestVideoFrameCallback, through
 * @mrcnn/video's `videoElementFrames`; frames presented while the model is busy are skipped and
 * counted), tracks the instances (`detectVideo` with the IoU tracker) and draws each frame with
 * its masks and `#id label score` tags coloured by track, with the frames per second.
 *
 * Frames are captured as WebCodecs VideoFrames where the browser has them (`?capture=bitmap` for
 * ImageBitmaps); a VideoFrame reaches the model through createImageBitmap, since
 * tf.browser.fromPixels does not take one. Each frame is closed once drawn.
 * Mounted by main.ts (`mountVideoPanel`), which lends it the page's model and score threshold.
 */
import type { Model } from '@mrcnn/model';
import { detectVideo, videoElementFrames } from '@mrcnn/video';
import type { FrameResult, TrackEvent } from '@mrcnn/video';
import { colourOf, MASK_ALPHA, resizeLayers } from './overlay';
import './video_panel.css';

export interface VideoPanelHost {
  /** The page's model for the chosen backend (loaded on first use). */
  model(): Promise<Model>;
  /** The page's score threshold. */
  scoreThreshold(): number;
}

type VideoState = 'idle' | 'starting' | 'running' | 'done' | 'error';

function make<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

/** Track colour: the palette by track id (untracked instances by their position). */
function colourFor(trackId: number | undefined, k: number): readonly [number, number, number] {
  return colourOf(trackId !== undefined ? trackId - 1 : k);
}

function drawResult(r: FrameResult, image: HTMLCanvasElement, masks: HTMLCanvasElement, boxes: HTMLCanvasElement): void {
  const { width, height } = r.frame;
  if (image.width !== width || image.height !== height) resizeLayers(width, height, image, masks, boxes);
  const ictx = image.getContext('2d');
  const mctx = masks.getContext('2d');
  const bctx = boxes.getContext('2d');
  if (ictx === null || mctx === null || bctx === null) throw new Error('video panel: no 2d context');
  ictx.drawImage(r.frame.image as CanvasImageSource, 0, 0, width, height);
  const img = mctx.createImageData(width, height);
  for (let k = r.instances.length - 1; k >= 0; k--) {
    const { mask, trackId } = r.instances[k];
    if (mask.width !== width || mask.height !== height) continue;
    const [cr, cg, cb] = colourFor(trackId, k);
    for (let i = 0; i < mask.data.length; i++) {
      if (mask.data[i] === 0) continue;
      img.data[i * 4] = cr;
      img.data[i * 4 + 1] = cg;
      img.data[i * 4 + 2] = cb;
      img.data[i * 4 + 3] = MASK_ALPHA;
    }
  }
  mctx.putImageData(img, 0, 0);
  bctx.clearRect(0, 0, width, height);
  const font = Math.max(10, Math.round(Math.min(width, height) / 30));
  bctx.font = `${font}px system-ui, sans-serif`;
  bctx.textBaseline = 'top';
  bctx.lineWidth = Math.max(1, Math.round(Math.min(width, height) / 250));
  r.instances.forEach((inst, k) => {
    const [cr, cg, cb] = colourFor(inst.trackId, k);
    const [x1, y1, x2, y2] = inst.box;
    bctx.strokeStyle = `rgb(${cr},${cg},${cb})`;
    bctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
    const text = `${inst.trackId !== undefined ? `#${inst.trackId} ` : ''}${inst.label} ${inst.score.toFixed(2)}`;
    const ty = y1 - font - 4 >= 0 ? y1 - font - 4 : y1;
    bctx.fillStyle = `rgb(${cr},${cg},${cb})`;
    bctx.fillRect(x1, ty, bctx.measureText(text).width + 6, font + 4);
    bctx.fillStyle = '#fff';
    bctx.fillText(text, x1 + 3, ty + 2);
  });
}

/** Adds the video panel after the page's <main> and wires it to `host`. */
export function mountVideoPanel(host: VideoPanelHost): void {
  const status = make('div', { id: 'video-status', role: 'status', textContent: 'Webcam or video file: pick one.' });
  status.dataset.state = 'idle';
  const webcam = make('button', { id: 'video-webcam', type: 'button', textContent: 'Webcam' });
  const fileInput = make('input', { id: 'video-input', type: 'file', accept: 'video/*', hidden: true });
  const fileButton = make('label', { className: 'button' }, 'Video file… ', fileInput);
  const stopButton = make('button', { id: 'video-stop', type: 'button', textContent: 'Stop', disabled: true });
  const video = make('video', { id: 'video-element', muted: true, playsInline: true });
  const imageLayer = make('canvas', { id: 'video-image' });
  const maskLayer = make('canvas', { id: 'video-mask' });
  const boxLayer = make('canvas', { id: 'video-box' });
  const tracks = make('ol', { id: 'video-tracks' });
  const panel = make('section', { className: 'video-panel' },
    make('h2', { textContent: 'Video: webcam or file, with tracking' }),
    make('div', { className: 'video-controls' }, webcam, fileButton, stopButton),
    status,
    make('div', { className: 'video-stage' }, imageLayer, maskLayer, boxLayer),
    video,
    make('h2', { textContent: 'Tracks' }),
    tracks);
  (document.querySelector('main') ?? document.body.lastElementChild ?? document.body).after(panel);

  const params = new URLSearchParams(location.search);
  const capture = params.get('capture') === 'bitmap' || typeof (globalThis as Record<string, unknown>).VideoFrame !== 'function' ? 'bitmap' : 'videoframe';
  let running: { stop: AbortController; stream?: MediaStream; done: Promise<void> } | undefined;

  const setStatus = (state: VideoState, text: string): void => {
    status.dataset.state = state;
    status.textContent = text;
  };

  const showTracks = (live: Map<number, TrackEvent>): void => {
    tracks.replaceChildren(...[...live.values()].sort((a, b) => a.trackId - b.trackId).map((t) => {
      const [r, g, b] = colourFor(t.trackId, 0);
      const sw = make('span', { className: 'swatch' });
      sw.style.background = `rgb(${r},${g},${b})`;
      const li = make('li', {}, sw, `#${t.trackId} ${t.label}: frames ${t.firstFrame}–${t.lastFrame}, best ${t.best.score.toFixed(2)}${t.event === 'end' ? ' (ended)' : ''}`);
      li.dataset.track = String(t.trackId);
      return li;
    }));
  };

  async function run(label: string, prepare: () => Promise<MediaStream | undefined>): Promise<void> {
    await stop();
    const ctl = new AbortController();
    const session: { stop: AbortController; stream?: MediaStream; done: Promise<void> } = { stop: ctl, done: Promise.resolve() };
    running = session;
    stopButton.disabled = false;
    session.done = (async () => {
      setStatus('starting', `${label}: loading the model…`);
      const model = await host.model();
      session.stream = await prepare();
      await video.play();
      const known = new Map<number, TrackEvent>();
      const times: number[] = [];
      let frames = 0;
      let dropped = 0;
      setStatus('running', `${label}: waiting for frames (${capture}) on ${model.backend}…`);
      const events = detectVideo(model, videoElementFrames(video, { capture, signal: ctl.signal }), {
        scoreThreshold: host.scoreThreshold(), track: true, readAhead: 0,
      });
      for await (const e of events) {
        if (e.type === 'track') {
          known.set(e.trackId, e);
          continue;
        }
        if (e.type !== 'frame') continue;
        try {
          drawResult(e, imageLayer, maskLayer, boxLayer);
        } finally {
          (e.frame.image as ImageBitmap | VideoFrame).close();
        }
        frames++;
        dropped += e.frame.dropped ?? 0;
        const now = performance.now();
        times.push(now);
        if (times.length > 10) times.shift();
        const fps = times.length > 1 ? ((times.length - 1) * 1000) / (now - times[0]) : 0;
        for (const i of e.instances) {
          const t = i.trackId === undefined ? undefined : known.get(i.trackId);
          if (t !== undefined) known.set(t.trackId, { ...t, lastFrame: e.frame.index, lastTime: e.frame.time });
        }
        showTracks(known);
        panel.dataset.frames = String(frames);
        setStatus('running', `${label}: frame ${e.frame.index}, ${e.instances.length} instance(s), ${fps.toFixed(1)} fps, ${frames} frames, ${dropped} dropped, ${known.size} track(s) (${capture}, ${model.backend})`);
      }
      showTracks(known);
      setStatus('done', `${label}: ${frames} frames, ${dropped} dropped, ${known.size} track(s)`);
    })().catch((e: unknown) => {
      console.error(e);
      setStatus('error', e instanceof Error ? e.message : String(e));
    }).finally(() => {
      session.stream?.getTracks().forEach((t) => t.stop());
      if (running === session) {
        running = undefined;
        stopButton.disabled = true;
      }
    });
    await session.done;
  }

  async function stop(): Promise<void> {
    const r = running;
    if (r === undefined) return;
    r.stop.abort();
    video.pause();
    await r.done;
  }

  webcam.addEventListener('click', () => {
    void run('webcam', async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
      video.srcObject = stream;
      return stream;
    });
  });
  fileInput.addEventListener('change', () => {
    const f = fileInput.files?.[0];
    if (f === undefined) return;
    void run(f.name, async () => {
      video.srcObject = null;
      video.src = URL.createObjectURL(f);
      return undefined;
    });
  });
  stopButton.addEventListener('click', () => { void stop(); });
}
