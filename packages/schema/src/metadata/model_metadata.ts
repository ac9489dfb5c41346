/**
 * The versioned part of model.json: `userDefinedMetadata` as the converter writes it and the
 * model reads it (docs/CONVENTIONS.md §3).
 *
 *   userDefinedMetadata.schemaVersion   MODEL_SCHEMA_VERSION when written (absent = version 1)
 *   userDefinedMetadata.mrcnn           the architecture config (`ModelConfig`, JSON)
 *   userDefinedMetadata.labels          class names (optional), read by the model
 *   userDefinedMetadata.converter       provenance (free-form), read by no one
 *
 * Versions: 1 = every file written before the version existed (no `schemaVersion` key); 2 = the
 * same layout with the key; 3 = the input transform (`input.transform`, `input.minSize`/`maxSize`
 * for version 2's `input.height`/`width`) and the layer counts of torchvision v2 (`rpn.convs`,
 * `boxHead.convs`/`convChannels`/`fcs`). A reader upgrades older metadata step by step (`UPGRADES`) and refuses
 * a newer version: a newer file may mean weights or fields this reader would misread.
 */
import type { ModelConfig } from '../config/types';
import { SchemaVersionError } from '../errors';

/** The version the converter writes and the newest the readers of this schema accept. */
export const MODEL_SCHEMA_VERSION = 3;

/** The version of metadata without a `schemaVersion` key (every file written before version 2). */
export const FIRST_SCHEMA_VERSION = 1;

/** The `userDefinedMetadata` fields this schema defines (others are kept as they are). */
export interface ModelMetadata {
  /** The version the file was written with. */
  readonly schemaVersion: number;
  /** `userDefinedMetadata.mrcnn` upgraded to the current layout, not yet validated (`resolveConfig` does); undefined when absent. */
  readonly config: unknown;
}

/**
 * Upgrade steps: `UPGRADES[v]` turns version-v metadata into version v + 1. Version 2 changed no
 * field (it only introduced the key), so 1 → 2 is the identity. 2 → 3 keeps what a version-2 file
 * meant: the card's transform with its height x width as minSize x maxSize (a torchvision model
 * converted before version 3 keeps the card-style input it was written with), one RPN conv and
 * the two-FC box head.
 */
const UPGRADES: Readonly<Record<number, (config: unknown) => unknown>> = {
  1: (config) => config,
  2: (config) => {
    if (!isRecord(config)) return config;
    const out: Record<string, unknown> = { ...config };
    if (isRecord(config.input)) {
      const { height, width, ...rest } = config.input;
      out.input = { transform: 'card', ...rest, ...(height !== undefined ? { minSize: height } : {}),
        ...(width !== undefined ? { maxSize: width } : {}) };
    }
    if (isRecord(config.rpn)) out.rpn = { convs: 1, ...config.rpn };
    // convChannels is unused without convs: the default's (resolveConfig) stands.
    if (isRecord(config.boxHead)) out.boxHead = { convs: 0, fcs: 2, ...config.boxHead };
    return out;
  },
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads `userDefinedMetadata` (any value: absent, hostile or well formed): the schema version
 * (1 when missing) and the stored config brought to the current layout. Throws `SchemaVersionError`
 * for a version newer than `MODEL_SCHEMA_VERSION` (`newer` set) or one that is not a positive integer.
 */
export function readModelMetadata(userDefinedMetadata: unknown): ModelMetadata {
  const meta = isRecord(userDefinedMetadata) ? userDefinedMetadata : {};
  const stored = Object.prototype.hasOwnProperty.call(meta, 'schemaVersion') ? meta.schemaVersion : FIRST_SCHEMA_VERSION;
  if (typeof stored !== 'number' || !Number.isInteger(stored) || stored < FIRST_SCHEMA_VERSION || stored > MODEL_SCHEMA_VERSION) {
    throw new SchemaVersionError(stored, MODEL_SCHEMA_VERSION);
  }
  let config: unknown = Object.prototype.hasOwnProperty.call(meta, 'mrcnn') ? meta.mrcnn : undefined;
  if (config !== undefined) {
    for (let v = stored; v < MODEL_SCHEMA_VERSION; v++) config = UPGRADES[v](config);
  }
  return { schemaVersion: stored, config };
}

/** What the converter writes into `userDefinedMetadata` besides its own fields: the version and the config. */
export function modelMetadata(config: ModelConfig): { schemaVersion: number; mrcnn: ModelConfig } {
  return { schemaVersion: MODEL_SCHEMA_VERSION, mrcnn: config };
}
