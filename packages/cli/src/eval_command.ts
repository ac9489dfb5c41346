/**
 * `mrcnn eval --annotations <instances.json> --images <dir> [--model <dir|model.json|name>] ...`: runs
 * detection on every image of a COCO annotation file and prints box and mask AP/AR as pycocotools'
 * COCOeval does (@mrcnn/model's evaluator). Exit codes: 0 evaluated, 1 failure (typed error
 * message), 2 usage error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { registeredBackends, runsIn } from '@mrcnn/engine';
import type { EngineBackendName } from '@mrcnn/engine';
import { CocoFormatError, evaluateCoco, load } from '@mrcnn/model';
import type { CocoDataset, CocoEvalResult, CocoResult, IouType } from '@mrcnn/model';
import { toXywh, validateDataset } from '@mrcnn/model/internal';
import { resolveModelOption } from './model_option';
import { choiceOption, numberOption, optionalNumber, ParsedArgs, requiredOption } from './args';
import { categoryMapping } from './class_map';
import { Command, CommandIO, EXIT_OK, UsageError } from './command';
import { formatUsage } from './usage';
import { INPUT_SIZE_OPTION_LINES, INPUT_SIZE_OPTIONS, inputSizeArgs } from './input_size';

/** The registered backends that run in Node (eval runs in this process). */
function nodeBackends(): EngineBackendName[] {
  return registeredBackends().filter((e) => runsIn(e, 'node')).map((e) => e.name);
}

export function evalUsage(): string {
  return formatUsage({
    name: 'eval',
    synopsis: '--annotations <instances.json> --images <dir> [options]',
    description: `Runs detection on every image of a COCO annotation file and prints box and mask AP/AR as
pycocotools' COCOeval does. The model's classes are matched to the data set's categories by
name; a model whose class names are not the categories' needs --class-map.`,
    options: [
      ['--annotations <file>', 'COCO instances file (polygon or RLE ground truth, iscrowd honoured)'],
      ['--images <dir>', 'directory holding the images named by file_name'],
      ['--model <dir|name>', 'model.json, its directory, or a model name (mrcnn models; fetched into\nthe cache on first use); default: the embedded default model'],
      [`--backend ${nodeBackends().join('|')}`, 'tfjs backend (default wasm)'],
      ['--class-map <how>', 'class id -> category id when the names differ: contiguous (class i =\nthe i-th smallest category id), identity (class i = category i), or a JSON\nfile {"<class name or id>": <category id>, ...}'],
      ['--iou-type bbox|segm|both', 'what to evaluate (default both)'],
      ['--score <0..1>', 'minimum detection score kept for evaluation (default 0.05)'],
      ['--policy fit|window', "resize policy (default: the model's; torchvision's models: fit only)"],
      ...INPUT_SIZE_OPTION_LINES,
      ['--limit <n>', 'evaluate only the first n images (by id)'],
      ['--results <file>', 'write the detections as a COCO results JSON to this file'],
      ['--json <file>', 'write the statistics as JSON to this file'],
      ['--quiet', 'no per-image progress on stderr'],
    ],
    exit: { ok: 'evaluated', runtime: 'runtime error (unreadable or malformed annotations, an image that cannot be read)' },
  });
}

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
  /** 'contiguous', 'identity' or a JSON file path; undefined: by name (or torchvision's 91-class identity). */
  classMap?: string;
}

const IOU_TYPES: Readonly<Record<'bbox' | 'segm' | 'both', IouType[]>> = { bbox: ['bbox'], segm: ['segm'], both: ['bbox', 'segm'] };

function evalArgs(args: ParsedArgs): EvalArgs {
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  return {
    annotations: requiredOption(args, 'annotations', '<instances.json>'),
    images: requiredOption(args, 'images', '<dir>'),
    model: args.values.model,
    backend: choiceOption<EngineBackendName>(args, 'backend', nodeBackends()),
    iouTypes: IOU_TYPES[choiceOption(args, 'iou-type', ['bbox', 'segm', 'both'] as const, 'both')],
    score: numberOption(args, 'score', 0.05, 0, 1),
    policy: choiceOption(args, 'policy', ['fit', 'window'] as const),
    ...inputSizeArgs(args),
    limit: optionalNumber(args, 'limit', 1, Number.MAX_SAFE_INTEGER, true),
    results: args.values.results,
    json: args.values.json,
    quiet: args.flags.quiet === true,
    classMap: args.values['class-map'],
  };
}

/** --images must be an existing directory (checked before the model loads, not at the first image). */
function checkImagesDir(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new UsageError(`--images ${dir}: no such directory`);
  }
  if (!stat.isDirectory()) throw new UsageError(`--images ${dir}: not a directory`);
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
  checkImagesDir(a.images);
  const gt = readDataset(a.annotations);
  const images = [...gt.images].sort((x, y) => x.id - y.id).slice(0, a.limit);
  const imgIds = images.map((im) => im.id);
  const model = await load(await resolveModelOption(a.model, io, a.quiet), { backend: a.backend, minSize: a.minSize, maxSize: a.maxSize });
  const results: CocoResult[] = [];
  try {
    const mapping = categoryMapping(model.labels, model.config.numClasses, gt.categories, a.classMap);
    const plusOne = model.config.detection.boxPlusOne;
    const wantMasks = a.iouTypes.includes('segm');
    const t0 = Date.now();
    for (let n = 0; n < images.length; n++) {
      const im = images[n];
      if (typeof im.file_name !== 'string') throw new CocoFormatError(`${a.annotations} image ${im.id}`, 'has no file_name');
      // a missing or unreadable file: an ImageDecodeError naming it ("no such file")
      const instances = await model.detect(path.join(a.images, im.file_name), { scoreThreshold: a.score, rle: wantMasks, policy: a.policy });
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
    results: { type: 'string' }, json: { type: 'string' }, quiet: { type: 'boolean' }, 'class-map': { type: 'string' },
  },
  usage: evalUsage,
  run: runEval,
};
