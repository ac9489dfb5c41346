/**
 * Reads a model.json (path or directory) without loading the weights: the config, labels and the
 * weight specs, for `mrcnn info` and for the detect command's result conventions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ModelLoadError } from '@mrcnn/model';
import { readStoredConfig, validateManifest } from '@mrcnn/model/internal';
import type { ValidatedManifest } from '@mrcnn/model/internal';
import type { ModelConfig } from '@mrcnn/schema';

export interface ModelFile {
  jsonPath: string;
  config: ModelConfig;
  labels?: string[];
  manifest: ValidatedManifest;
  json: Record<string, unknown>;
}

export function resolveModelJson(source: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch (cause) {
    throw new ModelLoadError(source, 'no such file or directory', { cause });
  }
  return stat.isDirectory() ? path.join(source, 'model.json') : source;
}

export function readModelFile(source: string): ModelFile {
  const jsonPath = resolveModelJson(source);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  } catch (cause) {
    throw new ModelLoadError(jsonPath, `cannot read model.json: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ModelLoadError(jsonPath, 'model.json must hold a JSON object');
  const obj = json as Record<string, unknown>;
  const meta = (obj.userDefinedMetadata ?? {}) as Record<string, unknown>;
  if (meta.mrcnn === undefined) throw new ModelLoadError(jsonPath, 'model.json has no userDefinedMetadata.mrcnn config');
  // The reader load() uses: the schema version checked (newer files refused), the config validated.
  const config = readStoredConfig(obj.userDefinedMetadata, jsonPath);
  const manifest = validateManifest(obj.weightsManifest, jsonPath);
  const labels = Array.isArray(meta.labels) && meta.labels.every((x) => typeof x === 'string') ? (meta.labels as string[]) : undefined;
  return labels === undefined ? { jsonPath, config, manifest, json: obj } : { jsonPath, config, labels, manifest, json: obj };
}
