/**
 * A run: what one queue holds. Its manifest (the results' name, the image count, a digest of the
 * image list and the caller's `spec`: what every worker must run, e.g. model and settings) and
 * the ordered image list live in Redis next to BullMQ's keys, so any machine that reaches Redis
 * can work on, watch or collect the run. One queue holds one run: enqueueing another run on it is
 * refused, enqueueing the same one again only adds the jobs that are missing.
 *
 * Keys: `mrcnn-run:<queue>` (the manifest, JSON) and `mrcnn-run:<queue>:images` (a list of JSON
 * `RunImage`, in run order). BullMQ's own keys are `mrcnn:<queue>:*`.
 */
import { createHash } from 'crypto';
import type { RedisCommands } from './connection';
import { QueueError } from './errors';

export const RUN_FORMAT = 'mrcnn-queue-run/1';

/** One image of a run. */
export interface RunImage {
  /** Stable id of the image within the run (its path relative to the run's input); the job id is made from it. */
  key: string;
  /** Path of the image file as the workers read it. */
  file: string;
  /** COCO `image_id` of its results. */
  imageId: number;
}

export interface RunManifest<S = unknown> {
  format: typeof RUN_FORMAT;
  /** Name of the run's outputs. */
  name: string;
  /** Number of images. */
  total: number;
  /** sha256 of the image list (JSON of the `RunImage` array). */
  imagesDigest: string;
  /** What the workers run: the caller's own JSON (e.g. model, backend, settings, output directory). */
  spec: S;
  /** Milliseconds since the epoch when the run was first enqueued. */
  createdAt: number;
}

export function manifestKey(queue: string): string {
  return `mrcnn-run:${queue}`;
}

export function imagesKey(queue: string): string {
  return `mrcnn-run:${queue}:images`;
}

export function imagesDigest(images: readonly RunImage[]): string {
  return createHash('sha256').update(JSON.stringify(images.map((i) => [i.key, i.file, i.imageId]))).digest('hex');
}

/** The same run: same name, images and spec (the creation time aside). */
export function sameRun(a: RunManifest, b: RunManifest): boolean {
  const id = (m: RunManifest): string => JSON.stringify([m.format, m.name, m.total, m.imagesDigest, m.spec]);
  return id(a) === id(b);
}

export function parseManifest(text: string, queue: string): RunManifest {
  let m: Partial<RunManifest>;
  try {
    m = JSON.parse(text) as Partial<RunManifest>;
  } catch (e) {
    throw new QueueError(`queue '${queue}': its run manifest (${manifestKey(queue)}) is not JSON`, { cause: e });
  }
  if (m.format !== RUN_FORMAT || typeof m.name !== 'string' || typeof m.total !== 'number' || typeof m.imagesDigest !== 'string') {
    throw new QueueError(`queue '${queue}': ${manifestKey(queue)} is not a ${RUN_FORMAT} manifest (format ${JSON.stringify(m.format)})`);
  }
  return m as RunManifest;
}

/** The run of `queue`, or undefined when none was enqueued. */
export async function readRun<S = unknown>(client: RedisCommands, queue: string): Promise<RunManifest<S> | undefined> {
  const text = await client.get(manifestKey(queue));
  return text === null ? undefined : (parseManifest(text, queue) as RunManifest<S>);
}

/** The run of `queue`; a QueueError when none was enqueued. */
export async function requireRun<S = unknown>(client: RedisCommands, queue: string): Promise<RunManifest<S>> {
  const run = await readRun<S>(client, queue);
  if (run === undefined) throw new QueueError(`queue '${queue}': no run enqueued (run mrcnn enqueue first)`);
  return run;
}

/** The run's images in order, read in chunks. */
export async function readRunImages(client: RedisCommands, queue: string, run: RunManifest): Promise<RunImage[]> {
  const out: RunImage[] = [];
  const chunk = 10000;
  for (let start = 0; start < run.total; start += chunk) {
    const items = await client.lrange(imagesKey(queue), start, start + chunk - 1);
    for (const s of items) out.push(JSON.parse(s) as RunImage);
    if (items.length < chunk) break;
  }
  if (out.length !== run.total) {
    throw new QueueError(`queue '${queue}': ${imagesKey(queue)} holds ${out.length} image(s), the run has ${run.total} (enqueue it again to repair)`);
  }
  return out;
}

/**
 * Records the run on `queue` (new), or checks that the recorded one is the same run. The image list
 * is written under a temporary key and renamed into place, so it is whole or absent; an absent
 * or short list of a recorded run (an enqueue cut short) is written again. Returns the recorded
 * manifest (its `createdAt` is the first enqueue's) and whether this call created it.
 */
export async function recordRun(client: RedisCommands, queue: string, manifest: RunManifest, images: readonly RunImage[]):
  Promise<{ run: RunManifest; created: boolean }> {
  const created = (await client.set(manifestKey(queue), JSON.stringify(manifest), 'NX')) === 'OK';
  let run = manifest;
  if (!created) {
    run = await requireRun(client, queue);
    if (!sameRun(run, manifest)) {
      throw new QueueError(`queue '${queue}' already holds another run ('${run.name}', ${run.total} image(s), enqueued ` +
        `${new Date(run.createdAt).toISOString()}) with other images or settings: use another --queue`);
    }
  }
  if (created || (await client.llen(imagesKey(queue))) !== run.total) {
    const tmp = `${imagesKey(queue)}:tmp:${process.pid}:${Date.now()}`;
    await client.del(tmp);
    for (let i = 0; i < images.length; i += 1000) {
      await client.rpush(tmp, ...images.slice(i, i + 1000).map((im) => JSON.stringify(im)));
    }
    if (images.length > 0) await client.rename(tmp, imagesKey(queue));
  }
  return { run, created };
}
