/**
 * The models the hub knows: the built-in catalogue of @mrcnn/schema (`MODELS`), the entries of the
 * JSON file named by the `MRCNN_MODEL_CATALOGUE` environment variable (a mirror, your own
 * checkpoints: `[{ "name", "url", "variant", "sha256Prefix"?, "labels"?, ... }]`, read on each
 * call), and entries registered in this process (`registerModel`). A later source replaces an
 * earlier entry of the same name: built-in < file < registered.
 */
import * as fs from 'fs';
import { checkModelEntry, MODELS, ModelEntry } from '@mrcnn/schema';
import { CatalogueError, UnknownModelError } from './errors';

export const CATALOGUE_ENV = 'MRCNN_MODEL_CATALOGUE';

const registered = new Map<string, ModelEntry>();

/** Adds (or replaces) a catalogue entry for this process; the entry is checked first (ConfigError). */
export function registerModel(entry: ModelEntry): ModelEntry {
  const checked = checkModelEntry(entry, `registerModel(${JSON.stringify((entry as { name?: unknown })?.name)})`);
  registered.set(checked.name, checked);
  return checked;
}

/** Removes an entry added by `registerModel`; true when there was one. */
export function unregisterModel(name: string): boolean {
  return registered.delete(name);
}

/** The entries of the MRCNN_MODEL_CATALOGUE file (none when the variable is unset or empty). */
export function catalogueFileEntries(env: NodeJS.ProcessEnv = process.env): ModelEntry[] {
  const file = env[CATALOGUE_ENV];
  if (file === undefined || file === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new CatalogueError(file, `cannot read it as JSON (${cause instanceof Error ? cause.message : String(cause)}); `
      + `${CATALOGUE_ENV} must name a JSON file holding an array of model entries`, { cause });
  }
  if (!Array.isArray(json)) throw new CatalogueError(file, 'expected a JSON array of model entries');
  return json.map((e, i) => {
    try {
      return checkModelEntry(e, `[${i}]`);
    } catch (cause) {
      throw new CatalogueError(file, cause instanceof Error ? cause.message : String(cause), { cause });
    }
  });
}

/** Every known model, by name (built-in, then the catalogue file's, then registered ones). */
export function knownModels(env: NodeJS.ProcessEnv = process.env): ModelEntry[] {
  const all = new Map<string, ModelEntry>();
  for (const m of [...MODELS, ...catalogueFileEntries(env), ...registered.values()]) all.set(m.name, m);
  return [...all.values()];
}

/** The entry called `name`, or undefined. */
export function findModel(name: string, env: NodeJS.ProcessEnv = process.env): ModelEntry | undefined {
  return knownModels(env).find((m) => m.name === name);
}

/** The entry called `name`; UnknownModelError listing the known names otherwise. */
export function modelEntry(name: string, env: NodeJS.ProcessEnv = process.env): ModelEntry {
  const known = knownModels(env);
  const hit = known.find((m) => m.name === name);
  if (hit === undefined) throw new UnknownModelError(name, known.map((m) => m.name));
  return hit;
}
