/**
 * Validation of a tfjs weights manifest (`model.json` → `weightsManifest`) before any shard is
 * read: names, dtypes, shapes, byte counts per group, and shard paths that stay inside the
 * model's directory (or URL prefix).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ModelLoadError } from '../errors';

type ManifestEntry = tf.io.WeightsManifestEntry;

/** Bytes per stored element of each accepted storage dtype. */
const STORAGE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

export interface ValidatedGroup {
  /** Shard paths, relative to model.json, checked by `checkRelativePath`. */
  paths: string[];
  weights: ManifestEntry[];
  /** Sum of the weights' stored sizes: the shards of the group must add up to this. */
  byteLength: number;
}

export interface ValidatedManifest {
  groups: ValidatedGroup[];
  /** All weight specs in storage order (the order of the concatenated weight data). */
  specs: ManifestEntry[];
  byteLength: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A shard path must be relative, use '/' separators and never climb out of the model's directory
 * (no '..' segment, no scheme, no leading '/', no backslash, no NUL).
 */
export function checkRelativePath(p: unknown, source: string, where: string): string {
  if (typeof p !== 'string' || p.length === 0) throw new ModelLoadError(source, `${where}: expected a non-empty path string`);
  const bad = (why: string): never => {
    throw new ModelLoadError(source, `${where}: shard path ${JSON.stringify(p)} ${why}`);
  };
  if (p.includes('\0')) bad('contains a NUL character');
  if (p.includes('\\')) bad('contains a backslash');
  if (p.startsWith('/')) bad('is absolute');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p)) bad('has a scheme or drive letter');
  const segments = p.split('/');
  if (segments.some((s) => s === '..')) bad('leaves the model directory');
  if (segments.some((s) => s === '')) bad('has an empty segment');
  return p;
}

/** Stored size of one weight in bytes (quantized weights count their storage dtype). */
export function specByteLength(spec: ManifestEntry): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const storage = spec.quantization ? spec.quantization.dtype : spec.dtype;
  return n * (STORAGE_BYTES[storage] ?? NaN);
}

function validateEntry(v: unknown, source: string, where: string): ManifestEntry {
  if (!isRecord(v)) throw new ModelLoadError(source, `${where}: expected an object`);
  const { name, shape, dtype, quantization } = v;
  if (typeof name !== 'string' || name.length === 0) throw new ModelLoadError(source, `${where}: missing weight name`);
  const at = `${where} (${name})`;
  if (!Array.isArray(shape) || !shape.every((d): d is number => Number.isInteger(d) && d >= 0)) {
    throw new ModelLoadError(source, `${at}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new ModelLoadError(source, `${at}: dtype must be float32 or int32, got ${JSON.stringify(dtype)}`);
  }
  const entry: ManifestEntry = { name, shape: [...shape], dtype };
  if (quantization !== undefined) {
    if (!isRecord(quantization) || (quantization.dtype !== 'uint8' && quantization.dtype !== 'uint16' && quantization.dtype !== 'float16')) {
      throw new ModelLoadError(source, `${at}: quantization dtype must be uint8, uint16 or float16`);
    }
    const q: NonNullable<ManifestEntry['quantization']> = { dtype: quantization.dtype };
    if (quantization.dtype !== 'float16') {
      if (typeof quantization.scale !== 'number' || typeof quantization.min !== 'number') {
        throw new ModelLoadError(source, `${at}: ${quantization.dtype} quantization needs numeric scale and min`);
      }
      q.scale = quantization.scale;
      q.min = quantization.min;
    }
    entry.quantization = q;
  }
  return entry;
}

/** Checks a `weightsManifest` value; throws `ModelLoadError` naming `source` and the entry at fault. */
export function validateManifest(manifest: unknown, source: string): ValidatedManifest {
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw new ModelLoadError(source, 'weightsManifest must be a non-empty list of groups');
  }
  const names = new Set<string>();
  const groups: ValidatedGroup[] = [];
  const specs: ManifestEntry[] = [];
  let total = 0;
  manifest.forEach((g, gi) => {
    const where = `weightsManifest[${gi}]`;
    if (!isRecord(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) {
      throw new ModelLoadError(source, `${where}: expected {paths: string[], weights: object[]}`);
    }
    const paths = g.paths.map((p, pi) => checkRelativePath(p, source, `${where}.paths[${pi}]`));
    const weights = g.weights.map((w, wi) => validateEntry(w, source, `${where}.weights[${wi}]`));
    let byteLength = 0;
    for (const w of weights) {
      if (names.has(w.name)) throw new ModelLoadError(source, `${where}: weight ${w.name} appears twice`);
      names.add(w.name);
      byteLength += specByteLength(w);
    }
    if (byteLength > 0 && paths.length === 0) throw new ModelLoadError(source, `${where}: weights listed but no shard paths`);
    groups.push({ paths, weights, byteLength });
    specs.push(...weights);
    total += byteLength;
  });
  return { groups, specs, byteLength: total };
}

/** Total byte length of tfjs weight data (one buffer or a list of shard buffers). */
export function weightDataByteLength(data: tf.io.WeightData): number {
  return Array.isArray(data) ? data.reduce((a, b) => a + b.byteLength, 0) : data.byteLength;
}
