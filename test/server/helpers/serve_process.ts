/**
 * `mrcnn serve` as a user runs it: the built bin (packages/cli/dist/main.js; `npm run build` first)
 * spawned on 127.0.0.1 with port 0, its URL read from its "listening on" line, readiness polled
 * with a bounded loop; stopped by PID (SIGTERM, then SIGKILL after a bound) in teardown.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../../helpers/paths';

export const CLI = path.join(REPO_ROOT, 'packages', 'cli', 'dist', 'main.js');

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Sends `signal` (default SIGTERM) and waits for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

const running = new Set<ServeProcess>();

/** Polls `check` every 50 ms until it returns true; throws after `timeoutMs` naming `what`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts `mrcnn serve <args>` (port 0 on 127.0.0.1); waits for readiness unless `waitReady` is false. */
export async function startServe(args: string[], options: { env?: Record<string, string>; waitReady?: boolean } = {}): Promise<ServeProcess> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build before these tests`);
  const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => { done = true; });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 60_000): Promise<number | null> => {
    if (!done) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    running.delete(proc);
    return code;
  };
  const proc: ServeProcess = { url: '', child, output: () => out, exited, stop };
  running.add(proc);
  await waitFor('the "listening on" line', () => {
    if (done) throw new Error(`mrcnn serve exited before listening:\n${out}`);
    return /listening on http:\/\/[\d.]+:\d+/.test(out);
  }, 60_000);
  proc.url = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)![1];
  if (options.waitReady !== false) {
    await waitFor('readiness', async () => {
      if (done) throw new Error(`mrcnn serve exited before it was ready:\n${out}`);
      return (await fetch(`${proc.url}/v2/health/ready`)).status === 200;
    });
  }
  return proc;
}

/** Stops every server the tests started (afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop('SIGKILL', 10_000)));
}

/** The value of a metric line `name{labels}` in /metrics (0 when absent). */
export async function metric(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    if ((m[2] ?? '') === want) return Number(m[3]);
  }
  return 0;
}
