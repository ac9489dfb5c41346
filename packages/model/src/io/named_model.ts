/**
 * Named models for `load('torchvision-maskrcnn-coco')` (Node). Fetching, verifying, converting and
 * caching a checkpoint is @mrcnn/hub's work; the hub depends on the converter, which this package
 * must not (docs/ARCHITECTURE.md), so the hub is an optional peer: resolved by name, at run time,
 * only when a model name is loaded. The hub never imports this package, so nothing climbs back up.
 *
 * What counts as a name: a string of model-name form (`isModelNameLike` of @mrcnn/schema: no path
 * separator, no `.json`) that is not an existing path (a directory of that name wins) and that the
 * hub's catalogue knows. In a browser a name is refused with a pointer to the URL route.
 */
import { builtinModel, isModelNameLike } from '@mrcnn/schema';
import type { FetchProgress } from '@mrcnn/schema';
import { ModelLoadError } from '../errors';

export const HUB_PACKAGE = '@mrcnn/hub';

/** The part of @mrcnn/hub's API that `load` uses (test/hub checks that the hub's types fit it). */
export interface NamedModelResolver {
  knownModels(): ReadonlyArray<{ name: string }>;
  findModel(name: string): { name: string } | undefined;
  ensureModel(name: string, options: { onProgress?: (p: FetchProgress) => void }): Promise<{ dir: string }>;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** @mrcnn/hub when it is installed (and built), else undefined. */
export function loadHub(): NamedModelResolver | undefined {
  // A variable id: neither tsc nor a bundler resolves the optional package at build time.
  const req: ((id: string) => unknown) | undefined = typeof require === 'function' ? require : undefined;
  if (req === undefined) return undefined;
  const id = HUB_PACKAGE;
  try {
    return req(id) as NamedModelResolver;
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(id)) return undefined;
    throw e;
  }
}

async function pathExists(p: string): Promise<boolean> {
  const fs = await import('fs');
  return fs.existsSync(p);
}

/**
 * The model directory for `source` when it names a model (fetched, verified and converted by the
 * hub first when not cached); undefined when `source` is a path or URL, read as before.
 */
export async function resolveNamedModel(source: string, onProgress?: (p: FetchProgress) => void,
  hub: () => NamedModelResolver | undefined = loadHub): Promise<string | undefined> {
  if (!isModelNameLike(source)) return undefined;
  const builtin = builtinModel(source);
  if (!isNode()) {
    if (builtin === undefined) return undefined;
    throw new ModelLoadError(source, 'named models are downloaded and converted in Node (@mrcnn/hub); in a browser load the URL '
      + `of a converted model.json: \`mrcnn models export ${source} -o <dir> --quantize fp16\`, serve <dir>, load('<url>/model.json')`);
  }
  if (await pathExists(source)) return undefined;
  const resolver = hub();
  if (resolver === undefined) {
    if (builtin === undefined) return undefined;
    throw new ModelLoadError(source, `a named model: fetching it needs ${HUB_PACKAGE} (npm i ${HUB_PACKAGE}); or download `
      + `${builtin.url}, convert it with \`mrcnn convert <file> -o <dir>\` and load the directory`);
  }
  if (resolver.findModel(source) === undefined) {
    throw new ModelLoadError(source, `no such file or directory, and no model of that name (known models: ${resolver.knownModels().map((m) => m.name).join(', ')})`);
  }
  return (await resolver.ensureModel(source, onProgress === undefined ? {} : { onProgress })).dir;
}
