/** Which environment this code runs in, as registry entries state theirs (BackendCapabilities). */
import type { BackendEntry, BackendEnvironment } from './backend_entry';

export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions.node === 'string';
}

export function currentEnvironment(): BackendEnvironment {
  return isNode() ? 'node' : 'browser';
}

/** Whether the entry's capabilities say it can run in `environment` (default: this one). */
export function runsIn(entry: BackendEntry, environment: BackendEnvironment = currentEnvironment()): boolean {
  return entry.capabilities.environments.includes(environment);
}
