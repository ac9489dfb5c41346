/**
 * A redis-server for one test file: Debian's /usr/bin/redis-server (or $REDIS_SERVER) on
 * 127.0.0.1, on a free port, in its own temporary directory; no RDB snapshots, and an append-only
 * file only when asked (to survive a restart). Started and stopped by the test (`stop` sends
 * SIGTERM to its PID, then SIGKILL after 10 s); every wait is bounded.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  pid(): number;
  /** Stops it (SIGTERM: with appendonly the data is on disk). */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /** Stops it and deletes its directory. */
  dispose(): Promise<void>;
}

/** A port free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

export async function startRedis(opts: { appendonly?: boolean } = {}): Promise<RedisServer> {
  if (!fs.existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is missing: apt-get install redis-server (or set REDIS_SERVER)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no',
      '--appendonly', opts.appendonly ? 'yes' : 'no', '--appendfsync', 'always', '--logfile', path.join(dir, 'redis.log')];
    const c = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    child = c;
    const deadline = Date.now() + 15000;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`redis-server exited (${c.exitCode}) on port ${port}: ${fs.readFileSync(path.join(dir, 'redis.log'), 'utf8').slice(-500)}`);
      const ok = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.setTimeout(1000);
        s.once('connect', () => s.write('PING\r\n'));
        s.once('data', (d) => { s.destroy(); resolve(d.toString().startsWith('+PONG')); });
        s.once('error', () => { s.destroy(); resolve(false); });
        s.once('timeout', () => { s.destroy(); resolve(false); });
      });
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on 127.0.0.1:${port} within 15 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const stop = async (): Promise<void> => {
    const c = child;
    if (c === undefined || c.pid === undefined) return;
    child = undefined;
    if (c.exitCode !== null || c.signalCode !== null) return;
    process.kill(c.pid, 'SIGTERM');
    if (!(await waitExit(c, 10000))) {
      process.kill(c.pid, 'SIGKILL');
      await waitExit(c, 5000);
    }
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    pid: () => child?.pid ?? -1,
    stop,
    start,
    dispose: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
