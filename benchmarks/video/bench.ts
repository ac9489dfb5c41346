/**
 * `node benchmarks/video/run.mjs [options]`: frames per second of `mrcnn video` on a file, end to
 * end (ffmpeg decode + the network + overlay render and libx264 encode), and the pipeline's
 * speed-up over the same three steps run one after the other (decode every frame, then detect
 * every frame, then encode every overlay frame). Both modes run on one loaded model, interleaved
 * round by round with the order alternating, so a shared machine's load falls on both alike;
 * compare the ratio, not absolute times across runs.
 *
 * The model: the full-size 0049 network with the oracle's seeded weights (the converter's
 * model.json of .cache/oracle/k1/model_0049.onnx, made once under .cache/bench; the K=8 fixtures
 * when the cache is missing, said in the report) on wasm with `--threads` (default 2), or
 * `--model default` (the embedded small model) or `--model <dir|model.json>`. The clip: a pan over
 * test/fixtures/images/astronaut.png made by ffmpeg (480x320 by default: the network's input
 * size, so the resize is the identity).
 *
 * Options: --frames N (default 8), --rounds R (default 2), --threads T (default 2), --backend
 * (default wasm), --model, --size WxH (default 480x320), --score S (default 0.5), --out DIR
 * (default benchmarks/results), --name STEM (default video-<date>-<host>).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mrcnn/engine';
import { load, Model } from '@mrcnn/model';
import type { PixelArray } from '@mrcnn/model';
import { renderOverlay } from '@mrcnn/model/internal';
import { detectVideo } from '@mrcnn/video';
import type { Frame, SourceItem } from '@mrcnn/video';
import { openVideoSource, OverlayEncoder, runVideo } from '@mrcnn/video/node';
import { REPO_ROOT, resolveInputs, RESULTS_DIR } from '../src/inputs';
import { ensureTfjsModel } from '../src/subjects/tfjs_model';

interface Args {
  frames: number; rounds: number; threads: number; backend: string; model: string | undefined; width: number; height: number;
  score: number; outDir: string; name: string;
}

function parse(argv: readonly string[]): Args {
  const host = os.hostname().replace(/[^\w-]/g, '');
  const a: Args = {
    frames: 8, rounds: 2, threads: 2, backend: 'wasm', model: undefined, width: 480, height: 320, score: 0.5,
    outDir: RESULTS_DIR, name: `video-${new Date().toISOString().slice(0, 10)}-${host}`,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const v = (): string => {
      const s = argv[++i];
      if (s === undefined) throw new Error(`${flag} needs a value`);
      return s;
    };
    const int = (): number => {
      const n = Number(v());
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer`);
      return n;
    };
    if (flag === '--frames') a.frames = int();
    else if (flag === '--rounds') a.rounds = int();
    else if (flag === '--threads') a.threads = int();
    else if (flag === '--backend') a.backend = v();
    else if (flag === '--model') a.model = v();
    else if (flag === '--score') a.score = Number(v());
    else if (flag === '--out') a.outDir = v();
    else if (flag === '--name') a.name = v();
    else if (flag === '--size') {
      const m = /^(\d+)x(\d+)$/.exec(v());
      if (m === null) throw new Error('--size needs WxH');
      [a.width, a.height] = [Number(m[1]), Number(m[2])];
    } else throw new Error(`unknown option ${flag} (see the comment at the top of benchmarks/video/bench.ts)`);
  }
  return a;
}

/** A pan over astronaut.png: a width x height window moving 4 px per frame, H.264 at high quality. */
function makeClip(file: string, a: Args): void {
  const image = path.join(REPO_ROOT, 'test', 'fixtures', 'images', 'astronaut.png');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-framerate', '10', '-i', image,
    '-vf', `scale=${a.width + 4 * a.frames}:-2,crop=${a.width}:${a.height}:'4*n':0`, '-frames:v', String(a.frames),
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '16', '-pix_fmt', 'yuv420p', file]);
}

async function resolveModel(a: Args, log: (s: string) => void): Promise<{ source: string; what: string }> {
  // (defaultModelPath() looks next to the model's own module, which a bundle moves)
  if (a.model === 'default') return { source: path.join(REPO_ROOT, 'packages', 'model', 'default-model', 'model.json'), what: 'embedded default model (width/8, synthetic shapes)' };
  if (a.model !== undefined) return { source: a.model, what: a.model };
  const inputs = resolveInputs({});
  const json = await ensureTfjsModel(inputs, log);
  if (json === undefined) throw new Error(`no ONNX export in ${inputs.oracleDir}: run 'npm run oracle' first, or pass --model`);
  const k = inputs.widthDiv === 1 ? 'full-size 0049' : `0049 at width/${inputs.widthDiv} (no .cache/oracle/k1: the K=8 fixtures)`;
  return { source: json, what: `${k}, oracle seeded weights (${path.relative(REPO_ROOT, json)})` };
}

interface Sequential { decode: number; infer: number; encode: number; total: number }

/** Decode every frame, then detect every frame, then render and encode every overlay frame. */
async function sequential(model: Model, clip: string, out: string, a: Args): Promise<Sequential> {
  let t = performance.now();
  const frames: Frame[] = [];
  for await (const item of openVideoSource(clip)) if (item.type === 'frame') frames.push(item);
  const decode = (performance.now() - t) / 1000;
  t = performance.now();
  async function* fromMemory(): AsyncGenerator<SourceItem> {
    yield* frames;
  }
  const results = [];
  for await (const e of detectVideo(model, fromMemory(), { scoreThreshold: a.score, readAhead: 0 })) if (e.type === 'frame') results.push(e);
  const infer = (performance.now() - t) / 1000;
  t = performance.now();
  const enc = new OverlayEncoder(out, { width: frames[0].width, height: frames[0].height, fps: 10 });
  for (const r of results) {
    const px = r.frame.image as PixelArray;
    await enc.write(renderOverlay({ width: r.frame.width, height: r.frame.height, data: px.data as Uint8Array }, r.instances));
  }
  await enc.close();
  const encode = (performance.now() - t) / 1000;
  return { decode, infer, encode, total: decode + infer + encode };
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  const log = (s: string): void => { process.stderr.write(`${s}\n`); };
  const scratch = path.join(REPO_ROOT, '.cache', 'bench', 'video');
  fs.mkdirSync(scratch, { recursive: true });
  const clip = path.join(scratch, `pan-${a.width}x${a.height}-${a.frames}.mp4`);
  makeClip(clip, a);
  const { source, what } = await resolveModel(a, log);
  const enabled = await initBackend(a.backend, a.backend === 'wasm' ? { threads: a.threads } : {});
  let t = performance.now();
  const model = await load(source, { backend: a.backend });
  const loadSeconds = (performance.now() - t) / 1000;
  // Warm-up (first-run costs: weight packing, kernel compilation) on the clip's first frame, untimed.
  for await (const e of detectVideo(model, (async function* first() {
    for await (const item of openVideoSource(clip)) if (item.type === 'frame') { yield item; break; }
  })(), { scoreThreshold: a.score })) void e;
  const memBefore = tf.memory().numTensors;
  log(`model: ${what}; ${enabled.backend}, ${enabled.threads} thread(s); clip ${a.frames} frames ${a.width}x${a.height}; load ${loadSeconds.toFixed(1)} s`);
  const rows: Array<{ round: number; mode: string; seconds: number; detail?: Sequential }> = [];
  const load0 = os.loadavg()[0];
  for (let r = 0; r < a.rounds; r++) {
    const order = r % 2 === 0 ? ['pipelined', 'sequential'] : ['sequential', 'pipelined'];
    for (const mode of order) {
      t = performance.now();
      if (mode === 'pipelined') {
        const s = await runVideo(model, clip, { overlay: path.join(scratch, 'pipelined.mp4'), scoreThreshold: a.score });
        if (s.frames !== a.frames) throw new Error(`pipelined run detected ${s.frames} frames, expected ${a.frames}`);
        rows.push({ round: r, mode, seconds: (performance.now() - t) / 1000 });
      } else {
        const s = await sequential(model, clip, path.join(scratch, 'sequential.mp4'), a);
        rows.push({ round: r, mode, seconds: s.total, detail: s });
      }
      const last = rows[rows.length - 1];
      log(`round ${r + 1} ${mode}: ${last.seconds.toFixed(2)} s (${(a.frames / last.seconds).toFixed(3)} fps)${last.detail ? ` = decode ${last.detail.decode.toFixed(2)} + network ${last.detail.infer.toFixed(2)} + encode ${last.detail.encode.toFixed(2)}` : ''}`);
    }
  }
  if (tf.memory().numTensors !== memBefore) throw new Error(`tensors leaked: ${memBefore} → ${tf.memory().numTensors}`);
  const pipe = rows.filter((x) => x.mode === 'pipelined').map((x) => x.seconds);
  const seq = rows.filter((x) => x.mode === 'sequential');
  const ratios = pipe.map((p, k) => seq[k].seconds / p);
  const result = {
    model: what, backend: enabled.backend, threads: enabled.threads, simd: enabled.simd, frames: a.frames, size: `${a.width}x${a.height}`,
    cpus: os.cpus().length, loadAverage: [load0, os.loadavg()[0]], loadSeconds,
    pipelined: { medianSeconds: median(pipe), fps: a.frames / median(pipe) },
    sequential: {
      medianSeconds: median(seq.map((x) => x.seconds)), fps: a.frames / median(seq.map((x) => x.seconds)),
      decode: median(seq.map((x) => x.detail!.decode)), network: median(seq.map((x) => x.detail!.infer)), encode: median(seq.map((x) => x.detail!.encode)),
    },
    speedup: { median: median(ratios), perRound: ratios },
    rounds: rows,
  };
  const md = `# mrcnn video: end-to-end frames per second on a file

${result.model}; ${result.backend} (${result.threads} thread(s), SIMD ${result.simd}); clip: ${a.frames} frames ${result.size} (pan over astronaut.png, H.264);
${result.cpus} CPUs, load average ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}; ${a.rounds} interleaved round(s).

| mode | median s | frames/s | |
|---|---|---|---|
| pipelined (\`runVideo\`: decode ‖ network ‖ overlay encode) | ${result.pipelined.medianSeconds.toFixed(2)} | ${result.pipelined.fps.toFixed(3)} | |
| sequential (decode all → network all → encode all) | ${result.sequential.medianSeconds.toFixed(2)} | ${result.sequential.fps.toFixed(3)} | decode ${result.sequential.decode.toFixed(2)} s, network ${result.sequential.network.toFixed(2)} s, encode ${result.sequential.encode.toFixed(2)} s |

Speed-up of the pipeline: **${result.speedup.median.toFixed(3)}x** (per round: ${ratios.map((x) => x.toFixed(3)).join(', ')}).
`;
  fs.mkdirSync(a.outDir, { recursive: true });
  fs.writeFileSync(path.join(a.outDir, `${a.name}.json`), `${JSON.stringify(result, null, 1)}\n`);
  fs.writeFileSync(path.join(a.outDir, `${a.name}.md`), md);
  process.stdout.write(md);
  model.dispose();
}

main().catch((e: unknown) => {
  process.stderr.write(`video bench: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
