/**
 * `mrcnn detect <image|dir...>`: per image an overlay PNG and an instances JSON; per directory one
 * COCO results JSON (bbox + segm RLE), overlays under <out>/<dir name>/, a checkpoint that lets an
 * interrupted run resume, all on a pool of worker threads with a progress bar on stderr.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CocoResult } from '@mrcnn/model';
import { MrcnnError, wasmThreadsFor } from '@mrcnn/schema';
import { optionalNumber, ParsedArgs } from './args';
import { Command, CommandIO, EXIT_OK, EXIT_RUNTIME, UsageError } from './command';
import { cocoResults, imageIdOf } from './coco_results';
import { DETECT_OPTION_LINES, DETECT_OPTION_SPECS, readDetectOptions } from './detect_options';
import { listDirImages } from './image_inputs';
import { DetectSettings, ImageResult, Job, writeFileAtomic } from './job';
import { FatalWorkerError, JobOutcome, runPool } from './pool';
import { ProgressBar } from './progress';
import { inShard, parseShard, Shard, shardSuffix } from './shard';
import { formatUsage } from './usage';

export function detectUsage(): string {
  return formatUsage({
    name: 'detect',
    synopsis: '<image|dir...> [options]',
    description: `Detects instances in PNG/JPEG images. For each image file: <out>/<name>.png (overlay: masks,
boxes, labels, scores) and <out>/<name>.json (instances, masks as COCO RLE). For each directory
(its images, not its subdirectories): <out>/<dir>.results.json (COCO results: bbox + segmentation
RLE) and overlays in <out>/<dir>/; a directory run resumes where it stopped (checkpoint
<out>/<dir>.done.jsonl). Two images with one stem (x.jpg, x.png) get x.png and x_2.png.`,
    options: [
      ...DETECT_OPTION_LINES,
      ['--workers <n>', 'worker threads (default: min(images, CPU cores)); each runs wasm\non cores / workers threads'],
      ['--no-overlay', 'directories: skip the overlay PNGs'],
      ['--restart', 'directories: ignore the checkpoint, start over'],
      ['--shard <i/N>', 'directories: only shard i (0-based) of N, split by image id;\nwrites <out>/<dir>.shard-i-of-N.results.json'],
      ['--quiet', 'no progress output'],
    ],
    exit: { ok: 'all images done', runtime: 'runtime error (the model cannot load, an image failed: the others are still written)' },
  });
}

interface ImageSet {
  /** Directory path, or undefined for images named on the command line. */
  dir?: string;
  name: string;
  files: string[];
  /** With --shard: the 1-based position of each file in the whole directory (its image id's fallback). */
  positions?: number[];
  /** Directories: each file's overlay stem, unique in the whole directory (x.jpg, x.png → x, x_2). */
  stems?: string[];
}

interface Checkpoint {
  path: string;
  done: Map<string, ImageResult>;
}

/**
 * The image sets of the command line: loose files, and each directory's PNG/JPEG files (not its
 * subdirectories: `note` says which were left out). A directory without images is a usage error.
 */
function listInputs(positionals: string[], shard: Shard | undefined, note: (m: string) => void): ImageSet[] {
  const loose: string[] = [];
  const sets: ImageSet[] = [];
  const names = new Set<string>();
  for (const p of positionals) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new MrcnnError(`${p}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      const all = listDirImages(p);
      const subdirs = fs.readdirSync(p, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
      if (all.length === 0) {
        throw new UsageError(`${p}: no PNG or JPEG images in this directory${subdirs.length > 0 ? ` (subdirectories are not searched: ${subdirs.join(', ')})` : ''}`);
      }
      if (subdirs.length > 0) {
        note(`${p}: ${subdirs.length} subdirector${subdirs.length === 1 ? 'y' : 'ies'} not searched (${subdirs.slice(0, 5).join(', ')}`
          + `${subdirs.length > 5 ? ', …' : ''}): name them on the command line to include them`);
      }
      const stems = uniqueStems(all);
      let name = path.basename(path.resolve(p));
      for (let k = 2; names.has(name); k++) name = `${path.basename(path.resolve(p))}_${k}`;
      names.add(name);
      if (shard === undefined) {
        sets.push({ dir: p, name, files: all, stems });
      } else {
        const picked = all.map((f, i) => ({ f, pos: i + 1 })).filter(({ f, pos }) => inShard(imageIdOf(path.basename(f), pos), shard));
        sets.push({ dir: p, name, files: picked.map((x) => x.f), positions: picked.map((x) => x.pos), stems: picked.map((x) => stems[x.pos - 1]) });
      }
    } else {
      if (shard !== undefined) throw new UsageError(`--shard splits directories; ${p} is a file`);
      loose.push(p);
    }
  }
  if (loose.length > 0) sets.unshift({ name: '', files: loose });
  return sets;
}

/** Output stem of each file of a set: its base name without extension, suffixed _2, _3… on collisions (x.jpg, x.png). */
function uniqueStems(files: string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const stem = path.basename(f).replace(/\.[^.]*$/, '');
    const n = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, n);
    return n === 1 ? stem : `${stem}_${n}`;
  });
}

function checkpointHeader(model: string, s: DetectSettings): string {
  return JSON.stringify({ checkpoint: 'mrcnn-detect/1', model: path.resolve(model), ...s });
}

function readCheckpoint(file: string, header: string, restart: boolean, log: (m: string) => void): Checkpoint {
  const cp: Checkpoint = { path: file, done: new Map() };
  if (!restart && fs.existsSync(file)) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    if (lines[0] === header) {
      for (const line of lines.slice(1)) {
        try {
          const e = JSON.parse(line) as { file: string; result: ImageResult };
          cp.done.set(e.file, e.result);
        } catch {
          // A line cut by an interruption: that image runs again.
        }
      }
      if (cp.done.size > 0) log(`resuming: ${cp.done.size} image(s) already done (${file})`);
      return cp;
    }
    log(`${file}: written with other settings or model, starting over`);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${header}\n`);
  return cp;
}

async function runDetect(args: ParsedArgs, io: CommandIO): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError('detect needs at least one image or directory');
  const { modelFile, backend, settings, outDir, convention: conv } = await readDetectOptions(args, io);
  const workersOpt = optionalNumber(args, 'workers', 1, 64, true);
  const shard = args.values.shard === undefined ? undefined : parseShard(args.values.shard);
  const sets = listInputs(args.positionals, shard, (m) => { if (args.flags.quiet !== true) io.stderr.write(`note: ${m}\n`); });
  fs.mkdirSync(outDir, { recursive: true });

  const jobs: Job[] = [];
  const setOf = new Map<number, { set: ImageSet; cp?: Checkpoint; file: string }>();
  const total = sets.reduce((n, s) => n + s.files.length, 0);
  const progress = new ProgressBar(io, total, args.flags.quiet === true);
  const checkpoints = new Map<ImageSet, Checkpoint>();
  for (const set of sets) {
    if (set.dir === undefined) {
      uniqueStems(set.files).forEach((stem, i) => {
        const id = jobs.length;
        jobs.push({ id, input: set.files[i], overlayPath: path.join(outDir, `${stem}.png`), jsonPath: path.join(outDir, `${stem}.json`) });
        setOf.set(id, { set, file: set.files[i] });
      });
      continue;
    }
    const cp = readCheckpoint(path.join(outDir, `${set.name}${shardSuffix(shard)}.done.jsonl`), checkpointHeader(modelFile.jsonPath, settings),
      args.flags.restart === true, (m) => progress.log(m));
    checkpoints.set(set, cp);
    for (const [i, file] of set.files.entries()) {
      const base = path.basename(file);
      if (cp.done.has(base)) {
        progress.skip();
        continue;
      }
      const id = jobs.length;
      const stem = set.stems?.[i] ?? base.replace(/\.[^.]*$/, '');
      const overlayPath = args.flags['no-overlay'] ? undefined : path.join(outDir, set.name, `${stem}.png`);
      jobs.push({ id, input: file, overlayPath });
      setOf.set(id, { set, cp, file });
    }
  }
  const failures: string[] = [];
  const onDone = (job: Job, outcome: JobOutcome): void => {
    const entry = setOf.get(job.id)!;
    if (outcome.ok) {
      if (entry.cp !== undefined) {
        const base = path.basename(entry.file);
        entry.cp.done.set(base, outcome.result);
        fs.appendFileSync(entry.cp.path, `${JSON.stringify({ file: base, result: outcome.result })}\n`);
      } else {
        io.stdout.write(`${job.input}: ${outcome.result.instances.length} instance(s) -> ${job.overlayPath}, ${job.jsonPath}\n`);
      }
    } else {
      failures.push(job.input);
      progress.log(`error: ${job.input}: ${outcome.error}`);
    }
    progress.tick(outcome.ok);
  };
  const cores = os.availableParallelism();
  const workers = workersOpt ?? Math.max(1, Math.min(jobs.length, cores));
  // The workers share the cores: each runs wasm on cores / workers threads (at most 8).
  const threads = backend === 'wasm' ? wasmThreadsFor(cores, workers) : undefined;
  try {
    await runPool(path.join(__dirname, 'worker.js'), { model: modelFile.jsonPath, backend, threads, settings }, workers, jobs, onDone);
  } catch (e) {
    progress.finish();
    if (e instanceof FatalWorkerError) throw new MrcnnError(`cannot run the model ${modelFile.jsonPath}: ${e.message}`);
    throw e;
  }
  progress.finish();
  for (const [set, cp] of checkpoints) {
    const results: CocoResult[] = [];
    set.files.forEach((file, i) => {
      const r = cp.done.get(path.basename(file));
      if (r !== undefined) results.push(...cocoResults(imageIdOf(path.basename(file), set.positions?.[i] ?? i + 1), r.instances, conv));
    });
    const out = path.join(outDir, `${set.name}${shardSuffix(shard)}.results.json`);
    writeFileAtomic(out, JSON.stringify(results));
    const ok = set.files.filter((f) => cp.done.has(path.basename(f))).length;
    io.stdout.write(`${set.dir}: ${ok}/${set.files.length} image(s), ${results.length} instance(s) -> ${out}\n`);
  }
  if (failures.length > 0) {
    io.stderr.write(`${failures.length} image(s) failed: ${failures.join(', ')}\n`);
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

export const detectCommand: Command = {
  name: 'detect',
  synopsis: '<image|dir...>',
  summary: 'detect instances: overlay PNGs, instances JSON, COCO results',
  options: {
    ...DETECT_OPTION_SPECS, workers: { type: 'string' }, shard: { type: 'string' },
    'no-overlay': { type: 'boolean' }, restart: { type: 'boolean' }, quiet: { type: 'boolean' },
  },
  usage: detectUsage,
  run: runDetect,
};
