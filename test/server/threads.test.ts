/**
 * The wasm threads of `mrcnn serve`'s workers ([Q]: a stream of requests on 2 cores runs best as
 * two 1-thread workers or one 2-thread worker, benchmarks/levers/README.md): by default the cores
 * are shared among the workers (floor(cores / workers), at least 1), as `mrcnn detect` shares them;
 * `--threads` / `threads` sets it; a value outside 1–8 or off the wasm backend is refused before any
 * worker starts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InferenceClient, ServerOptionError, startServer } from '@mrcnn/server';
import { REPO_ROOT } from '../helpers/paths';
import { CLI, startServe, stopAll, waitFor } from './helpers/serve_process';

const DEMO = fs.readFileSync(path.join(REPO_ROOT, 'packages', 'model', 'default-model', 'demo.png'));

afterAll(async () => {
  await stopAll();
});

describe('threads of the workers', () => {
  it.each([[0], [9], [1.5], ['2']])('startServer refuses threads %p with a ServerOptionError naming it', async (threads) => {
    const e = await startServer({ port: 0, threads: threads as number }).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(ServerOptionError);
    expect((e as ServerOptionError).option).toBe('threads');
    expect((e as Error).message).toContain('expected an integer from 1 to 8');
  });

  it('startServer refuses threads off the wasm backend', async () => {
    const e = await startServer({ port: 0, backend: 'cpu', threads: 2 }).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(ServerOptionError);
    expect((e as Error).message).toBe('server option threads: applies to the wasm backend, not cpu');
  });

  it('mrcnn serve --threads 0 is a usage error (exit 2)', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--threads', '0'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--threads');
  });

  it.each([
    [['--workers', '2', '--threads', '1'], '2 worker(s) of 1 wasm thread(s)'],
    [['--workers', '2'], `2 worker(s) of ${Math.max(1, Math.min(8, Math.floor(os.availableParallelism() / 2)))} wasm thread(s)`],
  ])('mrcnn serve %p: the ready line says "%s" and it detects', async (args, said) => {
    const server = await startServe([...args, '--name', 'm']);
    await waitFor('the ready line', () => server.output().includes(' ready: '), 60_000);
    expect(server.output()).toContain(said);
    const both = await Promise.all([0, 1].map(() => new InferenceClient(server.url).detect('m', DEMO, { scoreThreshold: 0.3 })));
    for (const r of both) expect(r.instances.length).toBeGreaterThan(0);
    expect(await server.stop()).toBe(0);
  });
});
