/**
 * Real ffmpeg processes that play a camera for the live-source tests, on 127.0.0.1 and free ports:
 * an RTSP publisher (pushes testsrc2 over RTSP/TCP to a listener) and an HTTP MPEG-TS server
 * (`-listen 1`: serves one client). Each is stopped by its PID; the publisher is restarted while
 * the listener is not up yet, a bounded number of times.
 */
import { ChildProcess, spawn } from 'child_process';
import * as net from 'net';
import { FFMPEG } from './video_clips';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Publisher {
  pid: number;
  /** SIGKILL (a camera losing power); resolves when it is gone. */
  kill(): Promise<void>;
}

const CAMERA = ['-re', '-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=10', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency',
  '-g', '10', '-pix_fmt', 'yuv420p'];

function track(child: ChildProcess): Publisher {
  const gone = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    pid: child.pid ?? -1,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await gone;
    },
  };
}

/**
 * Starts `args` until `connected()` says the peer got it: a process that exits first (the peer was
 * not listening yet: connection refused) is started again, up to `tries` times.
 */
async function startUntil(args: string[], connected: () => boolean, tries: number): Promise<Publisher> {
  for (let k = 0; k < tries; k++) {
    const child = spawn(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.resume();
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    let gone = false;
    void exited.then(() => { gone = true; });
    const t0 = Date.now();
    while (!gone && !connected() && Date.now() - t0 < 60000) await new Promise((r) => setTimeout(r, 50));
    if (!gone && connected()) return track(child);
    if (!gone) child.kill('SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`ffmpeg ${args.join(' ')}: the peer got nothing in ${tries} tries`);
}

/** Publishes a live test pattern to the RTSP listener at `url` (TCP), until `connected()` (the listener got frames). */
export function startRtspPublisher(url: string, connected: () => boolean): Promise<Publisher> {
  return startUntil([...CAMERA, '-f', 'rtsp', '-rtsp_transport', 'tcp', url], connected, 30);
}

/** Serves a live test pattern as MPEG-TS over HTTP at `url` to one client. */
export function startHttpServer(url: string): Promise<Publisher> {
  const child = spawn(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...CAMERA, '-f', 'mpegts', '-listen', '1', url],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.resume();
  return Promise.resolve(track(child));
}

/** Resolves when `cond()` holds, polling; rejects after `timeoutMs` with `what`. */
export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
