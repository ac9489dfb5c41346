/** Errors thrown by @mrcnn/engine for invalid arguments (bad rank, shape, dtype or attrs). */
export class EngineArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineArgumentError';
  }
}
