/**
 * Shared by the queue service tests: an image directory made from the committed images, the built
 * `mrcnn` bin run to completion (`mrcnn()`) or as a long-lived worker process (`spawnWorker()`, its
 * output read line by line, waits bounded, killed by PID in teardown), and the single-machine
 * reference run (`mrcnn detect <dir>`) whose outputs the distributed runs must equal.
 */
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { IMAGES, REPO_ROOT } from '../../helpers/paths';

export const CLI = path.join(REPO_ROOT, 'packages', 'cli', 'dist', 'main.js');
const DEMO = path.join(REPO_ROOT, 'packages', 'model', 'default-model', 'demo.png');

/** The embedded default model is weak (scores rarely above 0.6): a low threshold gives instances. */
export const DETECT_ARGS = ['--score', '0.3'];
/** Short locks so lost images are taken over within seconds. */
export const FAST_LOCKS = ['--lock-ms', '3000', '--stall-check-ms', '1000'];

export function requireBuild(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build before these tests`);
}

/** Six images (two with numeric COCO names) in `dir`; `extra` names get a copy of `source`. */
export function writeImageDir(dir: string, extra: Record<string, string | Buffer> = {}): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: Record<string, string | Buffer> = {
    '000000000007.png': DEMO,
    '000000000042.png': path.join(IMAGES, 'chelsea.png'),
    'astronaut.png': path.join(IMAGES, 'astronaut.png'),
    'phone.jpg': path.join(IMAGES, 'phone.jpg'),
    'rocket.jpg': path.join(IMAGES, 'rocket.jpg'),
    'shapes.png': DEMO,
    ...extra,
  };
  for (const [name, src] of Object.entries(files)) {
    if (Buffer.isBuffer(src)) fs.writeFileSync(path.join(dir, name), src);
    else fs.copyFileSync(src, path.join(dir, name));
  }
  return Object.keys(files).sort();
}

export function mrcnn(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300000 });
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Lines of stdout matching `re`. */
  lines(re: RegExp): string[];
  /** Resolves with the first stdout line matching `re`; rejects after `ms`. */
  waitFor(re: RegExp, ms: number): Promise<string>;
  /** Resolves with the exit code and signal; rejects after `ms`. */
  exited(ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

const live = new Set<ChildProcess>();

export function spawnWorker(args: string[], env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, [CLI, 'worker', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error('mrcnn worker did not start');
  live.add(child);
  let out = '';
  let err = '';
  const watchers: Array<() => void> = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; for (const w of [...watchers]) w(); });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
  let result: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.on('exit', (code, signal) => {
    result = { code, signal };
    live.delete(child);
    for (const w of [...watchers]) w();
  });
  const lines = (re: RegExp): string[] => out.split('\n').filter((l) => re.test(l));
  const pid = child.pid;
  return {
    child,
    pid,
    stdout: () => out,
    stderr: () => err,
    lines,
    waitFor: (re, ms) => new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = lines(re)[0];
        if (hit !== undefined) {
          done();
          resolve(hit);
          return true;
        }
        if (result !== undefined) {
          done();
          reject(new Error(`worker ${pid} exited (${JSON.stringify(result)}) before printing ${re}\nstdout:\n${out}\nstderr:\n${err}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => { done(); reject(new Error(`worker ${pid}: no line ${re} within ${ms} ms\nstdout:\n${out}\nstderr:\n${err}`)); }, ms);
      const done = (): void => {
        clearTimeout(timer);
        const i = watchers.indexOf(watch);
        if (i >= 0) watchers.splice(i, 1);
      };
      const watch = (): void => { check(); };
      watchers.push(watch);
      check();
    }),
    exited: (ms) => new Promise((resolve, reject) => {
      if (result !== undefined) {
        resolve(result);
        return;
      }
      const timer = setTimeout(() => reject(new Error(`worker ${pid} still running after ${ms} ms\nstdout:\n${out}\nstderr:\n${err}`)), ms);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    }),
    kill: (signal) => { process.kill(pid, signal); },
  };
}

/** Teardown: SIGKILL every worker process a test left running, by PID. */
export async function killWorkers(): Promise<void> {
  const waits: Array<Promise<void>> = [];
  for (const c of live) {
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) {
      waits.push(new Promise((resolve) => c.once('exit', () => resolve())));
      process.kill(c.pid, 'SIGKILL');
    }
  }
  await Promise.all(waits);
  live.clear();
}

export interface Reference {
  /** `<out>/<name>.results.json` bytes of the single-machine run. */
  results: string;
  /** Overlay PNG bytes by file name. */
  overlays: Map<string, Buffer>;
}

/** The single-machine run: `mrcnn detect <dir>` with the same settings. */
export function referenceRun(dir: string, out: string): Reference {
  const r = mrcnn(['detect', dir, '--out', out, '--workers', '2', '--quiet', ...DETECT_ARGS]);
  if (r.status !== 0) throw new Error(`reference detect failed (${r.status}): ${r.stderr}`);
  return readOutputs(out, path.basename(dir));
}

export function readOutputs(out: string, name: string): Reference {
  const overlays = new Map<string, Buffer>();
  const dir = path.join(out, name);
  if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir).sort()) overlays.set(f, fs.readFileSync(path.join(dir, f)));
  return { results: fs.readFileSync(path.join(out, `${name}.results.json`), 'utf8'), overlays };
}

/** A results JSON's entries sorted by their JSON text ("byte for byte after sorting"). */
export function sortedEntries(json: string): string[] {
  return (JSON.parse(json) as unknown[]).map((e) => JSON.stringify(e)).sort();
}

export interface StatusJson {
  total: number; completed: number; failed: number; active: number; waiting: number; delayed: number; workers: number; rate: number;
  failures: Array<{ key: string; file: string; reason: string; attempts: number }>;
}

export function status(redis: string, queue: string): StatusJson {
  const r = mrcnn(['status', '--redis', redis, '--queue', queue, '--json']);
  if (r.status !== 0) throw new Error(`status failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as StatusJson;
}
