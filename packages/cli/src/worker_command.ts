/**
 * `mrcnn worker --redis URL [--queue NAME] [--workers N]`: runs a queued detection run's images on
 * this machine, on the thread pool `mrcnn detect` uses (one model per thread). Any number of
 * workers on any number of machines can serve one queue. Per image: if its result is already in
 * the shared store (a job delivered twice) nothing runs again; else the thread writes the overlay,
 * then the result is stored (atomically, keyed by the image) and the job completes. A thread that
 * crashes fails that attempt only (a new thread starts); an image that fails every attempt is
 * failed and listed by `mrcnn status`. SIGTERM or SIGINT: no new image is taken, the running ones
 * finish, then the worker exits 0 (a second signal exits at once, 130). `--until-done` exits once
 * every image of the run is completed or failed.
 */
import * as os from 'os';
import * as path from 'path';
import { MrcnnError } from '@mrcnn/schema';
import { QueueError, QueueWorker, readRun, RunManifest, showRedisUrl, withRedis } from '@mrcnn/queue';
import type { QueueWorkerEvent } from '@mrcnn/queue';
import { numberOption, optionalNumber, ParsedArgs } from './args';
import { Command, CommandIO, EXIT_OK } from './command';
import { readModelFile } from './model_file';
import { resolveModelOption } from './model_option';
import { FatalWorkerError, ThreadPool } from './pool';
import { QUEUE_OPTION_LINES, QUEUE_OPTION_SPECS, readQueueOptions } from './queue_options';
import { formatUsage } from './usage';
import { DetectRunSpec, jobOf, modelDigest, resultStore } from './queue_run';

function workerUsage(): string {
  return formatUsage({
    name: 'worker',
    synopsis: '--redis <url> [options]',
    description: `Runs the images of the queue's run (mrcnn enqueue) on this machine until stopped: SIGTERM or
SIGINT finish the images being run, then exit 0. Start one per machine (or several); each runs
--workers images at a time on its worker threads. The model, backend and settings are the run's.`,
    options: [
      ...QUEUE_OPTION_LINES,
      ['--workers <n>', 'worker threads = images at a time (default: CPU cores)'],
      ['--model <dir|name>', "where this machine finds the run's model, if not at its recorded\npath: a directory, model.json or model name (mrcnn models; fetched\ninto this machine's cache); it must be the same model: its digest is checked"],
      ['--until-done', 'exit once every image of the run is completed or failed'],
      ['--lock-ms <ms>', 'job lock (default 30000): a worker silent this long loses its image\nto another worker; renewed every lock/2 while a thread infers'],
      ['--stall-check-ms <ms>', 'how often this worker looks for lost images (default: --lock-ms)'],
      ['--max-stalled <n>', 'times an image may be lost (its worker killed) before it fails (default 1)'],
      ['--quiet', 'no line per image'],
    ],
    exit: { ok: 'stopped by a signal or --until-done', runtime: "runtime error (the model cannot be loaded or differs from the run's)" },
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for a run on the queue (a worker may start before the enqueue, or before Redis). */
async function waitForRun(redis: string, queue: string, stopped: () => boolean, log: (m: string) => void): Promise<RunManifest<DetectRunSpec> | undefined> {
  let said = '';
  while (!stopped()) {
    try {
      const run = await withRedis(redis, (c) => readRun<DetectRunSpec>(c, queue));
      if (run !== undefined) return run;
      if (said !== 'run') log(`${queue} @ ${showRedisUrl(redis)}: no run enqueued yet, waiting`);
      said = 'run';
    } catch (e) {
      if (!(e instanceof QueueError)) throw e;
      if (said !== e.message) log(`${e.message}; retrying`);
      said = e.message;
    }
    await sleep(1000);
  }
  return undefined;
}

async function runWorker(args: ParsedArgs, io: CommandIO): Promise<number> {
  const { redis, queue } = readQueueOptions(args);
  const threads = optionalNumber(args, 'workers', 1, 64, true) ?? Math.max(1, os.cpus().length);
  const lockMs = numberOption(args, 'lock-ms', 30000, 500, 3600000, true);
  const stallMs = numberOption(args, 'stall-check-ms', lockMs, 100, 3600000, true);
  const maxStalled = numberOption(args, 'max-stalled', 1, 0, 1000, true);
  const quiet = args.flags.quiet === true;
  const say = (m: string): void => { if (!quiet) io.stdout.write(`${m}\n`); };
  const warn = (m: string): void => { io.stderr.write(`${m}\n`); };

  let signals = 0;
  let qw: QueueWorker<{ instances: number; reused: boolean }> | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) process.exit(130);
    warn(`${sig}: finishing the images being run, then exiting`);
    void qw?.close();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let pool: ThreadPool | undefined;
  try {
    const run = await waitForRun(redis, queue, () => signals > 0, warn);
    if (run === undefined) return EXIT_OK;
    const spec = run.spec;
    const modelFile = readModelFile(args.values.model === undefined ? spec.model : await resolveModelOption(args.values.model, io));
    if (modelDigest(modelFile) !== spec.modelDigest) {
      throw new MrcnnError(`${modelFile.jsonPath}: not the run's model (its digest differs from the one recorded by mrcnn enqueue for ${spec.model})`);
    }
    pool = new ThreadPool(path.join(__dirname, 'worker.js'), { model: modelFile.jsonPath, backend: spec.backend, settings: spec.settings }, threads);
    try {
      await pool.ready();
    } catch (e) {
      if (e instanceof FatalWorkerError) throw new MrcnnError(`cannot run the model ${modelFile.jsonPath}: ${e.message}`);
      throw e;
    }
    if (signals > 0) return EXIT_OK;
    const store = resultStore(spec, run.name);
    let nextId = 0;
    const threadPool = pool;
    let lastRedisError = '';
    let lastRedisErrorAt = 0;
    const onEvent = (e: QueueWorkerEvent<{ instances: number; reused: boolean }>): void => {
      if (e.type === 'started') say(`${e.image.key}: started (attempt ${e.attempt})`);
      else if (e.type === 'completed') {
        say(`${e.image.key}: done, ${e.result.instances} instance(s)${e.result.reused ? ' (result already stored)' : ''} in ${e.seconds.toFixed(2)} s`);
      } else if (e.type === 'failed') {
        const what = e.final ? `failed for good after ${e.attempt} attempt(s)` : `attempt ${e.attempt}/${e.attempts} failed`;
        warn(`${e.image?.key ?? '(unknown image)'}: ${what}: ${e.error}`);
      } else if (e.type === 'redis-error') {
        const now = Date.now();
        if (e.error !== lastRedisError || now - lastRedisErrorAt > 10000) warn(`redis ${showRedisUrl(redis)}: ${e.error} (reconnecting)`);
        lastRedisError = e.error;
        lastRedisErrorAt = now;
      } else {
        say(`${queue}: every image of '${run.name}' is completed or failed`);
      }
    };
    say(`${queue} @ ${showRedisUrl(redis)}: run '${run.name}' (${run.total} image(s)), ${threads} thread(s), pid ${process.pid}`);
    qw = new QueueWorker({
      redis, queue, concurrency: threads, total: run.total, lockMs, stalledIntervalMs: stallMs, maxStalled,
      untilDone: args.flags['until-done'] === true,
      onEvent,
      process: async (image) => {
        const stored = store.get(image.key);
        if (stored !== undefined) return { instances: stored.instances.length, reused: true };
        const outcome = await threadPool.run(jobOf(spec, run.name, image, nextId++));
        if (!outcome.ok) throw new Error(outcome.error);
        store.put(image.key, outcome.result);
        return { instances: outcome.result.instances.length, reused: false };
      },
    });
    if (signals > 0) void qw.close();
    await qw.finished;
    return EXIT_OK;
  } finally {
    await pool?.close();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

export const workerCommand: Command = {
  name: 'worker',
  synopsis: '--redis <url>',
  summary: 'run queued detection jobs on this machine (any number of machines)',
  options: {
    ...QUEUE_OPTION_SPECS, workers: { type: 'string' }, model: { type: 'string' }, 'until-done': { type: 'boolean' },
    'lock-ms': { type: 'string' }, 'stall-check-ms': { type: 'string' }, 'max-stalled': { type: 'string' }, quiet: { type: 'boolean' },
  },
  usage: workerUsage,
  run: runWorker,
};
