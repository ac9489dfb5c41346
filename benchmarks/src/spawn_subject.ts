/**
 * Runs one subject in a child process (the Node worker, or the PyTorch timing script) and reads
 * its `PROGRESS <json>` stderr lines and its final `RESULT <json>` stdout line.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { plainFile, REPO_ROOT } from './inputs';
import type { RoiAlignBenchResult, RoiAlignRequest } from './roi_align_step';
import { BenchInputs, SubjectResult, SubjectSpec, WorkerRequest } from './types';
import { workloadFiles } from './workloads/workload';

export type SubjectProgress = (what: string, done: number, total: number) => void;

export const PYTHON = '/usr/bin/python3';
/** The bundled worker (benchmarks/dist, made by `npm run build`); the same file from src/ tests. */
export const WORKER_JS = path.join(REPO_ROOT, 'benchmarks', 'dist', 'worker.js');

interface ChildOutcome<T = Partial<SubjectResult>> { result?: T; code: number | null; stderrTail: string }

function runChild<T = Partial<SubjectResult>>(cmd: string, args: string[], onProgress: SubjectProgress, timeoutMs: number): Promise<ChildOutcome<T>> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errBuf = '';
    let tail = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      errBuf += d.toString();
      let nl: number;
      while ((nl = errBuf.indexOf('\n')) >= 0) {
        const line = errBuf.slice(0, nl);
        errBuf = errBuf.slice(nl + 1);
        if (line.startsWith('PROGRESS ')) {
          try {
            const p = JSON.parse(line.slice(9)) as { what: string; done: number; total: number };
            onProgress(p.what, p.done, p.total);
          } catch { /* a torn line: ignore */ }
        } else {
          tail = (tail + line + '\n').slice(-4000);
        }
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').reverse().find((l) => l.startsWith('RESULT '));
      let result: T | undefined;
      if (line !== undefined) {
        try { result = JSON.parse(line.slice(7)) as T; } catch { result = undefined; }
      }
      resolve({ result, code, stderrTail: (tail + errBuf).trim() });
    });
  });
}

function exitMessage(o: ChildOutcome<unknown>, what: string): string {
  const last = o.stderrTail.split('\n').slice(-6).join('\n');
  return `${what} exited with ${String(o.code)}${last ? `: ${last}` : ''}`;
}

function failed(spec: SubjectSpec, o: ChildOutcome<unknown>, what: string): SubjectResult {
  return { spec, ok: false, error: exitMessage(o, what) };
}

/** A Node subject (tfjs, onnxruntime) in a worker process. */
export async function runNodeSubject(spec: SubjectSpec, inputs: BenchInputs, onProgress: SubjectProgress,
  timeoutMs: number): Promise<SubjectResult> {
  const req: WorkerRequest = { spec, inputs };
  const worker = WORKER_JS;
  if (!fs.existsSync(worker)) return { spec, ok: false, error: `${worker} is missing: run \`npm run build -w benchmarks\`` };
  const o = await runChild(process.execPath, ['--max-old-space-size=6144', worker, JSON.stringify(req)], onProgress, timeoutMs);
  if (!o.result) return failed(spec, o, 'worker');
  return { ...o.result, spec } as SubjectResult;
}

/** Whether the Debian PyTorch (python3-torch) is importable. */
export function hasPyTorch(): Promise<boolean> {
  if (!fs.existsSync(PYTHON)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const c = spawn(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'ignore' });
    c.on('close', (code) => resolve(code === 0));
    c.on('error', () => resolve(false));
  });
}

/** The PyTorch oracle via benchmarks/python/time_oracle.py. */
export async function runPyTorchSubject(spec: SubjectSpec, inputs: BenchInputs, onProgress: SubjectProgress,
  timeoutMs: number): Promise<SubjectResult> {
  const name = workloadFiles(inputs.workload ?? '0049').pth;
  const pth = plainFile(inputs, name);
  if (pth === undefined) return { spec, ok: false, error: `no ${name} in ${inputs.oracleDir}` };
  const script = path.join(REPO_ROOT, 'benchmarks', 'python', 'time_oracle.py');
  const o = await runChild(PYTHON, [script, '--oracle-dir', inputs.oracleDir, '--pth', pth, '--workload', inputs.workload ?? '0049',
    '--width-div', String(inputs.widthDiv), '--images', ...inputs.images, '--warmup', String(spec.warmup),
    '--runs', String(spec.runs), '--threads', String(spec.threads)], onProgress, timeoutMs);
  if (!o.result) return failed(spec, o, 'time_oracle.py');
  return { ...o.result, spec, ok: true } as SubjectResult;
}

/** The engine's RoIAlign micro-benchmark in a worker process; an error message when it fails. */
export async function runRoiAlignWorker(req: RoiAlignRequest, onProgress: SubjectProgress, timeoutMs: number): Promise<RoiAlignBenchResult | { error: string }> {
  if (!fs.existsSync(WORKER_JS)) return { error: `${WORKER_JS} is missing: run \`npm run build -w benchmarks\`` };
  const o = await runChild<RoiAlignBenchResult>(process.execPath, [WORKER_JS, JSON.stringify(req)], onProgress, timeoutMs);
  return o.result ?? { error: exitMessage(o, 'roi-align worker') };
}
