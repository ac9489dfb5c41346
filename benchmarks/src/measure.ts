/**
 * The timing protocol every in-process subject follows: load, first run (cold start = both),
 * warm-up runs, then N timed runs cycling over the images; counts are taken from every run.
 */
import { ImageInput } from './inputs';
import { GpuFigures, MemoryFigures, RunCounts, Stage, SubjectResult, SubjectSpec, TimedRun } from './types';

export interface RunOutput {
  counts: RunCounts;
  /** The run's network time when the runner times it itself (stages outside the network excluded). */
  ms?: number;
  stages?: Partial<Record<Stage, number>>;
}

/** One subject, loaded once and run many times. */
export interface SubjectRunner {
  /** Loads weights/session; returns what actually runs (backend, threads, versions). */
  load(): Promise<Record<string, string | number | boolean>>;
  /**
   * The load time when the runner times it itself (default: load()'s wall time): the browser
   * subject counts what a page does (navigation, backend init, weights), not the harness's own
   * set-up (bundling the page, starting the server and Chromium).
   */
  loadMs?(): number;
  /** One inference with output read-back to host memory. */
  run(input: ImageInput): Promise<RunOutput>;
  /** Optional untimed pass splitting the stages further; may report the RoI count. */
  profile?(input: ImageInput): Promise<{ profile: Record<string, number>; rois: number | null }>;
  /** Memory figures; peakRssMiB defaults to this process's (a runner whose work runs elsewhere overrides it). */
  memory(): Partial<MemoryFigures>;
  /** GPU figures of a WebGPU subject (after the runs, before dispose); undefined for the others. */
  gpu?(): Promise<GpuFigures | undefined>;
  dispose(): Promise<void>;
}

export type ProgressFn = (what: string, done: number, total: number) => void;

export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await f();
  return [out, performance.now() - t0];
}

/** Loads the subject: what runs, and the load time (the runner's own figure when it times itself). */
export async function loadSubject(runner: SubjectRunner): Promise<{ runtime: Record<string, string | number | boolean>; loadMs: number }> {
  const [runtime, wall] = await timed(() => runner.load());
  return { runtime, loadMs: runner.loadMs?.() ?? wall };
}

/**
 * After the timed runs: the GPU figures of a WebGPU subject, the optional profile pass over the
 * images (`onImage` after each, with the RoI count it found) and the memory figures, peak RSS of the
 * runs read before the profile pass. Disposes the runner.
 */
export async function finishSubject(runner: SubjectRunner, images: readonly ImageInput[], profiled: boolean,
  onImage: (input: ImageInput, rois: number | null) => void = () => undefined):
  Promise<{ profile?: Record<string, number>; memory: MemoryFigures; gpu?: GpuFigures }> {
  let profile: Record<string, number> | undefined;
  const peakOfRuns = peakRssMiB();
  const gpu = await runner.gpu?.();
  if (profiled && runner.profile) {
    for (const input of images) {
      const p = await runner.profile(input);
      profile ??= p.profile;
      onImage(input, p.rois);
    }
  }
  const memory: MemoryFigures = {
    peakRssMiB: peakOfRuns, ...(profile ? { peakRssWithProfileMiB: peakRssMiB() } : {}), ...runner.memory(),
  };
  await runner.dispose();
  return { profile, memory, ...(gpu ? { gpu } : {}) };
}

export async function measureSubject(spec: SubjectSpec, runner: SubjectRunner, images: readonly ImageInput[],
  progress: ProgressFn): Promise<SubjectResult> {
  const profiled = spec.profile && runner.profile !== undefined;
  const total = 2 + spec.warmup + spec.runs + (profiled ? images.length : 0);
  let done = 0;
  const step = (what: string): void => progress(what, ++done, total);
  const countsByImage = new Map<string, RunCounts>();
  const run = async (input: ImageInput): Promise<RunOutput> => {
    const out = await runner.run(input);
    if (!countsByImage.has(input.stem)) countsByImage.set(input.stem, out.counts);
    return out;
  };
  progress('load', 0, total);
  const { runtime, loadMs } = await loadSubject(runner);
  step('first run');
  const [firstOut, firstWall] = await timed(() => run(images[0]));
  const firstRunMs = firstOut.ms ?? firstWall;
  step(spec.warmup > 0 ? 'warm-up' : 'timed runs');
  for (let i = 0; i < spec.warmup; i++) {
    await run(images[(i + 1) % images.length]);
    step(i + 1 < spec.warmup ? 'warm-up' : 'timed runs');
  }
  const runs: TimedRun[] = [];
  for (let i = 0; i < spec.runs; i++) {
    const input = images[i % images.length];
    const [out, wall] = await timed(() => run(input));
    const ms = out.ms ?? wall;
    runs.push({ image: input.stem, ms, stages: out.stages });
    step(`run ${i + 1}/${spec.runs} ${(ms / 1000).toFixed(2)} s`);
  }
  const { profile, memory, gpu } = await finishSubject(runner, images, profiled, (input, rois) => {
    const c = countsByImage.get(input.stem);
    if (c && c.rois === null) c.rois = rois;
    step('profile');
  });
  return { spec, ok: true, runtime, loadMs, firstRunMs, runs, counts: [...countsByImage.values()], memory, profile, ...(gpu ? { gpu } : {}) };
}
