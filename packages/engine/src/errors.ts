/** Errors thrown by @mrcnn/engine for invalid arguments (bad rank, shape, dtype or attrs). */
export class EngineArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineArgumentError';
  }
}

/**
 * A backend could not be set up or is not what a kernel needs: tfjs failed to initialise it, or
 * the tfjs-backend-wasm module lacks what the wasm kernel uses (its memory, an export).
 */
export class EngineBackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineBackendError';
  }
}
