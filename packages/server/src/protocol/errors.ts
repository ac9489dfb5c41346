/**
 * Errors of the protocol layer. `ProtocolError` is a request the server refuses or cannot serve:
 * its `status` is the HTTP status the server answers with (the body is `{"error": message}`);
 * the message names the input, output, parameter or header at fault. The client raises
 * `InferenceServerError` for a failed response (status and the server's message) and
 * `ProtocolError` for a response it cannot read.
 */
import { MrcnnError } from '@mrcnn/schema';

export class ProtocolError extends MrcnnError {
  readonly status: number;
  /** Seconds a client should wait before retrying (503 answers send it as Retry-After). */
  readonly retryAfter?: number;

  constructor(status: number, message: string, options?: { retryAfter?: number; cause?: unknown }) {
    super(message, options);
    this.status = status;
    if (options?.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }
}

/** A request the server answered with an error status; `message` is its `{"error": ...}` text. */
export class InferenceServerError extends MrcnnError {
  readonly status: number;
  /** The Retry-After header of a 503, in seconds, when present. */
  readonly retryAfter?: number;

  constructor(status: number, message: string, retryAfter?: number) {
    super(`HTTP ${status}: ${message}`);
    this.status = status;
    if (retryAfter !== undefined) this.retryAfter = retryAfter;
  }
}
