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

/** tfjs-backend-wasm's threaded build could not be set up under Node (worker_threads; backend_setup/node_threaded_wasm.ts). */
export class ThreadedWasmSetupError extends EngineBackendError {
  constructor(message: string) {
    super(`threaded tfjs-wasm under Node: ${message}`);
  }
}

/**
 * A browser page's threaded wasm build cannot be given a working worker source
 * (backend_setup/browser_threaded_wasm.ts): thrown by `initBackend('wasm')` at once, naming the fix,
 * where the backend would otherwise never start.
 */
export class WasmWorkerSourceError extends EngineBackendError {}
