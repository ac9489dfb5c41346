/**
 * `exportModel(name, outDir, { quantize })`: a copy of a cached model for serving elsewhere (a web
 * page: fp16 halves the download). The cache holds the float32 weights the converter made; they are
 * re-encoded with the converter's own writer (`buildArtifacts`), so the result equals converting
 * the checkpoint with `mrcnn convert --quantize ...`, byte for byte. The output directory is
 * written whole or not at all (a staging directory beside it, then one rename).
 */
import * as fs from 'fs';
import * as path from 'path';
import { MrcnnError } from '@mrcnn/schema';
import type { ModelConfig, ModelEntry } from '@mrcnn/schema';
import { buildArtifacts, OutputExistsError, Quantization, WeightMap, writeDirAtomically } from '@mrcnn/weights-converter';
import type { OutputFile } from '@mrcnn/weights-converter';
import { ensureModel, EnsureOptions } from './ensure_model';

export interface ExportOptions extends EnsureOptions {
  quantize?: Quantization;
  /** Replace a non-empty `outDir` (default: refuse). */
  overwrite?: boolean;
}

export interface ExportSummary {
  name: string;
  outDir: string;
  /** Bytes of weight data written. */
  bytes: number;
  shards: number;
  quantize: Quantization | 'none';
}

/** The output directory exists and is not empty, and `overwrite` was not given. */
export class ExportExistsError extends MrcnnError {
  constructor(readonly outDir: string) {
    super(`${outDir}: the output directory exists and is not empty (overwrite it with --force)`);
  }
}

interface StoredModel {
  weights: WeightMap;
  config: ModelConfig;
  labels?: string[];
  provenance?: Record<string, unknown>;
}

interface ManifestEntry { name: string; shape: number[]; dtype: string; quantization?: unknown }

/** Reads a float32 model written by the converter (the cache's) back into a weight map. */
function readStoredModel(dir: string): StoredModel {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
    weightsManifest: Array<{ paths: string[]; weights: ManifestEntry[] }>;
    userDefinedMetadata: { mrcnn: ModelConfig; labels?: string[]; converter?: Record<string, unknown> };
  };
  const weights: WeightMap = new Map();
  for (const group of json.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(dir, path.basename(p)))));
    let at = 0;
    for (const w of group.weights) {
      if ((w.dtype !== 'float32' && w.dtype !== 'int32') || w.quantization !== undefined) {
        throw new MrcnnError(`${dir}: weight ${w.name} is stored as ${w.dtype}${w.quantization ? ' (quantized)' : ''}; the cache holds float32 models`);
      }
      const n = w.shape.reduce((a, b) => a * b, 1);
      const copy = new Uint8Array(bytes.subarray(at, at + n * 4)); // aligned copy
      if (copy.byteLength !== n * 4) throw new MrcnnError(`${dir}: the shards end inside weight ${w.name}`);
      const data = w.dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
      weights.set(w.name, { name: w.name, shape: [...w.shape], dtype: w.dtype, data });
      at += n * 4;
    }
  }
  const meta = json.userDefinedMetadata;
  const { quantize: _q, ...provenance } = meta.converter ?? {};
  return {
    weights, config: meta.mrcnn,
    ...(meta.labels !== undefined ? { labels: meta.labels } : {}),
    ...(meta.converter !== undefined ? { provenance } : {}),
  };
}

/** Writes `files` into `outDir` all or nothing (the converter's staging directory and one rename). */
function writeDirWhole(outDir: string, files: OutputFile[], overwrite: boolean): void {
  try {
    writeDirAtomically(outDir, files, overwrite);
  } catch (e) {
    if (e instanceof OutputExistsError) throw new ExportExistsError(outDir);
    throw e;
  }
}

/** Fetches `model` into the cache if needed, then writes a (quantized) copy into `outDir`. */
export async function exportModel(model: string | ModelEntry, outDir: string, opts: ExportOptions = {}): Promise<ExportSummary> {
  const cached = await ensureModel(model, opts);
  const stored = readStoredModel(cached.dir);
  const art = buildArtifacts(stored.weights, {
    config: stored.config, labels: stored.labels, quantize: opts.quantize, provenance: stored.provenance,
  });
  writeDirWhole(outDir, [
    { name: 'model.json', bytes: `${JSON.stringify(art.modelJson, null, 1)}\n` },
    ...art.shards.map((s) => ({ name: s.path, bytes: s.bytes })),
  ], opts.overwrite ?? false);
  return { name: cached.name, outDir, bytes: art.weightBytes, shards: art.shards.length, quantize: opts.quantize ?? 'none' };
}
