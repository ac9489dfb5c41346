/**
 * The subjects the harness knows, and the plan for a quick or a full run. Each subject runs in its
 * own process, one after the other (never two at once: they would share the cores).
 */
import type { EngineBackendName } from '@mrcnn/engine';
import { SubjectKind, SubjectSpec } from '../types';

export type Mode = 'quick' | 'full';

interface Def {
  id: string;
  kind: SubjectKind;
  label: string;
  backend?: EngineBackendName;
  threads: number;
  simd: boolean;
  /** Included in a quick run. */
  quick: boolean;
  /** Slow subjects get fewer runs. */
  slow?: boolean;
  profile?: boolean;
}

const DEFS: readonly Def[] = [
  { id: 'tfjs-wasm-t1', kind: 'tfjs', label: 'this project, tfjs wasm SIMD, 1 thread', backend: 'wasm', threads: 1, simd: true, quick: true, profile: true },
  { id: 'tfjs-wasm-t2', kind: 'tfjs', label: 'this project, tfjs wasm SIMD, 2 threads', backend: 'wasm', threads: 2, simd: true, quick: true, profile: true },
  { id: 'tfjs-wasm-nosimd', kind: 'tfjs', label: 'this project, tfjs wasm without SIMD, 1 thread', backend: 'wasm', threads: 1, simd: false, quick: false },
  { id: 'tfjs-cpu', kind: 'tfjs', label: 'this project, tfjs cpu (plain JS)', backend: 'cpu', threads: 1, simd: false, quick: false, slow: true },
  { id: 'browser-webgl', kind: 'browser', label: 'this project in headless Chromium, tfjs webgl (SwiftShader: CPU-emulated)', backend: 'webgl', threads: 1, simd: false, quick: false, slow: true },
  { id: 'browser-webgpu', kind: 'browser', label: 'this project in headless Chromium, tfjs webgpu (SwiftShader\'s Vulkan: CPU-emulated)', backend: 'webgpu', threads: 1, simd: false, quick: false, slow: true },
  { id: 'browser-wasm-t1', kind: 'browser', label: 'this project in headless Chromium, tfjs wasm SIMD, 1 thread', backend: 'wasm', threads: 1, simd: true, quick: false },
  { id: 'browser-wasm-t2', kind: 'browser', label: 'this project in headless Chromium (COOP/COEP), tfjs wasm SIMD, 2 threads', backend: 'wasm', threads: 2, simd: true, quick: false },
  { id: 'ort-node-t2', kind: 'ort-node', label: 'onnxruntime-node CPU EP, 2 threads', threads: 2, simd: true, quick: true },
  { id: 'ort-node-t1', kind: 'ort-node', label: 'onnxruntime-node CPU EP, 1 thread', threads: 1, simd: true, quick: false },
  { id: 'ort-web-t1', kind: 'ort-web', label: 'onnxruntime-web wasm SIMD, 1 thread', threads: 1, simd: true, quick: true },
  { id: 'ort-web-t2', kind: 'ort-web', label: 'onnxruntime-web wasm SIMD, 2 threads', threads: 2, simd: true, quick: true },
  { id: 'pytorch-t1', kind: 'pytorch', label: 'PyTorch oracle (Debian torch), 1 thread', threads: 1, simd: true, quick: true },
  { id: 'pytorch-t2', kind: 'pytorch', label: 'PyTorch oracle (Debian torch), 2 threads', threads: 2, simd: true, quick: false },
];

export const SUBJECT_IDS: readonly string[] = DEFS.map((d) => d.id);

export interface PlanOptions {
  mode: Mode;
  /** Explicit subject ids (overrides the mode's selection). */
  only?: string[];
  warmup?: number;
  runs?: number;
}

/** Subject specs for a run: quick = 1 warm-up + 3 runs; full = 2 + 6; slow subjects 0 + 2. */
export function planSubjects(opts: PlanOptions): SubjectSpec[] {
  if (opts.only) {
    const unknown = opts.only.filter((id) => !SUBJECT_IDS.includes(id));
    if (unknown.length > 0) throw new Error(`unknown subject(s) ${unknown.join(', ')}; known: ${SUBJECT_IDS.join(', ')}`);
  }
  const chosen = DEFS.filter((d) => (opts.only ? opts.only.includes(d.id) : opts.mode === 'full' || d.quick));
  return chosen.map((d) => {
    const warmup = opts.warmup ?? (d.slow ? 0 : opts.mode === 'quick' ? 1 : 2);
    const runs = opts.runs ?? (d.slow ? (opts.mode === 'quick' ? 1 : 2) : opts.mode === 'quick' ? 3 : 6);
    return {
      id: d.id, kind: d.kind, label: d.label, backend: d.backend, threads: d.threads, simd: d.simd,
      warmup, runs, profile: d.profile ?? false,
    };
  });
}
