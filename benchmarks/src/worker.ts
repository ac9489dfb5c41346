/**
 * Child-process entry of one in-process subject: `node worker.js '<WorkerRequest JSON>'`.
 * Progress goes to stderr as `PROGRESS <json>` lines, the result to stdout as `RESULT <json>`.
 * `node worker.js --serve '<WorkerRequest JSON>'` answers commands instead (interleaved runs).
 */
import { ImageInput, readImageInput } from './inputs';
import * as readline from 'readline';
import { finishSubject, loadSubject, measureSubject, SubjectRunner } from './measure';
import { FinishReply, LoadReply, Reply, REPLY_PREFIX, RunReply, ServeCommand } from './serve_protocol';
import { isRoiAlignRequest, RoiAlignRequest, runRoiAlignStep } from './roi_align_step';
import { BenchInputs, SubjectResult, SubjectSpec, WorkerRequest } from './types';

/**
 * The subject's runner. Each kind's runtime is imported only by its own worker (playwright-core
 * alone adds ~60 MiB of resident memory to a process that never drives a browser).
 */
async function runnerFor(spec: SubjectSpec, inputs: BenchInputs, images: readonly ImageInput[]): Promise<SubjectRunner> {
  switch (spec.kind) {
    case 'browser': return new (await import('./subjects/browser')).BrowserRunner(spec, inputs, images);
    case 'tfjs': return new (await import('./subjects/tfjs')).TfjsRunner(spec, inputs);
    case 'ort-node':
    case 'ort-web': return new (await import('./subjects/ort')).OrtRunner(spec, inputs);
    default: throw new Error(`subject kind ${spec.kind} does not run in a Node worker`);
  }
}

export async function runWorker(req: WorkerRequest): Promise<SubjectResult> {
  const images = req.inputs.images.map((stem) => readImageInput(req.inputs, stem));
  try {
    return await measureSubject(req.spec, await runnerFor(req.spec, req.inputs, images), images, progressLine);
  } catch (e) {
    return { spec: req.spec, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** `--serve`: load, run and finish on command (see serve_protocol.ts); exits after finish. */
async function serve(req: WorkerRequest): Promise<void> {
  const images = req.inputs.images.map((stem) => readImageInput(req.inputs, stem));
  const runner = await runnerFor(req.spec, req.inputs, images);
  const reply = <T>(r: Reply<T>): void => { process.stdout.write(`${REPLY_PREFIX}${JSON.stringify(r)}\n`); };
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    const cmd = JSON.parse(line) as ServeCommand;
    try {
      if (cmd.op === 'load') {
        reply<LoadReply>({ ok: true, ...(await loadSubject(runner)) });
      } else if (cmd.op === 'run') {
        const input = images[cmd.image % images.length];
        const t0 = performance.now();
        const out = await runner.run(input);
        const ms = out.ms ?? performance.now() - t0;
        reply<RunReply>({ ok: true, image: input.stem, ms, stages: out.stages, counts: out.counts });
      } else {
        const rois: Array<number | null> = [];
        const { profile, memory, gpu } = await finishSubject(runner, images, req.spec.profile, (_input, r) => rois.push(r));
        reply<FinishReply>({ ok: true, memory, profile, rois, gpu });
        process.exit(0);
      }
    } catch (e) {
      reply({ ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
  process.exit(0);
}

function progressLine(what: string, done: number, total: number): void {
  process.stderr.write(`PROGRESS ${JSON.stringify({ what, done, total })}\n`);
}

if (require.main === module && process.argv[2] === '--serve') {
  serve(JSON.parse(process.argv[3] ?? '') as WorkerRequest).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  });
} else if (require.main === module) {
  const req = JSON.parse(process.argv[2] ?? '') as WorkerRequest | RoiAlignRequest;
  const work: Promise<unknown> = isRoiAlignRequest(req) ? runRoiAlignStep(req, progressLine) : runWorker(req);
  work.then((r) => {
    process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
    // onnxruntime-web's thread pool keeps the event loop alive: leave explicitly.
    process.exit(0);
  }, (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  });
}
