/**
 * A file server on 127.0.0.1 (a free port) for the hub's download tests, behaving as a CDN does:
 * GET with `Range: bytes=N-` (206 + Content-Range, 416 past the end), `If-Range` against its ETag,
 * Content-Length on every answer, 404 for other paths. Per file, faults a test can ask for:
 * `dropAfter` (the first `dropTimes` full or ranged answers send only that many body bytes, then
 * the socket is destroyed) and `stallAfter` (the body stops after that many bytes and the
 * connection stays open). Every request is recorded. `close()` stops it and every open socket.
 */
import { createHash } from 'crypto';
import * as http from 'http';
import type { Socket } from 'net';

export interface ServedFile {
  body: Buffer;
  /** Send only this many body bytes, then destroy the connection ... */
  dropAfter?: number;
  /** ... on this many requests (default 1). */
  dropTimes?: number;
  /** Send this many body bytes, then nothing more (the connection stays open). */
  stallAfter?: number;
}

export interface RecordedRequest {
  path: string;
  range?: string;
  ifRange?: string;
  status: number;
}

export interface CheckpointServer {
  origin: string;
  requests: RecordedRequest[];
  files: Map<string, ServedFile>;
  close(): Promise<void>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function startCheckpointServer(files: Record<string, ServedFile> = {}): Promise<CheckpointServer> {
  const served = new Map(Object.entries(files));
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const drops = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = served.get(path);
    const range = req.headers.range;
    const ifRange = req.headers['if-range'] as string | undefined;
    const record = (status: number): void => {
      requests.push({ path, status, ...(range !== undefined ? { range } : {}), ...(ifRange !== undefined ? { ifRange } : {}) });
    };
    if (file === undefined) {
      record(404);
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 9 }).end('not found');
      return;
    }
    const size = file.body.length;
    const etag = `"${sha256Hex(file.body).slice(0, 16)}"`;
    let start = 0;
    let status = 200;
    const m = range === undefined ? null : /^bytes=(\d+)-$/.exec(range);
    if (m !== null && (ifRange === undefined || ifRange === etag)) {
      start = Number(m[1]);
      if (start >= size) {
        record(416);
        res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0 }).end();
        return;
      }
      status = 206;
    }
    record(status);
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': 'application/octet-stream', 'Content-Length': size - start, ETag: etag, 'Accept-Ranges': 'bytes',
    };
    if (status === 206) headers['Content-Range'] = `bytes ${start}-${size - 1}/${size}`;
    res.writeHead(status, headers);
    const body = file.body.subarray(start);
    const dropped = drops.get(path) ?? 0;
    if (file.dropAfter !== undefined && dropped < (file.dropTimes ?? 1) && file.dropAfter < body.length) {
      drops.set(path, dropped + 1);
      res.write(body.subarray(0, file.dropAfter), () => setTimeout(() => req.socket.destroy(), 20));
      return;
    }
    if (file.stallAfter !== undefined && file.stallAfter < body.length) {
      res.write(body.subarray(0, file.stallAfter)); // and never more
      return;
    }
    res.end(body);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      if (addr === null || typeof addr === 'string') {
        reject(new Error('checkpoint server: no TCP port'));
        return;
      }
      resolve({
        origin: `http://127.0.0.1:${addr.port}`,
        requests,
        files: served,
        close: () => new Promise<void>((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export function refusedPort(): Promise<number> {
  const s = http.createServer();
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (addr !== null && typeof addr !== 'string' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
