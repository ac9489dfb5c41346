/**
 * Worker thread of `mrcnn detect`: loads the model once, then runs the jobs the pool sends,
 * answering each with its result or its error. A model that fails to load is reported as fatal.
 */
import { parentPort, workerData } from 'worker_threads';
import { load } from '@mrcnn/model';
import type { BackendName, Model } from '@mrcnn/model';
import { DetectSettings, ImageResult, Job, runJob } from './job';

export interface WorkerConfig {
  model: string;
  backend?: BackendName;
  /** wasm threads per worker (the pool shares the cores: cores / workers, at least 1). */
  threads?: number;
  settings: DetectSettings;
}

export type ToWorker = { type: 'job'; job: Job } | { type: 'stop' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: ImageResult }
  | { type: 'failed'; id: number; error: string }
  | { type: 'fatal'; error: string };

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('cli/worker.js runs only as a worker thread');
  const cfg = workerData as WorkerConfig;
  const send = (m: FromWorker): void => port.postMessage(m);
  let model: Model;
  try {
    model = await load(cfg.model, { backend: cfg.backend, threads: cfg.threads });
  } catch (e) {
    send({ type: 'fatal', error: describeError(e) });
    return;
  }
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') {
      model.dispose();
      port.close();
      return;
    }
    // Test hooks: a crash of this thread on one image (test/e2e/cli.test.ts), or a native crash
    // taking down the whole process (test/services: `mrcnn worker` killed mid-image).
    const crashOn = process.env.MRCNN_TEST_WORKER_EXIT_ON;
    if (crashOn !== undefined && crashOn !== '' && m.job.input.endsWith(crashOn)) process.exit(70);
    const killOn = process.env.MRCNN_TEST_PROCESS_KILL_ON;
    if (killOn !== undefined && killOn !== '' && m.job.input.endsWith(killOn)) process.kill(process.pid, 'SIGKILL');
    runJob(model, m.job, cfg.settings).then(
      (result) => send({ type: 'done', id: m.job.id, result }),
      (e: unknown) => send({ type: 'failed', id: m.job.id, error: describeError(e) }),
    );
  });
  send({ type: 'ready' });
}

void main();
