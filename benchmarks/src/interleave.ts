/**
 * Interleaved runs: every subject is loaded in its own served process (cold start measured one
 * subject at a time), then the timed runs go round-robin — round r runs each subject once, the
 * order rotated by r — so the load of a shared, noisy machine falls on all subjects alike and
 * the ratios within the run stay meaningful.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { plainFile, REPO_ROOT } from './inputs';
import type { ProgressLine } from './run_all';
import { FinishReply, LoadReply, Reply, REPLY_PREFIX, RunReply, ServeCommand } from './serve_protocol';
import { PYTHON, WORKER_JS } from './spawn_subject';
import { BenchInputs, RunCounts, SubjectResult, SubjectSpec, TimedRun } from './types';
import { workloadFiles } from './workloads/workload';

class ServedChild {
  private buf = '';
  private waiting?: { resolve: (line: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };
  private stderrTail = '';
  private exited = false;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d: Buffer) => {
      this.buf += d.toString();
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        if (line.startsWith(REPLY_PREFIX) && this.waiting) {
          const w = this.waiting;
          this.waiting = undefined;
          clearTimeout(w.timer);
          w.resolve(line.slice(REPLY_PREFIX.length));
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => { this.stderrTail = (this.stderrTail + d.toString()).slice(-2000); });
    child.on('close', (code) => {
      this.exited = true;
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        clearTimeout(w.timer);
        w.reject(new Error(`exited with ${String(code)}: ${this.stderrTail.trim().split('\n').slice(-4).join(' ')}`));
      }
    });
  }

  request<T>(cmd: ServeCommand, timeoutMs: number): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`process already exited: ${this.stderrTail.trim().split('\n').slice(-4).join(' ')}`));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        this.kill();
        reject(new Error(`no reply to ${cmd.op} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.waiting = { resolve, reject, timer };
      this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    }).then((text) => {
      const r = JSON.parse(text) as Reply<T>;
      if (!r.ok) throw new Error(r.error);
      return r;
    });
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

function startServed(spec: SubjectSpec, inputs: BenchInputs): ServedChild {
  if (spec.kind === 'pytorch') {
    const name = workloadFiles(inputs.workload ?? '0049').pth;
    const pth = plainFile(inputs, name);
    if (pth === undefined) throw new Error(`no ${name} in ${inputs.oracleDir}`);
    const script = path.join(REPO_ROOT, 'benchmarks', 'python', 'time_oracle.py');
    return new ServedChild(spawn(PYTHON, [script, '--serve', '--oracle-dir', inputs.oracleDir, '--pth', pth, '--workload', inputs.workload ?? '0049',
      '--width-div', String(inputs.widthDiv), '--images', ...inputs.images, '--threads', String(spec.threads)], { cwd: REPO_ROOT }));
  }
  if (!fs.existsSync(WORKER_JS)) throw new Error(`${WORKER_JS} is missing: run \`npm run build -w benchmarks\``);
  return new ServedChild(spawn(process.execPath, ['--max-old-space-size=6144', WORKER_JS, '--serve', JSON.stringify({ spec, inputs })], { cwd: REPO_ROOT }));
}

interface Live {
  spec: SubjectSpec;
  child: ServedChild;
  result: SubjectResult;
  runs: TimedRun[];
  counts: Map<string, RunCounts>;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs `specs` (all available) interleaved. `skip` answers why a subject cannot run (undefined:
 * it can); skipped and failed subjects come back with ok = false and the reason.
 */
export async function runInterleaved(specs: readonly SubjectSpec[], inputs: BenchInputs, line: ProgressLine,
  opts: { timeoutMs: number; skip: (s: SubjectSpec) => Promise<string | undefined> }): Promise<SubjectResult[]> {
  const t0 = Date.now();
  const elapsed = (): string => `${Math.round((Date.now() - t0) / 1000)} s elapsed`;
  const results = new Map<string, SubjectResult>();
  const live: Live[] = [];
  const fail = (l: Live, e: unknown): void => {
    l.result = { spec: l.spec, ok: false, error: errorText(e) };
    l.child.kill();
    line.done(`${l.spec.id}: FAILED ${errorText(e)}`);
  };
  const run = async (l: Live, image: number): Promise<RunReply> => {
    const r = await l.child.request<RunReply>({ op: 'run', image }, opts.timeoutMs);
    if (!l.counts.has(r.image)) l.counts.set(r.image, r.counts);
    return r;
  };
  // Cold starts, one subject at a time.
  for (const [i, spec] of specs.entries()) {
    const head = `[load ${i + 1}/${specs.length}] ${spec.id}`;
    const why = await opts.skip(spec);
    if (why !== undefined) {
      results.set(spec.id, { spec, ok: false, error: why });
      line.done(`${head}: ${why}`);
      continue;
    }
    let child: ServedChild;
    try {
      child = startServed(spec, inputs);
    } catch (e) {
      results.set(spec.id, { spec, ok: false, error: errorText(e) });
      line.done(`${head}: FAILED ${errorText(e)}`);
      continue;
    }
    const l: Live = { spec, child, result: { spec, ok: true }, runs: [], counts: new Map() };
    try {
      line.update(`${head}: load · ${elapsed()}`);
      const loaded = await child.request<LoadReply>({ op: 'load' }, opts.timeoutMs);
      line.update(`${head}: first run · ${elapsed()}`);
      const first = await run(l, 0);
      l.result = { spec, ok: true, runtime: loaded.runtime, loadMs: loaded.loadMs, firstRunMs: first.ms };
      live.push(l);
      line.done(`${head}: cold ${((loaded.loadMs + first.ms) / 1000).toFixed(1)} s (load ${(loaded.loadMs / 1000).toFixed(1)} + first run ${(first.ms / 1000).toFixed(1)})`);
    } catch (e) {
      fail(l, e);
    }
    results.set(spec.id, l.result);
  }
  // Warm-up and timed rounds, round-robin.
  const rounds = Math.max(0, ...live.map((l) => l.spec.warmup + l.spec.runs));
  for (let r = 0; r < rounds; r++) {
    const order = live.map((_, k) => live[(k + r) % live.length]);
    for (const l of order) {
      if (!l.result.ok || r >= l.spec.warmup + l.spec.runs) continue;
      const warm = r < l.spec.warmup;
      const image = warm ? r + 1 : r - l.spec.warmup;
      line.update(`[round ${r + 1}/${rounds}] ${l.spec.id}: ${warm ? 'warm-up' : `run ${r - l.spec.warmup + 1}/${l.spec.runs}`} · ${elapsed()}`);
      try {
        const out = await run(l, image);
        if (!warm) l.runs.push({ image: out.image, ms: out.ms, stages: out.stages });
      } catch (e) {
        fail(l, e);
      }
    }
  }
  line.done(`timed rounds done · ${elapsed()}`);
  for (const l of live) {
    if (!l.result.ok) continue;
    line.update(`[finish] ${l.spec.id}${l.spec.profile ? ' (profile pass)' : ''} · ${elapsed()}`);
    try {
      const fin = await l.child.request<FinishReply>({ op: 'finish' }, opts.timeoutMs);
      const counts = [...l.counts.values()];
      fin.rois?.forEach((n, i) => { if (counts[i] && counts[i].rois === null) counts[i].rois = n; });
      l.result = { ...l.result, runs: l.runs, counts, memory: fin.memory, profile: fin.profile, ...(fin.gpu ? { gpu: fin.gpu } : {}) };
      const ms = l.runs.map((x) => x.ms).sort((a, b) => a - b);
      line.done(`${l.spec.id}: ~${((ms[ms.length >> 1] ?? NaN) / 1000).toFixed(2)} s/run, detections ${counts.map((c) => c.detections).join('/')}, RoIs ${counts.map((c) => c.rois ?? '?').join('/')}`);
    } catch (e) {
      fail(l, e);
    }
    results.set(l.spec.id, l.result);
  }
  return specs.map((s) => results.get(s.id)!);
}
