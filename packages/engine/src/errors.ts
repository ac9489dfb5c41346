/**
 * Errors thrown by @mrcnn/engine. Both extend `MrcnnError` of @mrcnn/schema, the base class of
 * every error the @mrcnn packages throw on purpose.
 */
import { MrcnnError } from '@mrcnn/schema';

/** An invalid argument to an op or kernel (bad rank, shape, dtype or attrs). */
export class EngineArgumentError extends MrcnnError {}

/**
 * A backend could not be set up or is not what a kernel needs: tfjs failed to initialise it, or
 * the tfjs-backend-wasm module lacks what the wasm kernel uses (its memory, an export).
 */
export class EngineBackendError extends MrcnnError {}
