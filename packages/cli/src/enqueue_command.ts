/**
 * `mrcnn enqueue <dir|list|glob> --redis URL [--queue NAME]`: records a detection run on a queue
 * (model, backend, settings, output directory: the `detect` options) and adds one job per image,
 * its id the image's stable key. Enqueueing the same run again adds nothing twice; another run on
 * the same queue is refused. Workers (`mrcnn worker`) run it; `mrcnn status` and `mrcnn collect` follow.
 */
import * as fs from 'fs';
import * as path from 'path';
import { enqueueRun, showRedisUrl } from '@mrcnn/queue';
import { numberOption, ParsedArgs } from './args';
import { Command, CommandIO, EXIT_OK, UsageError } from './command';
import { DETECT_OPTION_LINES, DETECT_OPTION_SPECS, readDetectOptions } from './detect_options';
import { listImages } from './image_inputs';
import { QUEUE_OPTION_LINES, QUEUE_OPTION_SPECS, readQueueOptions } from './queue_options';
import { formatUsage } from './usage';
import { DetectRunSpec, modelDigest, resultsPath } from './queue_run';

function enqueueUsage(): string {
  return formatUsage({
    name: 'enqueue',
    synopsis: '<dir|list|glob> --redis <url> [options]',
    description: `Queues one detection job per image for \`mrcnn worker\` processes on any number of machines.
<dir>: its PNG/JPEG files; <list>: a text file, one image path a line (relative to the list's
directory); <glob>: e.g. 'cams/**/*.jpg' (quoted). Each job's id is the image's path relative
to the input, so enqueueing again adds nothing twice. The workers write the overlays to
<out>/<name>/ and the per-image results to <out>/<name>.parts/; \`mrcnn collect\` merges them into
<out>/<name>.results.json, as \`mrcnn detect <dir>\` writes it. <out> must be a directory every
worker sees at the same path (a shared mount), and so must the images and the model.`,
    options: [
      ...QUEUE_OPTION_LINES,
      ['--name <name>', "name of the outputs (default: the directory's or list's name)"],
      ...DETECT_OPTION_LINES,
      ['--no-overlay', 'skip the overlay PNGs'],
      ['--attempts <n>', 'tries per image before it is failed (default 3)'],
      ['--backoff <ms>', 'delay before the first retry, doubled each retry (default 1000)'],
      ['--quiet', 'print nothing on success'],
    ],
    exit: { ok: 'queued', runtime: 'runtime error (Redis unreachable, another run on the queue)' },
  });
}

async function runEnqueue(args: ParsedArgs, io: CommandIO): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('enqueue takes one <dir|list|glob>');
  const { redis, queue } = readQueueOptions(args);
  const opts = await readDetectOptions(args, io);
  const attempts = numberOption(args, 'attempts', 3, 1, 100, true);
  const backoffMs = numberOption(args, 'backoff', 1000, 0, 3600000, true);
  const list = listImages(args.positionals[0]);
  const name = args.values.name ?? list.name;
  if (!/^[^/\\]+$/.test(name) || name === '.' || name === '..') throw new UsageError(`--name must be a file name, got ${JSON.stringify(name)}`);
  if (list.images.length === 0) throw new UsageError(`${args.positionals[0]}: no PNG/JPEG images`);
  const spec: DetectRunSpec = {
    model: path.resolve(opts.modelFile.jsonPath),
    modelDigest: modelDigest(opts.modelFile),
    backend: opts.backend,
    settings: opts.settings,
    outDir: path.resolve(opts.outDir),
    overlays: args.flags['no-overlay'] !== true,
    convention: opts.convention,
  };
  fs.mkdirSync(spec.outDir, { recursive: true });
  const report = await enqueueRun<DetectRunSpec>({ redis, queue, name, spec, images: list.images, attempts, backoffMs });
  if (args.flags.quiet !== true) {
    const what = report.created ? 'new run' : 'run already there';
    io.stdout.write(`${queue} @ ${showRedisUrl(redis)}: ${what} '${name}', ${list.images.length} image(s), ` +
      `${report.added} job(s) added, ${report.jobs} in the queue; results -> ${resultsPath(spec, name)} (mrcnn collect)\n`);
  }
  return EXIT_OK;
}

export const enqueueCommand: Command = {
  name: 'enqueue',
  synopsis: '<dir|list|glob> --redis <url>',
  summary: 'queue a detection run on Redis (BullMQ) for mrcnn worker',
  options: {
    ...QUEUE_OPTION_SPECS, ...DETECT_OPTION_SPECS, name: { type: 'string' }, 'no-overlay': { type: 'boolean' },
    attempts: { type: 'string' }, backoff: { type: 'string' }, quiet: { type: 'boolean' },
  },
  usage: enqueueUsage,
  run: runEnqueue,
};
