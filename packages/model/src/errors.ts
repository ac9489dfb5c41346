/**
 * Typed errors of @mrcnn/model. Every message names the argument, file or URL at fault, so a
 * caller can report it without parsing the text; the same name is also kept as a field. All
 * extend `MrcnnError` of @mrcnn/schema, the base class of every error the @mrcnn packages throw on
 * purpose (re-exported here, as before, for callers of this package).
 */
import { MrcnnError } from '@mrcnn/schema';

export { MrcnnError };

/** A caller-supplied argument or option has the wrong type, range or value. */
export class ArgumentError extends MrcnnError {
  /** Name of the argument or option, e.g. `options.scoreThreshold`. */
  readonly argument: string;

  constructor(argument: string, message: string, options?: { cause?: unknown }) {
    super(`${argument}: ${message}`, options);
    this.argument = argument;
  }
}

/** An image could not be read or decoded (unknown format, truncated data, unsupported mode). */
export class ImageDecodeError extends MrcnnError {
  /** File path, or a short description of the in-memory source (e.g. `<PNG bytes>`). */
  readonly source: string;

  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(`${source}: ${message}`, options);
    this.source = source;
  }
}

/** A model artifact (model.json, a weight shard, the embedded config) is missing or malformed. */
export class ModelLoadError extends MrcnnError {
  /** The model.json path/URL, or the shard at fault. */
  readonly source: string;

  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(`${source}: ${message}`, options);
    this.source = source;
  }
}

/** A tensor or array has a shape or dtype other than the one required. */
export class ShapeMismatchError extends MrcnnError {
  /** What was checked, e.g. `imData` or the weight name. */
  readonly what: string;
  readonly expected: string;
  readonly actual: string;

  constructor(what: string, expected: string, actual: string) {
    super(`${what}: expected ${expected}, got ${actual}`);
    this.what = what;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The model was used after `dispose()`. */
export class DisposedError extends MrcnnError {
  constructor(what: string) {
    super(`${what}: the model has been disposed`);
  }
}

/** Formats a shape as `[a,b,c]` for messages. */
export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
