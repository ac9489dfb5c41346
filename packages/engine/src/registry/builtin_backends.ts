/**
 * The backends this package ships, in registration order. A new backend (as webgpu was) is one
 * `kernels/<name>/` folder, one `<name>_entry.ts` beside this file and one line here.
 */
import { cpuBackend } from './cpu_entry';
import { wasmBackend } from './wasm_entry';
import { webglBackend } from './webgl_entry';
import { webgpuBackend } from './webgpu_entry';

export const BUILTIN_BACKENDS = [
  cpuBackend,
  wasmBackend,
  webglBackend,
  webgpuBackend,
] as const;

/** The names of the built-in backends ('cpu' | 'wasm' | 'webgl' | 'webgpu'). */
export type BuiltinBackendName = (typeof BUILTIN_BACKENDS)[number]['name'];
