/**
 * Typed errors of the converter. Each names the file (when known) and the tensor or op at fault,
 * so a CLI user can tell what to fix without a stack trace. `ConverterError` extends `MrcnnError`
 * of @mrcnn/schema, the base class of every error the @mrcnn packages throw on purpose.
 */
import { MrcnnError } from '@mrcnn/schema';

export interface ErrorContext {
  /** Input file being read, when the error comes from a reader. */
  file?: string;
  /** Tensor (canonical or source name) at fault. */
  tensor?: string;
  /** Op / opcode / layer at fault. */
  op?: string;
}

function describe(message: string, ctx: ErrorContext): string {
  const parts: string[] = [];
  if (ctx.file !== undefined) parts.push(`file ${ctx.file}`);
  if (ctx.tensor !== undefined) parts.push(`tensor ${ctx.tensor}`);
  if (ctx.op !== undefined) parts.push(`op ${ctx.op}`);
  return parts.length > 0 ? `${message} (${parts.join(', ')})` : message;
}

export class ConverterError extends MrcnnError {
  readonly file?: string;
  readonly tensor?: string;
  readonly op?: string;
  /** The message without the context suffix. */
  readonly detail: string;

  constructor(message: string, ctx: ErrorContext = {}) {
    super(describe(message, ctx));
    this.detail = message;
    this.file = ctx.file;
    this.tensor = ctx.tensor;
    this.op = ctx.op;
  }
}

/** The input is not a well-formed file of the expected format (truncated, bad sizes, unknown op). */
export class WeightsFormatError extends ConverterError {}

/** A tensor's shape differs from what the architecture requires. */
export class ShapeMismatchError extends ConverterError {}

/** A tensor the architecture needs is absent. */
export class MissingTensorError extends ConverterError {}

/** A pickle asked for a global or opcode outside the tensor-checkpoint subset. */
export class UnsafePickleError extends ConverterError {}

/** Adds the file name to a converter error raised deeper down (where the file was not known). */
export function withFile(err: unknown, file: string): unknown {
  if (err instanceof ConverterError && err.file === undefined) {
    const Ctor = err.constructor as new (m: string, c: ErrorContext) => ConverterError;
    return new Ctor(err.detail, { file, tensor: err.tensor, op: err.op });
  }
  return err;
}
