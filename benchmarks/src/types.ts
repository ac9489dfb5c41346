/**
 * Shapes shared by the orchestrator, the subject workers and the reports. A subject runs in its
 * own child process and hands back one `SubjectResult` (JSON) on its stdout.
 */
import type { EngineBackendName } from '@mrcnn/engine';
import type { WorkloadName } from './workloads/workload';

/** Stages of this project's pipeline, in execution order (the list). */
export const STAGES = [
  'preprocess', 'backbone', 'fpn', 'rpnProposals', 'boxHead', 'detectionOutput', 'maskHead', 'paste',
] as const;
export type Stage = typeof STAGES[number];

export type SubjectKind = 'tfjs' | 'ort-node' | 'ort-web' | 'pytorch' | 'browser';

/** What the orchestrator asks a worker to run. */
export interface SubjectSpec {
  /** Unique id, e.g. `tfjs-wasm-t1`. */
  id: string;
  kind: SubjectKind;
  /** Human label for tables. */
  label: string;
  /** tfjs backend (tfjs kinds). */
  backend?: EngineBackendName;
  /** Threads requested (wasm, onnxruntime, PyTorch). */
  threads: number;
  /** wasm SIMD (tfjs wasm, onnxruntime-web). */
  simd: boolean;
  warmup: number;
  runs: number;
  /** Extra untimed run that splits stages further (tfjs only). */
  profile: boolean;
}

/** Everything a subject needs to find its inputs. */
export interface BenchInputs {
  /** The network timed (default '0049'): its files in `oracleDir` are `workloadFiles(workload)`. */
  workload?: WorkloadName;
  /**
   * Folder with the workload's weights (0049: weights_0049.*, model_0049.pth[.gz], model_0049.onnx[.gz];
   * torchvision: model_torchvision.{pth,onnx}) and goldens (stems with im_data/im_info).
   */
  oracleDir: string;
  /** Width divisor of the weights (1 = full size, 8 = committed fixtures). */
  widthDiv: number;
  /** Golden stems (`<image>_<policy>`) whose im_data/im_info feed every subject, run in turn. */
  images: string[];
  /** Scratch folder for decompressed files. */
  scratchDir: string;
}

export interface WorkerRequest { spec: SubjectSpec; inputs: BenchInputs }

/** Output counts of one run: checked to be equal across subjects (speed depends on them). */
export interface RunCounts {
  /** Rows with class > 0 among the padded detection rows. */
  detections: number;
  /** Rows in the padded detection output (card: 100). */
  detectionRows: number;
  /** RoIs entering the box head; null where the subject does not expose them. */
  rois: number | null;
}

export interface TimedRun {
  image: string;
  ms: number;
  /** Per-stage wall times (this project only). */
  stages?: Partial<Record<Stage, number>>;
}

export interface Summary { median: number; min: number; max: number; n: number }

export interface MemoryFigures {
  /**
   * Peak resident set size of the subject's process over load + first run + warm-ups + timed runs,
   * MiB (read before the profile pass, which waits on every head part it times).
   */
  peakRssMiB: number;
  /** The same after the profile pass, when one ran. */
  peakRssWithProfileMiB?: number;
  /** WebAssembly heap size after the runs, MiB (wasm subjects where readable). */
  wasmHeapMiB?: number;
  /** tf.memory() after loading and after the timed runs (outputs disposed): must be equal. */
  tfMemory?: { afterLoad: TfMemory; afterRuns: TfMemory };
}

export interface TfMemory { numTensors: number; numBytes: number }

/**
 * What a WebGPU subject asked of the GPU, counted on the page (test/browser/gpu_counters.ts): figures
 * that do not depend on the GPU's speed, reported beside times that do (on SwiftShader, a CPU).
 */
export interface GpuFigures {
  /** The adapter: vendor/architecture, and whether it is a software fallback (SwiftShader: CPU-emulated). */
  adapter: string;
  fallback: boolean;
  /** One warm run: compute dispatches, buffers mapped for reading (GPU→CPU read-backs), pipelines created. */
  dispatchesPerRun: number;
  readBacksPerRun: number;
  pipelinesPerWarmRun: number;
  /** The first run after load: pipelines it created (shader compiles). */
  firstRunPipelines: number;
  /** Compiling those pipelines again one by one (createComputePipelineAsync of their WGSL), ms. */
  compileMs: number;
  /** GPU memory after the runs: tfjs's tensors (numBytesInGPU) and its buffers incl. the reuse pool (numBytesAllocatedInGPU), MiB. */
  tensorsMiB: number;
  allocatedMiB: number;
}

export interface SubjectResult {
  spec: SubjectSpec;
  ok: boolean;
  /** Why the subject did not run (missing runtime, file) or failed. */
  error?: string;
  /** What actually ran: backend, thread count, SIMD, runtime version. */
  runtime?: Record<string, string | number | boolean>;
  /** Load (weights + session/graph) in ms. */
  loadMs?: number;
  /** First run after load, ms. cold = load + first run. */
  firstRunMs?: number;
  runs?: TimedRun[];
  counts?: RunCounts[];
  memory?: MemoryFigures;
  /** Extra split of stages from the profile pass (ms), e.g. box RoIAlign vs box head FC. */
  profile?: Record<string, number>;
  /** WebGPU subjects: dispatches, read-backs, GPU memory, shader compile time. */
  gpu?: GpuFigures;
}
