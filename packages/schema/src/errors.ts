/**
 * The error base class of every @mrcnn package, and the schema's own errors. Every error a
 * package throws on purpose extends `MrcnnError`, so a caller can tell "this project refused the
 * input" (`err instanceof MrcnnError`) from a bug or a runtime failure; each subclass names the
 * argument, field, file or tensor at fault in its message and keeps it as a field.
 */

/** Base class of every error the @mrcnn packages throw on purpose. */
export class MrcnnError extends Error {
  /** The underlying error, when this one wraps another (decoder, fetch, JSON parser). */
  readonly cause?: unknown;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = new.target.name;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** Thrown by `resolveConfig` (and `variant`) for a value outside its domain; `path` names the field. */
export class ConfigError extends MrcnnError {
  readonly path: string;

  constructor(path: string, message: string) {
    super(`invalid config ${path}: ${message}`);
    this.path = path;
  }
}

/**
 * model.json's metadata carries a schema version this reader cannot read: newer than
 * `MODEL_SCHEMA_VERSION` (`newer`: the reading package needs an upgrade) or not a positive integer.
 */
export class SchemaVersionError extends MrcnnError {
  /** The stored `userDefinedMetadata.schemaVersion` value, as found. */
  readonly found: unknown;
  /** The newest version this reader supports (`MODEL_SCHEMA_VERSION`). */
  readonly supported: number;
  readonly newer: boolean;

  constructor(found: unknown, supported: number) {
    const newer = typeof found === 'number' && Number.isInteger(found) && found > supported;
    super(newer
      ? `schema version ${String(found)} is newer than ${supported}, the newest this reader supports`
      : `schema version must be a positive integer, got ${JSON.stringify(found) ?? String(found)}`);
    this.found = found;
    this.supported = supported;
    this.newer = newer;
  }
}
