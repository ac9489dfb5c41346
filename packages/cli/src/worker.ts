/**
 * Worker thread of `mrcnn detect` and `mrcnn worker` (a @mrcnn/worker-pool script, run by
 * ./pool's ThreadPool): loads the model once, then runs the jobs the pool sends, answering each
 * with its result or its error. A model that fails to load is reported as fatal.
 */
import { load } from '@mrcnn/model';
import type { BackendName } from '@mrcnn/model';
import { serveTasks } from '@mrcnn/worker-pool';
import { DetectSettings, ImageResult, Job, runJob } from './job';

export interface WorkerConfig {
  model: string;
  backend?: BackendName;
  /** wasm threads per worker (the pool shares the cores: cores / workers, at least 1). */
  threads?: number;
  settings: DetectSettings;
}

serveTasks<WorkerConfig, Job, ImageResult>(async (cfg) => {
  const model = await load(cfg.model, { backend: cfg.backend, threads: cfg.threads });
  return {
    info: undefined,
    run: (job) => {
      // Test hooks: a crash of this thread on one image (test/e2e/cli.test.ts), or a native crash
      // taking down the whole process (test/services: `mrcnn worker` killed mid-image).
      const crashOn = process.env.MRCNN_TEST_WORKER_EXIT_ON;
      if (crashOn !== undefined && crashOn !== '' && job.input.endsWith(crashOn)) process.exit(70);
      const killOn = process.env.MRCNN_TEST_PROCESS_KILL_ON;
      if (killOn !== undefined && killOn !== '' && job.input.endsWith(killOn)) process.kill(process.pid, 'SIGKILL');
      return runJob(model, job, cfg.settings);
    },
    dispose: () => model.dispose(),
  };
});
