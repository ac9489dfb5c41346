/**
 * Child-process entry of one in-process subject: `node worker.js '<WorkerRequest JSON>'`.
 * Progress goes to stderr as `PROGRESS <json>` lines, the result to stdout as `RESULT <json>`.
 */
import { ImageInput, readImageInput } from './inputs';
import { BrowserRunner } from './subjects/browser';
import { measureSubject, SubjectRunner } from './measure';
import { isRoiAlignRequest, RoiAlignRequest, runRoiAlignStep } from './roi_align_step';
import { OrtRunner } from './subjects/ort';
import { TfjsRunner } from './subjects/tfjs';
import { BenchInputs, SubjectResult, SubjectSpec, WorkerRequest } from './types';

function runnerFor(spec: SubjectSpec, inputs: BenchInputs, images: readonly ImageInput[]): SubjectRunner {
  switch (spec.kind) {
    case 'browser': return new BrowserRunner(spec, inputs, images);
    case 'tfjs': return new TfjsRunner(spec, inputs);
    case 'ort-node':
    case 'ort-web': return new OrtRunner(spec, inputs);
    default: throw new Error(`subject kind ${spec.kind} does not run in a Node worker`);
  }
}

export async function runWorker(req: WorkerRequest): Promise<SubjectResult> {
  const images = req.inputs.images.map((stem) => readImageInput(req.inputs, stem));
  try {
    return await measureSubject(req.spec, runnerFor(req.spec, req.inputs, images), images, progressLine);
  } catch (e) {
    return { spec: req.spec, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

function progressLine(what: string, done: number, total: number): void {
  process.stderr.write(`PROGRESS ${JSON.stringify({ what, done, total })}\n`);
}

if (require.main === module) {
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
