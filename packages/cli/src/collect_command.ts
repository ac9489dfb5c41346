/**
 * `mrcnn collect --redis URL [--queue NAME]`: merges a queued run's per-image results (the shared
 * store the workers wrote) into `<out>/<name>.results.json`, in the run's image order — the file
 * `mrcnn detect <dir>` writes for the same images and settings, byte for byte. Images without a
 * result (failed, or not run yet) are listed with their last error and make the exit code 1; the
 * results of the others are written all the same. Once every image has its result, the temporary
 * files left by killed workers are deleted.
 */
import * as fs from 'fs';
import * as path from 'path';
import { QueueError, readRunImages, requireRun, runStatus, showRedisUrl, withRedis } from '@mrcnn/queue';
import type { RunImage, RunManifest } from '@mrcnn/queue';
import { ParsedArgs } from './args';
import { Command, CommandIO, EXIT_OK, EXIT_RUNTIME } from './command';
import { writeFileAtomic } from './job';
import { QUEUE_OPTION_LINES, QUEUE_OPTION_SPECS, readQueueOptions } from './queue_options';
import { formatUsage } from './usage';
import { DetectRunSpec, mergeResults, resultStore, resultsPath } from './queue_run';

function collectUsage(): string {
  return formatUsage({
    name: 'collect',
    synopsis: '--redis <url> [options]',
    description: `Merges the per-image results of the queue's run into <out>/<name>.results.json (COCO results,
as mrcnn detect <dir> writes them; the workers have written the overlays to <out>/<name>/).
Run it on a machine that sees the shared output directory, once \`mrcnn status\` shows the run done
(earlier, it writes what is done so far and lists the rest).`,
    options: [
      ...QUEUE_OPTION_LINES,
      ['--out <dir>', "the run's output directory as this machine sees it\n(default: the path recorded by mrcnn enqueue)"],
    ],
    exit: { ok: 'every image has its result', runtime: 'some have none (listed), or a runtime error' },
  });
}

/** Deletes `*.tmp` files (writes cut short by a killed worker) under `dir`. */
function removeTemporaries(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += removeTemporaries(p);
    else if (e.name.endsWith('.tmp')) {
      fs.rmSync(p, { force: true });
      n++;
    }
  }
  return n;
}

async function runCollect(args: ParsedArgs, io: CommandIO): Promise<number> {
  const { redis, queue } = readQueueOptions(args);
  const { run, images } = await withRedis(redis, async (c): Promise<{ run: RunManifest<DetectRunSpec>; images: RunImage[] }> => {
    const r = await requireRun<DetectRunSpec>(c, queue);
    return { run: r, images: await readRunImages(c, queue, r) };
  });
  const spec: DetectRunSpec = args.values.out === undefined ? run.spec : { ...run.spec, outDir: path.resolve(args.values.out) };
  if (!fs.existsSync(spec.outDir)) throw new QueueError(`${spec.outDir}: the run's output directory is not here (pass --out)`);
  const store = resultStore(spec, run.name);
  const { results, done, missing } = mergeResults(store, images, spec.convention);
  const out = resultsPath(spec, run.name);
  writeFileAtomic(out, JSON.stringify(results));
  io.stdout.write(`${queue} @ ${showRedisUrl(redis)}: ${done}/${images.length} image(s), ${results.length} instance(s) -> ${out}\n`);
  if (missing.length === 0) {
    removeTemporaries(store.dir);
    if (spec.overlays) removeTemporaries(path.join(spec.outDir, run.name));
    return EXIT_OK;
  }
  const status = await runStatus(redis, queue, 100000);
  const reasons = new Map(status.failures.map((f) => [f.key, `failed: ${f.reason} [${f.attempts} attempt(s)]`]));
  io.stderr.write(`${missing.length} image(s) without a result:\n`);
  for (const im of missing) io.stderr.write(`  ${im.key}: ${reasons.get(im.key) ?? 'not run yet'}\n`);
  return EXIT_RUNTIME;
}

export const collectCommand: Command = {
  name: 'collect',
  synopsis: '--redis <url>',
  summary: 'merge a queued run\'s results into the COCO results JSON',
  options: { ...QUEUE_OPTION_SPECS, out: { type: 'string' } },
  usage: collectUsage,
  run: runCollect,
};
