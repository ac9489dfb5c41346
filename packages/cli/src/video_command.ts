/**
 * `mrcnn video <file|rtsp://…|/dev/videoN|URL>`: the model on every frame of a video file, camera
 * or stream, decoded by the system ffmpeg (`runVideo` of @mrcnn/video/node): a JSONL line per frame
 * and event, MOTChallenge rows, an H.264 overlay; with --track a track id per instance and per-track
 * new/update/end events. Live sources drop stale frames and reconnect with backoff. Ctrl-C stops
 * cleanly: every output is finished with the frames done so far.
 */
import * as os from 'os';
import { initBackend } from '@mrcnn/engine';
import { MAX_WASM_THREADS, wasmThreadsFor } from '@mrcnn/schema';
import { load } from '@mrcnn/model';
import type { BackendName } from '@mrcnn/model';
import type { TrackerOptions, VideoEvent } from '@mrcnn/video';
import { runVideo, VideoRunSummary } from '@mrcnn/video/node';
import { choiceOption, numberOption, optionalNumber, ParsedArgs } from './args';
import { Command, CommandIO, EXIT_OK, UsageError } from './command';
import { readModelFile } from './model_file';
import { resolveModelOption } from './model_option';
import { nodeBackends } from './detect_options';
import { formatUsage } from './usage';

export function videoUsage(): string {
  return formatUsage({
    name: 'video',
    synopsis: '<file|rtsp://…|/dev/videoN|URL> [options]',
    description: `Runs the model on every frame of a video file, an RTSP camera, a V4L2 device or any stream the
system ffmpeg reads (Debian: apt-get install ffmpeg; MRCNN_FFMPEG names another binary). Files
lose no frame (unless --fps thins them); live sources drop the frames that arrive while the
network is busy (counted) and reconnect with backoff when the source drops (source_lost events).
A corrupt or truncated file stops with an error naming it and the last good frame; what was
written up to there stays (complete JSONL lines, a playable overlay). Outputs: any of --jsonl,
--overlay, --mot.`,
    options: [
      ['--jsonl <out.jsonl>', 'one JSON line per frame (index, pts, time, instances: class, score,\nbox, mask as COCO RLE, track id) and per event (track new/update/end,\nsource_lost/source_restored, end), written as each frame finishes'],
      ['--overlay <out.mp4>', 'the frames with masks, boxes and labels (#track id), H.264'],
      ['--mot <out.csv>', 'MOTChallenge results rows (implies --track)'],
      ['--track', 'track instances (IoU tracker: ids, new/update/end events)'],
      ['--max-age <frames>', 'tracking: frames a track may be missed before it ends (default 5)'],
      ['--min-hits <n>', 'tracking: matches that confirm a track (default 3)'],
      ['--iou <0..1>', 'tracking: minimum IoU of a match (default 0.3)'],
      ['--fps <n>', 'thin the video to n frames per second'],
      ['--model <dir|name>', 'a model directory or model.json, or a model name (mrcnn models);\ndefault: the embedded default model'],
      [`--backend ${nodeBackends().join('|')}`, 'tfjs backend (default wasm)'],
      ['--threads <n>', 'wasm threads (default: the CPU cores, at most 8)'],
      ['--score <0..1>', "minimum score (default: the model's own; 0.3 for the embedded one)"],
      ['--max-detections <n>', 'at most n instances per frame (default 100)'],
      ['--policy fit|window', "resize policy (default: the model's)"],
      ['--listen', 'rtsp:// only: wait for a camera or encoder to publish to this URL'],
      ['--realtime', 'files: read at the native frame rate, as a camera delivers (live)'],
      ['--max-reconnects <n>', 'live: give up after n failed reconnects in a row (default: never)'],
      ['--quiet', 'no progress lines on stderr'],
    ],
    exit: { ok: 'done (also after Ctrl-C)', runtime: 'runtime error (model, source, output)' },
  });
}

/** A progress line at most once a second, and every source event. */
function progressReporter(io: CommandIO, quiet: boolean): (e: VideoEvent) => void {
  let last = 0;
  let frames = 0;
  let dropped = 0;
  const t0 = Date.now();
  return (e) => {
    if (e.type === 'source_lost') {
      io.stderr.write(`source lost after frame ${e.afterFrame}: ${e.reason}; reconnect attempt ${e.attempt} in ${e.retryInMs} ms\n`);
      return;
    }
    if (e.type === 'source_restored') {
      io.stderr.write(`source restored after ${e.attempts} attempt(s), ${(e.downMs / 1000).toFixed(1)} s down\n`);
      return;
    }
    if (e.type !== 'frame' || quiet) return;
    frames++;
    dropped += e.frame.dropped ?? 0;
    const now = Date.now();
    if (now - last < 1000) return;
    last = now;
    const fps = frames / Math.max((now - t0) / 1000, 1e-3);
    io.stderr.write(`frame ${e.frame.index} t=${e.frame.time.toFixed(2)} s: ${e.instances.length} instance(s); ${frames} frames, ${fps.toFixed(2)} fps${dropped ? `, ${dropped} dropped` : ''}\n`);
  };
}

function describe(s: VideoRunSummary): string {
  const parts = [`${s.source}: ${s.frames} frame(s) in ${s.seconds.toFixed(1)} s (${s.fps.toFixed(2)} fps)`];
  if (s.live) parts.push(`${s.dropped} dropped, ${s.reconnects} reconnect(s)`);
  if (s.tracks > 0) parts.push(`${s.tracks} track(s)`);
  if (s.jsonl) parts.push(`${s.jsonl.lines} line(s) -> ${s.jsonl.file}`);
  if (s.mot) parts.push(`${s.mot.rows} MOT row(s) -> ${s.mot.file}`);
  if (s.overlay) parts.push(`${s.overlay.frames} overlay frame(s) (${s.overlay.codec}${s.overlay.repeated ? `, ${s.overlay.repeated} repeated for dropped frames` : ''}) -> ${s.overlay.file}`);
  return `${parts.join('; ')}\n`;
}

async function runVideoCommand(args: ParsedArgs, io: CommandIO): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('video needs exactly one source: a file, rtsp:// URL, /dev/videoN or stream URL');
  const source = args.positionals[0];
  const backend = choiceOption<BackendName>(args, 'backend', nodeBackends(), 'wasm');
  // One stream, one model: all cores by default (benchmarks/README.md, "Video": 2 threads 1.75x the
  // frames per second of 1 on 2 cores, ffmpeg's decode and encode included).
  const threads = numberOption(args, 'threads', wasmThreadsFor(os.availableParallelism()), 1, MAX_WASM_THREADS, true);
  const scoreOpt = optionalNumber(args, 'score', 0, 1);
  const maxDetections = numberOption(args, 'max-detections', 100, 0, 100000, true);
  const fps = optionalNumber(args, 'fps', 0.001, 1000);
  const maxReconnects = optionalNumber(args, 'max-reconnects', 1, 1e9, true);
  const tracker: TrackerOptions = {
    maxAge: optionalNumber(args, 'max-age', 0, 1e6, true),
    minHits: optionalNumber(args, 'min-hits', 1, 1e6, true),
    iouThreshold: optionalNumber(args, 'iou', 0.01, 1),
  };
  const mot = args.values.mot;
  const track = args.flags.track === true || mot !== undefined;
  if (!track && Object.values(tracker).some((v) => v !== undefined)) throw new UsageError('--max-age, --min-hits and --iou need --track');
  const jsonl = args.values.jsonl;
  const overlay = args.values.overlay;
  if (jsonl === undefined && overlay === undefined && mot === undefined) {
    throw new UsageError('nothing to write: give --jsonl, --overlay and/or --mot');
  }
  if (args.flags.listen && !/^rtsp:\/\//i.test(source)) throw new UsageError('--listen needs an rtsp:// URL to listen on');
  if (args.values.threads !== undefined && threads > 1 && backend !== 'wasm') throw new UsageError('--threads applies to the wasm backend');
  const modelFile = readModelFile(await resolveModelOption(args.values.model, io, args.flags.quiet === true));
  const score = scoreOpt ?? modelFile.config.detection.defaultScoreThreshold;
  const policy = choiceOption(args, 'policy', ['fit', 'window'] as const, modelFile.config.input.resizePolicy);
  await initBackend(backend, backend === 'wasm' ? { threads } : {});
  const model = await load(modelFile.jsonPath, { backend });
  const stop = new AbortController();
  const onSigint = (): void => {
    io.stderr.write('stopping: finishing the outputs (Ctrl-C again to quit at once)\n');
    stop.abort();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  try {
    const summary = await runVideo(model, source, {
      jsonl, overlay, mot, track: track ? tracker : false, scoreThreshold: score, maxDetections, policy, fps,
      listen: args.flags.listen === true, realtime: args.flags.realtime === true,
      reconnect: maxReconnects === undefined ? undefined : { maxAttempts: maxReconnects },
      signal: stop.signal, onEvent: progressReporter(io, args.flags.quiet === true),
    });
    io.stdout.write(describe(summary));
    return EXIT_OK;
  } finally {
    process.removeListener('SIGINT', onSigint);
    model.dispose();
  }
}

export const videoCommand: Command = {
  name: 'video',
  synopsis: '<file|rtsp://…|/dev/videoN>',
  summary: 'detect (and track) on every frame of a video or camera: JSONL, overlay MP4, MOT CSV',
  options: {
    jsonl: { type: 'string' }, overlay: { type: 'string' }, mot: { type: 'string' }, track: { type: 'boolean' },
    'max-age': { type: 'string' }, 'min-hits': { type: 'string' }, iou: { type: 'string' }, fps: { type: 'string' },
    model: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' }, score: { type: 'string' },
    'max-detections': { type: 'string' }, policy: { type: 'string' }, listen: { type: 'boolean' }, realtime: { type: 'boolean' },
    'max-reconnects': { type: 'string' }, quiet: { type: 'boolean' },
  },
  usage: videoUsage,
  run: runVideoCommand,
};
