/**
 * `mrcnn eval --annotations <instances.json> --images <dir> [--model <dir|model.json>] ...`: runs
 * detection on every image of a COCO annotation file and prints box and mask AP/AR as pycocotools'
 * COCOeval does. Exit codes: 0 evaluated, 1 failure (typed error message), 2 usage error.
 * The detector is loaded lazily (`../api`), so the evaluator itself does not depend on it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { backendEntry, registeredBackendNames } from '@mrcnn/engine';
import type { EngineBackendName } from '@mrcnn/engine';
import { MrcnnError } from '../errors';
import { mapClassesToCategories } from './categories';
import { evaluateCoco, type CocoEvalResult } from './coco_eval';
import { CocoFormatError } from './errors';
import { validateDataset } from './load_results';
import type { CocoDataset, CocoResult, IouType } from './types';

export interface CommandIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export const EVAL_USAGE = `usage: mrcnn eval --annotations <instances.json> --images <dir> [options]

  --annotations   COCO instances file (polygon or RLE ground truth, iscrowd honoured)
  --images        directory holding the images named by file_name
  --model         model.json or its directory (default: the embedded default model)
  --backend       ${registeredBackendNames().join(' | ')} (default: wasm in Node)
  --iou-type      bbox | segm | both (default both)
  --score         minimum detection score kept for evaluation (default 0.05)
  --policy        fit | window resize policy (default: the model's)
  --limit         evaluate only the first N images (by id)
  --results       write the detections as a COCO results JSON to this file
  --json          write the statistics as JSON to this file
  --quiet         no per-image progress on stderr
`;

class UsageError extends Error {}

export interface EvalArgs {
  annotations: string;
  images: string;
  model?: string;
  backend?: EngineBackendName;
  iouTypes: IouType[];
  score: number;
  policy?: 'fit' | 'window';
  limit?: number;
  results?: string;
  json?: string;
  quiet: boolean;
}

function parseArgs(argv: readonly string[]): EvalArgs | 'help' {
  const a: Partial<EvalArgs> & { iouTypes: IouType[]; score: number; quiet: boolean } = { iouTypes: ['bbox', 'segm'], score: 0.05, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const opt = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${opt} needs a value`);
      return v;
    };
    switch (opt) {
      case '-h':
      case '--help':
        return 'help';
      case '--annotations': a.annotations = value(); break;
      case '--images': a.images = value(); break;
      case '--model': a.model = value(); break;
      case '--results': a.results = value(); break;
      case '--json': a.json = value(); break;
      case '--quiet': a.quiet = true; break;
      case '--backend': {
        const v = value();
        if (backendEntry(v) === undefined) throw new UsageError(`--backend must be one of ${registeredBackendNames().join(', ')}, got ${v}`);
        a.backend = v;
        break;
      }
      case '--iou-type': {
        const v = value();
        if (v === 'both') a.iouTypes = ['bbox', 'segm'];
        else if (v === 'bbox' || v === 'segm') a.iouTypes = [v];
        else throw new UsageError(`--iou-type must be bbox, segm or both, got ${v}`);
        break;
      }
      case '--policy': {
        const v = value();
        if (v !== 'fit' && v !== 'window') throw new UsageError(`--policy must be fit or window, got ${v}`);
        a.policy = v;
        break;
      }
      case '--score': {
        const v = Number(value());
        if (!(v >= 0 && v <= 1)) throw new UsageError('--score must be a number in [0, 1]');
        a.score = v;
        break;
      }
      case '--limit': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 1) throw new UsageError('--limit must be a positive integer');
        a.limit = v;
        break;
      }
      default:
        throw new UsageError(opt.startsWith('-') ? `unknown option ${opt}` : `unexpected argument ${opt}`);
    }
  }
  if (a.annotations === undefined) throw new UsageError('missing --annotations <instances.json>');
  if (a.images === undefined) throw new UsageError('missing --images <dir>');
  return a as EvalArgs;
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

/** [x1, y1, x2, y2] -> COCO [x, y, w, h]; legacy (+1) boxes count both end pixels. */
export function toXywh(box: readonly number[], plusOne: boolean): [number, number, number, number] {
  const e = plusOne ? 1 : 0;
  return [box[0], box[1], box[2] - box[0] + e, box[3] - box[1] + e];
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
  const api = await import('../api');
  const model = await api.load(a.model, { backend: a.backend });
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

export async function runEvalCommand(argv: readonly string[], io: CommandIO = process): Promise<number> {
  let args: EvalArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`mrcnn eval: ${e.message}\n${EVAL_USAGE}`);
    return 2;
  }
  if (args === 'help') {
    io.stdout.write(EVAL_USAGE);
    return 0;
  }
  try {
    const { results, evaluations } = await runEvaluation(args, io);
    for (const ev of evaluations) io.stdout.write(`${ev.iouType}:\n${ev.summary.lines.join('\n')}\n`);
    if (args.results) fs.writeFileSync(args.results, JSON.stringify(results));
    if (args.json) {
      const stats = Object.fromEntries(evaluations.map((ev) => [ev.iouType, ev.summary.stats]));
      fs.writeFileSync(args.json, JSON.stringify({ annotations: args.annotations, images: evaluations[0]?.params.imgIds.length ?? 0, detections: results.length, ...stats }, null, 2));
    }
    return 0;
  } catch (e) {
    if (e instanceof MrcnnError) {
      io.stderr.write(`mrcnn eval: ${e.name}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
