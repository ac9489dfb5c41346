/**
 * The one way registry entries make a tfjs backend the global one (only `init` of an entry, i.e.
 * `initBackend`, switches the global backend; nothing here runs on import).
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineBackendError } from '../errors';

/** Whether tfjs has already created the backend (without creating it, unlike tf.findBackend). */
export function isInitialised(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(tf.engine().registry, name);
}

export async function switchTo(name: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    // e.g. tfjs-backend-webgl registers no 'webgl' backend outside a browser
    throw new EngineBackendError(`initBackend: tfjs could not initialise the '${name}' backend: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!ok || tf.getBackend() !== name) throw new EngineBackendError(`initBackend: tfjs could not initialise the '${name}' backend (see tfjs's warning above)`);
  await tf.ready();
}
