/**
 * Worker-thread entry of a live source (live_client.ts starts it): runs a LiveReader and answers
 * the main thread's `next` requests with the next item, a frame's pixels transferred (not
 * copied). Because this thread does nothing else, ffmpeg's output is always read: frames the main
 * thread is too busy for are dropped here. Errors go back as their class name and message.
 *
 * Messages in: {op: 'next'} | {op: 'close'}; out: {op: 'item', item} | {op: 'done'} |
 * {op: 'error', name, message, props} | {op: 'closed'}, each with the reader's `frameRate` and `pid`.
 */
import { parentPort, workerData } from 'worker_threads';
import type { SourceItem } from '../types';
import { LiveReader } from './live_reader';
import type { VideoSourceOptions } from './source_options';
import type { SourceSpec } from './source_spec';

interface LiveWorkerData {
  spec: SourceSpec;
  options: Pick<VideoSourceOptions, 'reconnect' | 'stallTimeoutMs' | 'queue'>;
  binary: string;
}

if (parentPort !== null) {
  const port = parentPort;
  const { spec, options, binary } = workerData as LiveWorkerData;
  const reader = new LiveReader(spec, options, binary);
  const meta = (): { frameRate: number | undefined; pid: number | undefined } => ({ frameRate: reader.frameRate, pid: reader.ffmpegPid });
  port.on('message', (msg: { op: 'next' | 'close' }) => {
    if (msg.op === 'close') {
      void reader.close().finally(() => {
        port.postMessage({ op: 'closed', ...meta() });
        port.close();
      });
      return;
    }
    reader.next().then((r) => {
      if (r.done) {
        port.postMessage({ op: 'done', ...meta() });
        return;
      }
      const item: SourceItem = r.value;
      if (item.type === 'frame') {
        const data = (item.image as { data: Uint8Array }).data;
        port.postMessage({ op: 'item', item, ...meta() }, [data.buffer as ArrayBuffer]);
      } else {
        port.postMessage({ op: 'item', item, ...meta() });
      }
    }, (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ op: 'error', name: err.name, message: err.message, props: { ...err }, ...meta() });
    });
  });
}
