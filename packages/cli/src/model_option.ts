/**
 * What `--model` (and `info`'s argument) may name: a model directory or model.json, or a model of
 * the catalogue (`mrcnn models`), fetched, verified and converted once by @mrcnn/hub into its cache
 * with the progress drawn on stderr. A path that exists wins over a name; a value that is neither
 * an existing path nor a known name is left to the readers, whose error names it.
 */
import * as fs from 'fs';
import * as hub from '@mrcnn/hub';
import { defaultModelPath } from '@mrcnn/model';
import type { NamedModelResolver } from '@mrcnn/model/internal';
import { isModelNameLike } from '@mrcnn/schema';
import type { CommandIO } from './command';
import { fetchProgressPrinter } from './fetch_progress';

/**
 * @mrcnn/model's `load('<name>')` resolves the hub by name at run time (it cannot depend on it), so
 * the hub's API must fit what it expects: checked here by tsc, where both packages are dependencies.
 */
export const HUB_FITS_MODEL_LOADER: NamedModelResolver = hub;

/** Whether `value` is a catalogue name here (not an existing path). */
export function isModelName(value: string): boolean {
  return isModelNameLike(value) && !fs.existsSync(value) && hub.findModel(value) !== undefined;
}

/** The model path for a `--model` value (undefined: the embedded default model). */
export async function resolveModelOption(value: string | undefined, io: CommandIO, quiet = false): Promise<string> {
  if (value === undefined) return defaultModelPath();
  if (!isModelName(value)) return value;
  return (await hub.ensureModel(value, { onProgress: fetchProgressPrinter(io, quiet) })).dir;
}
