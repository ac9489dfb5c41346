/**
 * `mrcnn serve` under bad input (the embedded default model): malformed JSON, missing and extra
 * inputs, wrong datatypes, wrong and huge shapes, data length ≠ shape, NaN/Inf, BYTES that are not
 * an image, a truncated PNG, a real 10000x10000 PNG, an unknown model, a body over the limit, a
 * lying Inference-Header-Content-Length. Each is answered with a 4xx and the protocol's error
 * object naming the problem; the next valid request succeeds; over repeated rounds the workers'
 * tensors stay constant and the process's resident memory does not grow.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { InferenceClient } from '@mrcnn/server';
import { REPO_ROOT } from '../helpers/paths';
import { writePng } from '../helpers/png_writer';
import { metric, ServeProcess, startServe, stopAll } from './helpers/serve_process';

const NAME = 'default';
const DEMO = fs.readFileSync(path.join(REPO_ROOT, 'packages', 'model', 'default-model', 'demo.png'));
let server: ServeProcess;
let client: InferenceClient;

beforeAll(async () => {
  server = await startServe(['--name', NAME, '--max-body-mb', '8', '--workers', '1']);
  client = new InferenceClient(server.url);
});

afterAll(() => stopAll());

const IM_INFO = { name: 'im_info', datatype: 'FP32', shape: [1, 3], data: [320, 480, 1] };
const zeros = (n: number): number[] => new Array<number>(n).fill(0);
const imData = (shape = [1, 3, 320, 480], data: unknown = zeros(3 * 320 * 480)): Record<string, unknown> =>
  ({ name: 'im_data', datatype: 'FP32', shape, data });

/** A real (decodable) PNG of `width` x `height` black 1-bit grey pixels: tiny on disk, huge decoded. */
function blackPng(width: number, height: number): Buffer {
  const row = new Uint8Array(Math.ceil(width / 8));
  return writePng({ width, height, bitDepth: 1, colorType: 0, rows: new Array<Uint8Array>(height).fill(row) });
}

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

interface Abuse {
  what: string;
  status: number;
  error: RegExp;
  send(): Promise<Answer>;
}

async function post(body: string | Uint8Array, headers: Record<string, string> = {}, model = NAME): Promise<Answer> {
  const res = await fetch(`${server.url}/v2/models/${model}/infer`, {
    method: 'POST', body: body as BodyInit, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

/**
 * A request announcing a `length`-byte body (Content-Length) that sends only its first 64 KiB:
 * the server answers from the header, without reading the rest (fetch would fail writing a body
 * the server refused).
 */
function announceBody(length: number): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let answered = false;
    const req = http.request(`${server.url}/v2/models/${NAME}/infer`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(length) },
    }, (res) => {
      answered = true;
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? null, text });
      });
    });
    req.on('error', (e) => { if (!answered) reject(e); });
    req.write(Buffer.alloc(64 * 1024));
  });
}

const postJson = (o: unknown, model = NAME): Promise<Answer> => post(JSON.stringify(o), {}, model);
const image = (bytes: Uint8Array): Promise<Answer> =>
  postJson({ inputs: [{ name: 'im_data', datatype: 'BYTES', shape: [1], data: [Buffer.from(bytes).toString('base64')] }] });

const ABUSES: Abuse[] = [
  { what: 'malformed JSON', status: 400, error: /^malformed JSON in the request: /, send: () => post('{"inputs": [{"name": "im_data",') },
  { what: 'binary garbage', status: 400, error: /^(malformed JSON in the request|the request's JSON is not valid UTF-8)/,
    send: () => post(Uint8Array.of(0xff, 0xfe, 0, 1, 2), { 'content-type': 'application/octet-stream' }) },
  { what: 'no inputs', status: 400, error: /^"inputs" must be a non-empty array/, send: () => postJson({ inputs: [] }) },
  { what: 'a missing input', status: 400, error: /^missing input im_info/, send: () => postJson({ inputs: [imData()] }) },
  { what: 'an extra input', status: 400, error: /^unexpected input "extra"/,
    send: () => postJson({ inputs: [imData(), IM_INFO, { name: 'extra', datatype: 'FP32', shape: [1], data: [0] }] }) },
  { what: 'a wrong datatype', status: 400, error: /^input im_data: datatype INT32, expected FP32/,
    send: () => postJson({ inputs: [{ ...imData(), datatype: 'INT32' }, IM_INFO] }) },
  { what: 'a wrong shape', status: 400, error: /^input im_data: shape \[1,3,300,480\], expected \[1,3,H,W\]/,
    send: () => postJson({ inputs: [imData([1, 3, 300, 480], zeros(3 * 300 * 480)), IM_INFO] }) },
  { what: 'a huge declared shape', status: 400, error: /^input im_data: shape \[1,3,1000000000,1000000000\] declares more than/,
    send: () => postJson({ inputs: [imData([1, 3, 1e9, 1e9], [0]), IM_INFO] }) },
  { what: 'data shorter than the shape', status: 400, error: /^input im_data: "data" holds 10 elements, its shape declares 460800/,
    send: () => postJson({ inputs: [imData(undefined, zeros(10)), IM_INFO] }) },
  { what: 'Infinity in JSON data (1e999)', status: 400, error: /^input im_info: element 2 is Infinity as FP32/,
    send: () => post(`{"inputs":[{"name":"im_info","datatype":"FP32","shape":[1,3],"data":[320,480,1e999]},${JSON.stringify(imData())}]}`) },
  { what: 'NaN in binary data', status: 400, error: /^input im_data: element 7 is NaN: values must be finite/,
    send: () => {
      const data = new Float32Array(3 * 320 * 480);
      data[7] = NaN;
      const header = JSON.stringify({ inputs: [{ ...imData(), data: undefined, parameters: { binary_data_size: data.byteLength } }, IM_INFO] });
      return post(Buffer.concat([Buffer.from(header), Buffer.from(data.buffer)]),
        { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(Buffer.byteLength(header)) });
    } },
  { what: 'a lying Inference-Header-Content-Length', status: 400, error: /^Inference-Header-Content-Length "99999": expected a byte count/,
    send: () => post('{"inputs": []}', { 'inference-header-content-length': '99999' }) },
  { what: 'BYTES that are not an image', status: 400, error: /^input im_data: the BYTES data is not a PNG or JPEG image/,
    send: () => image(new TextEncoder().encode('this is not an image at all')) },
  { what: 'a truncated PNG (decoded in the worker)', status: 400, error: /^ImageDecodeError: .*input im_data/,
    send: () => image(DEMO.subarray(0, 2000)) },
  { what: 'a 10000x10000 PNG', status: 400, error: /^input im_data: the PNG declares 10000x10000 pixels, over this server's limit of 16777216/,
    send: () => image(blackPng(10000, 10000)) },
  { what: 'an unknown model', status: 404, error: /^unknown model "nope": this server serves "default"/,
    send: () => postJson({ inputs: [imData(), IM_INFO] }, 'nope') },
  { what: 'a body over --max-body-mb', status: 413, error: /Request body is too large/, send: () => announceBody(9 * 2 ** 20) },
];

/** A valid request of each kind succeeds. */
async function validRequests(): Promise<void> {
  const card = await client.executeCard(NAME, new Float32Array(3 * 320 * 480).fill(114), [1, 3, 320, 480], [320, 480, 1], { outputs: ['scores'] });
  expect(card.scores!.length).toBe(100);
  const det = await client.detect(NAME, DEMO, { scoreThreshold: 0.3 });
  expect([det.width, det.height]).toEqual([480, 320]);
  expect(det.instances.length).toBeGreaterThan(0);
}

async function expectRefused(a: Abuse): Promise<void> {
  const res = await a.send();
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    body = res.text;
  }
  expect({ what: a.what, status: res.status, contentType: res.contentType })
    .toEqual({ what: a.what, status: a.status, contentType: 'application/json; charset=utf-8' });
  expect({ what: a.what, body }).toEqual({ what: a.what, body: { error: expect.stringMatching(a.error) } });
}

describe('bad input', () => {
  it('the 10000x10000 PNG is a real, decodable file of a few kilobytes', () => {
    const png = blackPng(10000, 10000);
    expect(png.byteLength).toBeLessThan(100_000);
    expect(png.readUInt32BE(16)).toBe(10000);
  });

  it.each(ABUSES.map((a) => [a.what, a] as const))('%s: a 4xx with the error object naming it; the next valid request succeeds', async (_what, a) => {
    await expectRefused(a);
    await validRequests();
  });

  it('repeated rounds of every bad input: worker tensors constant, resident memory flat', async () => {
    const round = async (): Promise<void> => {
      for (const a of ABUSES) await expectRefused(a);
      await validRequests();
    };
    await round();
    const tensors = await metric(server.url, 'mrcnn_worker_tensors');
    const rss = [await metric(server.url, 'process_resident_memory_bytes')];
    for (let i = 0; i < 4; i++) {
      await round();
      rss.push(await metric(server.url, 'process_resident_memory_bytes'));
      expect(await metric(server.url, 'mrcnn_worker_tensors')).toBe(tensors);
    }
    const mib = rss.map((b) => Math.round(b / 2 ** 20));
    console.log(`RSS MiB after each round: ${mib.join(', ')}; worker tensors ${tensors}`);
    expect(tensors).toBeGreaterThan(0);
    // Resident memory after five rounds stays within 64 MiB of the first round's (allocator noise).
    expect(Math.max(...rss.slice(1)) - rss[0]).toBeLessThan(64 * 2 ** 20);
    expect(await metric(server.url, 'mrcnn_infer_requests_total', { outcome: 'invalid' })).toBeGreaterThanOrEqual(ABUSES.length * 5); // this test's five rounds
    expect(await metric(server.url, 'mrcnn_infer_requests_total', { outcome: 'error' })).toBe(0);
    expect(await metric(server.url, 'mrcnn_infer_requests_total', { outcome: 'crash' })).toBe(0);
  });
});

describe('other endpoints', () => {
  it('an unknown path or method is a 404 with the error object', async () => {
    const res = await fetch(`${server.url}/v3/whatever`);
    expect([res.status, await res.json()]).toEqual([404, { error: 'no endpoint GET /v3/whatever' }]);
    const get = await fetch(`${server.url}/v2/models/${NAME}/infer`);
    expect(get.status).toBe(404);
    expect(await get.json()).toEqual({ error: `no endpoint GET /v2/models/${NAME}/infer` });
  });
});
