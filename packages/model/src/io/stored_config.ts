/**
 * The architecture config stored in a model.json's `userDefinedMetadata`, read through
 * @mrcnn/schema: the schema version is checked first (older files are upgraded, newer ones refused
 * with "upgrade @mrcnn/model"), then `userDefinedMetadata.mrcnn` is merged with the caller's
 * overrides and validated. Every failure is a `ModelLoadError` naming `source`.
 */
import {
  ConfigError, DeepPartial, MODEL_SCHEMA_VERSION, ModelConfig, readModelMetadata, resolveConfig, SchemaVersionError,
} from '@mrcnn/schema';
import { ModelLoadError } from '../errors';

export interface StoredConfigOptions {
  /** Overrides merged over the stored config. */
  config?: DeepPartial<ModelConfig>;
  /** Used when there is no `userDefinedMetadata.mrcnn` (default: an error). */
  fallbackConfig?: ModelConfig;
}

function versionError(source: string, cause: SchemaVersionError): ModelLoadError {
  const what = cause.newer
    ? `userDefinedMetadata.schemaVersion ${String(cause.found)} is newer than ${MODEL_SCHEMA_VERSION}, the newest this @mrcnn/model reads: upgrade @mrcnn/model`
    : `userDefinedMetadata.schemaVersion: ${cause.message}`;
  return new ModelLoadError(source, what, { cause });
}

/** `userDefinedMetadata` (as found, any value) → the validated config; throws `ModelLoadError` naming `source`. */
export function readStoredConfig(userDefinedMetadata: unknown, source: string, options: StoredConfigOptions = {}): ModelConfig {
  try {
    const { config: stored } = readModelMetadata(userDefinedMetadata);
    if (stored === undefined) {
      if (!options.fallbackConfig) {
        throw new ModelLoadError(source, 'model.json has no userDefinedMetadata.mrcnn config (pass options.fallbackConfig)');
      }
      return resolveConfig(options.config ?? {}, options.fallbackConfig);
    }
    const base = resolveConfig(stored as DeepPartial<ModelConfig>);
    return options.config ? resolveConfig(options.config, base) : base;
  } catch (cause) {
    if (cause instanceof SchemaVersionError) throw versionError(source, cause);
    if (cause instanceof ConfigError) throw new ModelLoadError(source, `userDefinedMetadata.mrcnn: ${cause.message}`, { cause });
    throw cause;
  }
}
