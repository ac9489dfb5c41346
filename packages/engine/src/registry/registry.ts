/**
 * The backend registry (onnxruntime-web's `registerBackend`, without priorities: callers name the
 * backend they want). Holds the built-in entries from the start and any entry registered later,
 * in registration order. Module state only: registering touches neither tfjs nor the global
 * backend; `initBackend` (backends.ts) is what sets one up.
 */
import { EngineArgumentError } from '../errors';
import type { BackendEntry, BackendKernelPlan } from './backend_entry';
import { STOCK_KERNEL_PLAN } from './backend_entry';
import { BUILTIN_BACKENDS, BuiltinBackendName } from './builtin_backends';

/**
 * A backend name: a built-in one or any registered one (the intersection keeps the built-in
 * names as editor suggestions while accepting any string).
 */
export type EngineBackendName = BuiltinBackendName | (string & Record<never, never>);

const entries = new Map<string, BackendEntry>(BUILTIN_BACKENDS.map((e) => [e.name, e]));

function fail(message: string): never {
  throw new EngineArgumentError(`registerBackend: ${message}`);
}

function isPositiveInteger(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

function validate(entry: BackendEntry): void {
  if (typeof entry !== 'object' || entry === null) fail(`entry must be an object, got ${String(entry)}`);
  const { name, capabilities: caps, kernelPlan: plan } = entry;
  if (typeof name !== 'string' || !/^[a-z][\w-]*$/i.test(name)) fail(`entry.name must be a backend name, got ${JSON.stringify(name)}`);
  if (typeof entry.init !== 'function' || typeof entry.registerKernels !== 'function') {
    fail(`entry '${name}' needs init(opts) and registerKernels() functions`);
  }
  if (entry.writeInPlace !== undefined && typeof entry.writeInPlace !== 'function') {
    fail(`entry '${name}': writeInPlace must be a function when present`);
  }
  if (typeof caps !== 'object' || caps === null || !Array.isArray(caps.environments) || caps.environments.length === 0
    || !caps.environments.every((e) => e === 'node' || e === 'browser')) {
    fail(`entry '${name}': capabilities.environments must list 'node' and/or 'browser'`);
  }
  for (const k of ['threads', 'simd', 'floatTextures', 'gpu'] as const) {
    if (typeof caps[k] !== 'boolean') fail(`entry '${name}': capabilities.${k} must be a boolean`);
  }
  if (typeof plan !== 'object' || plan === null || typeof plan.winograd !== 'boolean'
    || !isPositiveInteger(plan.winogradMaxWeights) || !isPositiveInteger(plan.denseColumnBlocks)
    || (plan.packedGemm !== undefined && typeof plan.packedGemm !== 'boolean')
    || !isTileOrAbsent(plan.winogradOutputTile) || !isTileOrAbsent(plan.winogradPyramidOutputTile)) {
    fail(`entry '${name}': kernelPlan must be {winograd: boolean, winogradMaxWeights: integer >= 1, denseColumnBlocks: integer >= 1, packedGemm?: boolean, winogradOutputTile?: 2 | 4, winogradPyramidOutputTile?: 2 | 4}`);
  }
}

function isTileOrAbsent(v: unknown): boolean {
  return v === undefined || v === 2 || v === 4;
}

/**
 * Adds a backend, e.g. `registerBackend(webgpuBackend)`. Registering the same entry again does
 * nothing; another entry under a registered name throws EngineArgumentError (no silent override).
 */
export function registerBackend(entry: BackendEntry): void {
  validate(entry);
  const existing = entries.get(entry.name);
  if (existing === entry) return;
  if (existing !== undefined) fail(`a backend named '${entry.name}' is already registered`);
  entries.set(entry.name, entry);
}

/** The entry registered under `name`, or undefined (e.g. 'tensorflow' of tfjs-node, which is not ours). */
export function backendEntry(name: string): BackendEntry | undefined {
  return entries.get(name);
}

/** Every registered entry, in registration order (the built-in cpu, wasm, webgl, webgpu first). */
export function registeredBackends(): readonly BackendEntry[] {
  return [...entries.values()];
}

/** The names of the registered backends, in registration order. */
export function registeredBackendNames(): readonly string[] {
  return [...entries.keys()];
}

/** The registered backend's kernel plan; tfjs's own ops (STOCK_KERNEL_PLAN) for any other backend. */
export function kernelPlanFor(name: string): BackendKernelPlan {
  return entries.get(name)?.kernelPlan ?? STOCK_KERNEL_PLAN;
}
