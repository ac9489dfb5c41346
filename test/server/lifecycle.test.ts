/**
 * `mrcnn serve`'s life under load and failure (the embedded default model): readiness false until
 * the model is loaded (its model.json is a FIFO the test writes when it chooses); a full queue
 * answered 503 with Retry-After while the worker is still busy; a request's timeout answered 504
 * (a queued one dropped, a running one's worker replaced); a crashed worker replaced and its
 * request answered 500; metrics; SIGTERM drains the accepted requests and exits 0; a model that
 * cannot be loaded exits 1. A slow request is a real one: a 1536x1536 image with every detection
 * pasted at full size.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeImage } from '@mrcnn/model';
import { InferenceClient, InferenceServerError } from '@mrcnn/server';
import { IMAGES, REPO_ROOT } from '../helpers/paths';
import { writePng } from '../helpers/png_writer';
import { metric, ServeProcess, startServe, stopAll, waitFor } from './helpers/serve_process';

const NAME = 'default';
const DEFAULT_MODEL = path.join(REPO_ROOT, 'packages', 'model', 'default-model');
const DEMO = fs.readFileSync(path.join(DEFAULT_MODEL, 'demo.png'));
let tmp: string;
let slowImage: Buffer;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-serve-life-'));
  // astronaut.png scaled 3x (nearest): 1536x1536, detected with score 0 → 100 masks pasted at full size.
  const src = await decodeImage(fs.readFileSync(path.join(IMAGES, 'astronaut.png')));
  const k = 3;
  const rows = Array.from({ length: src.height * k }, (_, y) => {
    const row = new Uint8Array(src.width * k * 3);
    for (let x = 0; x < src.width * k; x++) row.set(src.data.subarray(((Math.floor(y / k) * src.width) + Math.floor(x / k)) * 3, ((Math.floor(y / k) * src.width) + Math.floor(x / k)) * 3 + 3), x * 3);
    return row;
  });
  slowImage = writePng({ width: src.width * k, height: src.height * k, bitDepth: 8, colorType: 2, rows });
});

afterAll(async () => {
  await stopAll();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const slow = (client: InferenceClient, extra: { id?: string } = {}): Promise<unknown> =>
  client.detect(NAME, slowImage, { scoreThreshold: 0, ...extra });

/** Settles to the error a request failed with (undefined when it succeeded). */
const failure = (p: Promise<unknown>): Promise<InferenceServerError | undefined> =>
  p.then(() => undefined, (e: unknown) => {
    if (e instanceof InferenceServerError) return e;
    throw e;
  });

describe('readiness', () => {
  it('is false until the model is loaded: live 200, ready 400, infer 503 with Retry-After; then true', async () => {
    const dir = path.join(tmp, 'fifo-model');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(DEFAULT_MODEL, 'group1-shard1of1.bin'), path.join(dir, 'group1-shard1of1.bin'));
    const fifo = path.join(dir, 'model.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // The worker's read of model.json blocks until the test writes it.
    const server = await startServe(['--model', dir, '--name', NAME], { waitReady: false });
    const client = new InferenceClient(server.url);
    expect([await client.isLive(), await client.isReady(), await client.isModelReady(NAME)]).toEqual([true, false, false]);
    const ready = await fetch(`${server.url}/v2/health/ready`);
    expect([ready.status, await ready.json()]).toEqual([400, { error: 'not ready: the model is loading or the server is shutting down' }]);
    const e = await failure(client.detect(NAME, DEMO));
    expect([e?.status, e?.message, e?.retryAfter]).toEqual([503, 'HTTP 503: the model is not ready (loading or shutting down)', 1]);
    expect(await metric(server.url, 'mrcnn_model_ready')).toBe(0);
    await fs.promises.writeFile(fifo, fs.readFileSync(path.join(DEFAULT_MODEL, 'model.json')));
    await waitFor('readiness', () => client.isReady());
    expect(await client.isModelReady(NAME)).toBe(true);
    expect(await metric(server.url, 'mrcnn_model_ready')).toBe(1);
    expect((await client.detect(NAME, DEMO, { scoreThreshold: 0.3 })).instances.length).toBeGreaterThan(0);
    expect(await metric(server.url, 'mrcnn_model_load_seconds')).toBeGreaterThan(0);
    expect(await server.stop()).toBe(0);
  });

  it('a model that cannot be loaded: the server exits 1 naming it', async () => {
    const dir = path.join(tmp, 'bad-model');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'model.json'), '{"weightsManifest": "nope"}');
    const server = await startServe(['--model', dir], { waitReady: false });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/mrcnn serve: FatalWorkerError: ModelLoadError: .*model\.json/);
  });
});

describe('one worker, a queue of one', () => {
  let server: ServeProcess;
  let client: InferenceClient;
  beforeAll(async () => {
    server = await startServe(['--name', NAME, '--workers', '1', '--queue', '1'], { env: { MRCNN_TEST_SERVE_EXIT_ON_ID: 'crash-me' } });
    client = new InferenceClient(server.url);
  });

  const inFlight = (n: number): Promise<void> => waitFor(`${n} in flight`, async () => (await metric(server.url, 'mrcnn_infer_in_flight')) === n);
  const queued = (n: number): Promise<void> => waitFor(`${n} queued`, async () => (await metric(server.url, 'mrcnn_infer_queue_depth')) === n);

  it('a full queue is answered 503 with Retry-After at once, while the worker is still busy', async () => {
    let firstDone = false;
    const first = slow(client).finally(() => { firstDone = true; });
    await inFlight(1);
    const second = slow(client);
    await queued(1);
    const refused = await Promise.all([failure(client.detect(NAME, DEMO)), failure(client.executeCard(NAME, new Float32Array(460800), [1, 3, 320, 480], [320, 480, 1]))]);
    // Answered before the running request finished: no waiting in an unbounded line.
    expect(firstDone).toBe(false);
    for (const e of refused) {
      expect([e?.status, e?.message]).toEqual([503, 'HTTP 503: the inference queue is full (1 running, 1 waiting): retry later']);
      expect(e!.retryAfter).toBeGreaterThanOrEqual(1);
    }
    await expect(first).resolves.toEqual(expect.objectContaining({ width: 1536, height: 1536 }));
    await expect(second).resolves.toEqual(expect.objectContaining({ width: 1536 }));
    expect(await metric(server.url, 'mrcnn_infer_requests_total', { outcome: 'rejected' })).toBe(2);
  });

  it('a request\'s timeout: queued, it is dropped; running, its worker is replaced; both 504, the next request succeeds', async () => {
    const running = slow(client);
    await inFlight(1);
    const queuedTimeout = await failure(client.infer(NAME, {
      parameters: { timeout: 100_000 }, inputs: [{ name: 'im_data', datatype: 'BYTES', shape: [1], data: [DEMO] }] }));
    expect([queuedTimeout?.status, queuedTimeout?.message]).toEqual([504, 'HTTP 504: inference timed out: no free worker within 100 ms']);
    await running;
    expect(await metric(server.url, 'mrcnn_worker_restarts_total', { cause: 'abort' })).toBe(0);
    const runningTimeout = await failure(client.infer(NAME, {
      parameters: { timeout: 200_000, score_threshold: 0 }, binary: true, inputs: [{ name: 'im_data', datatype: 'BYTES', shape: [1], data: [slowImage] }] }));
    expect([runningTimeout?.status, runningTimeout?.message])
      .toEqual([504, 'HTTP 504: inference timed out: no result within 200 ms (its worker was restarted)']);
    expect(await metric(server.url, 'mrcnn_worker_restarts_total', { cause: 'abort' })).toBe(1);
    expect((await client.detect(NAME, DEMO, { scoreThreshold: 0.3 })).instances.length).toBeGreaterThan(0);
    expect(await metric(server.url, 'mrcnn_infer_requests_total', { outcome: 'timeout' })).toBe(2);
  });

  it('a worker that crashes is replaced: its request gets a 500, the next one succeeds', async () => {
    const e = await failure(client.detect(NAME, DEMO, { id: 'crash-me' }));
    expect([e?.status, e?.message]).toEqual([500, 'HTTP 500: inference failed: the worker running it crashed (exit code 70); it was replaced']);
    expect((await client.detect(NAME, DEMO, { scoreThreshold: 0.3, id: 'fine' })).instances.length).toBeGreaterThan(0);
    expect(await metric(server.url, 'mrcnn_worker_restarts_total', { cause: 'crash' })).toBe(1);
    expect(await metric(server.url, 'mrcnn_infer_requests_total', { outcome: 'crash' })).toBe(1);
  });

  it('/metrics: the documented families, counts that add up', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    for (const family of ['mrcnn_http_requests_total', 'mrcnn_infer_requests_total', 'mrcnn_infer_duration_seconds', 'mrcnn_infer_queue_wait_seconds',
      'mrcnn_infer_queue_depth', 'mrcnn_infer_in_flight', 'mrcnn_model_ready', 'mrcnn_model_load_seconds', 'mrcnn_worker_restarts_total',
      'mrcnn_worker_tensors', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes']) {
      expect([family, text.includes(`# TYPE ${family} `)]).toEqual([family, true]);
    }
    const successes = await metric(server.url, 'mrcnn_infer_requests_total', { outcome: 'success' });
    const timed = (await metric(server.url, 'mrcnn_infer_duration_seconds_count', { input: 'image' })) +
      (await metric(server.url, 'mrcnn_infer_duration_seconds_count', { input: 'tensors' }));
    expect(successes).toBe(5);
    expect(timed).toBe(successes);
    expect(await metric(server.url, 'mrcnn_http_requests_total', { method: 'POST', route: '/v2/models/:name/infer', status: '200' })).toBe(successes);
    expect(await metric(server.url, 'process_resident_memory_bytes')).toBeGreaterThan(50 * 2 ** 20);
  });

  it('SIGTERM: readiness off, the running and queued requests finish, new connections are refused, exit 0', async () => {
    const first = slow(client);
    await inFlight(1);
    const second = client.detect(NAME, DEMO, { scoreThreshold: 0.3 });
    await queued(1);
    server.child.kill('SIGTERM');
    await waitFor('the drain to start', () => /draining: 1 running, 1 queued/.test(server.output()), 30_000);
    // Refused (ECONNREFUSED), or 503 on a connection still open: never ready again.
    const late = await fetch(`${server.url}/v2/health/ready`).then((r) => r.status, (e: Error) => (e.cause as { code?: string })?.code ?? e.message);
    expect(late).not.toBe(200);
    await expect(first).resolves.toEqual(expect.objectContaining({ width: 1536 }));
    expect((await second).instances.length).toBeGreaterThan(0);
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/SIGTERM: finishing the accepted requests, then exiting\n.*draining: 1 running, 1 queued\n.*stopped\n/);
  });
});
