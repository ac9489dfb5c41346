/**
 * `mrcnn eval --annotations <instances.json> --images <dir> [--model <dir|model.json>] ...`: runs
 * detection on every image of a COCO annotation file and prints box and mask AP/AR as pycocotools'
 * COCOeval does (@mrcnn/model's evaluator). Exit codes: 0 evaluated, 1 failure (typed error
 * message), 2 usage error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { registeredBackendNames } from '@mrcnn/engine';
import type { EngineBackendName } from '@mrcnn/engine';
import { CocoFormatError, evaluateCoco, load, mapClassesToCategories } from '@mrcnn/model';
import type { CocoDataset, CocoEvalResult, CocoResult, IouType } from '@mrcnn/model';
import { toXywh, validateDataset } from '@mrcnn/model/internal';
import { choiceOption, numberOption, optionalNumber, ParsedArgs, requiredOption } from './args';
import { Command, CommandIO, EXIT_OK, UsageError } from './command';
import { INPUT_SIZE_OPTIONS, inputSizeArgs, inputSizeUsage } from './input_size';

export const EVAL_USAGE = `usage: mrcnn eval --annotations <instances.json> --images <dir> [options]

  --annotations   COCO instances file (polygon or RLE ground truth, iscrowd honoured)
  --images        directory holding the images named by file_name
  --model         model.json or its directory (default: the embedded default model)
  --backend       ${registeredBackendNames().join(' | ')} (default: wasm in Node)
  --iou-type      bbox | segm | both (default both)
  --score         minimum detection score kept for evaluation (default 0.05)
  --policy        fit | window resize policy (default: the model's; torchvision's models: fit only)
${inputSizeUsage(18)}
  --limit         evaluate only the first N images (by id)
  --results       write the detections as a COCO results JSON to this file
  --json          write the statistics as JSON to this file
  --quiet         no per-image progress on stderr
`;

export interface EvalArgs {
  annotations: string;
  images: string;
  model?: string;
  backend?: EngineBackendName;
  iouTypes: IouType[];
  score: number;
  policy?: 'fit' | 'window';
  minSize?: number;
  maxSize?: number;
  limit?: number;
  results?: string;
  json?: string;
  quiet: boolean;
}

const IOU_TYPES: Readonly<Record<'bbox' | 'segm' | 'both', IouType[]>> = { bbox: ['bbox'], segm: ['segm'], both: ['bbox', 'segm'] };

function evalArgs(args: ParsedArgs): EvalArgs {
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  return {
    annotations: requiredOption(args, 'annotations', '<instances.json>'),
    images: requiredOption(args, 'images', '<dir>'),
    model: args.values.model,
    backend: choiceOption<EngineBackendName>(args, 'backend', registeredBackendNames()),
    iouTypes: IOU_TYPES[choiceOption(args, 'iou-type', ['bbox', 'segm', 'both'] as const, 'both')],
    score: numberOption(args, 'score', 0.05, 0, 1),
    policy: choiceOption(args, 'policy', ['fit', 'window'] as const),
    ...inputSizeArgs(args),
    limit: optionalNumber(args, 'limit', 1, Number.MAX_SAFE_INTEGER, true),
    results: args.values.results,
    json: args.values.json,
    quiet: args.flags.quiet === true,
  };
}

function readDataset(file: string): CocoDataset {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CocoFormatError(file, `cannot read: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new CocoFormatError(file, `not valid JSON: ${(e as Error).message}`);
  }
  return validateDataset(data, file);
}

export interface EvalRun {
  results: CocoResult[];
  evaluations: CocoEvalResult[];
}

/** Detection over the data set, then COCO evaluation; progress on io.stderr. */
export async function runEvaluation(a: EvalArgs, io: CommandIO): Promise<EvalRun> {
  const gt = readDataset(a.annotations);
  const images = [...gt.images].sort((x, y) => x.id - y.id).slice(0, a.limit);
  const imgIds = images.map((im) => im.id);
  const model = await load(a.model, { backend: a.backend, minSize: a.minSize, maxSize: a.maxSize });
  const results: CocoResult[] = [];
  try {
    const mapping = mapClassesToCategories(model.labels, model.config.numClasses, gt.categories);
    const plusOne = model.config.detection.boxPlusOne;
    const wantMasks = a.iouTypes.includes('segm');
    const t0 = Date.now();
    for (let n = 0; n < images.length; n++) {
      const im = images[n];
      if (typeof im.file_name !== 'string') throw new CocoFormatError(`${a.annotations} image ${im.id}`, 'has no file_name');
      const file = path.join(a.images, im.file_name);
      let bytes: Uint8Array;
      try {
        bytes = fs.readFileSync(file);
      } catch (e) {
        throw new CocoFormatError(file, `cannot read image: ${(e as Error).message}`);
      }
      const instances = await model.detect(bytes, { scoreThreshold: a.score, rle: wantMasks, policy: a.policy });
      for (const inst of instances) {
        const category = mapping.map.get(inst.classId);
        if (category === undefined) continue;
        const r: CocoResult = { image_id: im.id, category_id: category, score: inst.score, bbox: toXywh(inst.box, plusOne) };
        if (inst.rle) r.segmentation = inst.rle;
        results.push(r);
      }
      if (!a.quiet) {
        const s = (Date.now() - t0) / 1000;
        const eta = (s / (n + 1)) * (images.length - n - 1);
        io.stderr.write(`eval ${n + 1}/${images.length} ${im.file_name}: ${instances.length} instances (${s.toFixed(1)} s, eta ${eta.toFixed(0)} s)\n`);
      }
    }
  } finally {
    model.dispose();
  }
  // separate box and mask result lists, as Detectron and torchvision write them (pycocotools' loadRes
  // takes the area from the box whenever a result has one)
  const boxResults = results.map(({ image_id, category_id, score, bbox }) => ({ image_id, category_id, score, bbox }));
  const maskResults = results.map(({ image_id, category_id, score, segmentation }) => ({ image_id, category_id, score, segmentation }));
  const evaluations = a.iouTypes.map((t) => evaluateCoco(gt, t === 'segm' ? maskResults : boxResults, t, { imgIds }));
  return { results, evaluations };
}

async function runEval(parsed: ParsedArgs, io: CommandIO): Promise<number> {
  const args = evalArgs(parsed);
  const { results, evaluations } = await runEvaluation(args, io);
  for (const ev of evaluations) io.stdout.write(`${ev.iouType}:\n${ev.summary.lines.join('\n')}\n`);
  if (args.results) fs.writeFileSync(args.results, JSON.stringify(results));
  if (args.json) {
    const stats = Object.fromEntries(evaluations.map((ev) => [ev.iouType, ev.summary.stats]));
    fs.writeFileSync(args.json, JSON.stringify({ annotations: args.annotations, images: evaluations[0]?.params.imgIds.length ?? 0, detections: results.length, ...stats }, null, 2));
  }
  return EXIT_OK;
}

export const evalCommand: Command = {
  name: 'eval',
  synopsis: '--annotations <json> ...',
  summary: 'COCO box and mask AP of a model on an annotated image set',
  options: {
    annotations: { type: 'string' }, images: { type: 'string' }, model: { type: 'string' }, backend: { type: 'string' },
    'iou-type': { type: 'string' }, score: { type: 'string' }, policy: { type: 'string' }, limit: { type: 'string' }, ...INPUT_SIZE_OPTIONS,
    results: { type: 'string' }, json: { type: 'string' }, quiet: { type: 'boolean' },
  },
  usage: () => EVAL_USAGE,
  run: runEval,
};
