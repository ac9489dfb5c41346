/**
 * `mrcnn serve` speaking the Open Inference Protocol, on the K=8 oracle weights (81 classes: the
 * card's output shapes; `im_data` [1,3,320,480] as the card): server and model metadata, health,
 * the card's tensors in and out compared with the PyTorch oracle (JSON and binary data give the
 * same bytes), an encoded PNG in and instances out compared with the oracle's detections and pasted
 * masks, through @mrcnn/server's client and through raw HTTP.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeRle } from '@mrcnn/model';
import { InferenceClient, InferenceServerError } from '@mrcnn/server';
import { detectionsFrom, maskIoU } from '../helpers/compare';
import { IMAGES, ORACLE_K8 } from '../helpers/paths';
import { readTensorDump, TensorDump } from '../helpers/tensor_dump';
import { writeK8Model } from '../e2e/helpers/k8_model';
import { matchByCoords } from '../e2e/helpers/match';
import { compareDetections, maskDiff } from '../parity/comparisons';
import { ServeProcess, startServe, stopAll } from './helpers/serve_process';

const NAME = 'mrcnn-k8';
let tmp: string;
let server: ServeProcess;
let client: InferenceClient;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-serve-'));
  server = await startServe(['--model', writeK8Model(path.join(tmp, 'model')), '--name', NAME]);
  client = new InferenceClient(server.url);
});

afterAll(async () => {
  await stopAll();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('metadata and health', () => {
  it('GET /v2, health and model metadata with the card\'s names and shapes', async () => {
    expect(await client.serverMetadata()).toEqual({ name: 'mrcnn', version: '0.1.0', extensions: ['binary_tensor_data'] });
    expect([await client.isLive(), await client.isReady(), await client.isModelReady(NAME), await client.isModelReady(NAME, '1')])
      .toEqual([true, true, true, true]);
    const meta = await client.modelMetadata(NAME);
    expect(meta).toEqual({
      name: NAME, versions: ['1'], platform: 'mrcnn_tfjs',
      inputs: [{ name: 'im_data', datatype: 'FP32', shape: [1, 3, 320, 480] }, { name: 'im_info', datatype: 'FP32', shape: [1, 3] }],
      outputs: [
        { name: 'classes', datatype: 'INT32', shape: [100] }, { name: 'scores', datatype: 'FP32', shape: [100] },
        { name: 'boxes', datatype: 'FP32', shape: [100, 4] }, { name: 'raw_masks', datatype: 'FP32', shape: [100, 81, 28, 28] }],
    });
    expect(await client.modelMetadata(NAME, '1')).toEqual(meta);
  });

  it('an unknown model or version is a 404 with the protocol\'s error object', async () => {
    for (const url of [`/v2/models/other`, `/v2/models/${NAME}/versions/2`, `/v2/models/other/ready`]) {
      const res = await fetch(`${server.url}${url}`);
      expect([url, res.status, await res.json()]).toEqual([url, 404, { error: expect.stringMatching(/unknown model "other"|has no version "2"/) }]);
    }
    await expect(client.isModelReady('other')).resolves.toBe(false);
    const e = await client.modelMetadata('other').then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(InferenceServerError);
    expect([(e as InferenceServerError).status, (e as Error).message])
      .toEqual([404, `HTTP 404: unknown model "other": this server serves "${NAME}"`]);
  });
});

describe('the card\'s tensors: im_data + im_info → classes, scores, boxes, raw_masks', () => {
  let golden: TensorDump;
  beforeAll(() => { golden = readTensorDump(path.join(ORACLE_K8, 'chelsea_fit')); });

  it('binary data both ways: the oracle\'s detections and raw masks (tolerances of the K=8 parity suite)', async () => {
    const imData = golden.get('im_data');
    const out = await client.executeCard(NAME, imData.data as Float32Array, imData.shape as [number, number, number, number],
      golden.get('im_info').data as Float32Array);
    expect([out.classes!.length, out.scores!.length, out.boxes!.length, out.rawMasksShape]).toEqual([100, 100, 400, [100, 81, 28, 28]]);
    const det = compareDetections({ classes: out.classes!, scores: out.scores!, boxes: out.boxes! }, golden,
      { minIoU: 0.99, boxTol: 0.1, plusOne: true });
    const pairs = det.match.matched.map((m) => ({ actual: m.actual, expected: m.expected, cls: out.classes![m.actual] }));
    const maskMax = maskDiff(out.rawMasks!, 81, golden, pairs);
    console.log(`served execute vs oracle: ${det.match.matched.length} rows matched (${det.byCoords} by coordinates), ` +
      `score diff ${det.maxScoreDiff.toExponential(2)}, box diff ${det.maxBoxDiff.toExponential(2)}, raw mask diff ${maskMax.toExponential(2)}`);
    expect(det.actualCount).toBe(det.expectedCount);
    expect([det.match.unmatchedExpected, det.match.unmatchedActual]).toEqual([[], []]);
    expect(det.maxScoreDiff).toBeLessThanOrEqual(1e-3);
    expect(maskMax).toBeLessThanOrEqual(1e-2);
  });

  it('JSON data both ways gives the same values as binary; outputs can be chosen', async () => {
    const imData = golden.get('im_data');
    const args = [NAME, imData.data as Float32Array, imData.shape as [number, number, number, number], golden.get('im_info').data as Float32Array] as const;
    const bin = await client.executeCard(...args);
    const json = await client.executeCard(...args, { binary: false });
    for (const k of ['classes', 'scores', 'boxes', 'rawMasks'] as const) {
      expect([k, Buffer.from(json[k]!.buffer).equals(Buffer.from(bin[k]!.buffer))]).toEqual([k, true]);
    }
    const some = await client.executeCard(...args, { outputs: ['scores', 'classes'] });
    expect([some.rawMasks, some.boxes]).toEqual([undefined, undefined]);
    expect(Array.from(some.scores!)).toEqual(Array.from(bin.scores!));
  });

  it('raw HTTP: the binary extension\'s headers and layout; the request id comes back', async () => {
    const imData = golden.get('im_data').data as Float32Array;
    const header = JSON.stringify({
      id: 'req-7',
      inputs: [
        { name: 'im_data', datatype: 'FP32', shape: [1, 3, 320, 480], parameters: { binary_data_size: imData.byteLength } },
        { name: 'im_info', datatype: 'FP32', shape: [1, 3], data: Array.from(golden.get('im_info').data) },
      ],
      outputs: [{ name: 'raw_masks', parameters: { binary_data: true } }, { name: 'classes' }],
    });
    const body = Buffer.concat([Buffer.from(header), Buffer.from(imData.buffer, imData.byteOffset, imData.byteLength)]);
    const res = await fetch(`${server.url}/v2/models/${NAME}/infer`, {
      method: 'POST', body, headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(Buffer.byteLength(header)) },
    });
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/octet-stream']);
    const bytes = Buffer.from(await res.arrayBuffer());
    const n = Number(res.headers.get('inference-header-content-length'));
    const json = JSON.parse(bytes.subarray(0, n).toString()) as { id: string; model_name: string; model_version: string; outputs: Array<Record<string, unknown>> };
    const maskBytes = 100 * 81 * 28 * 28 * 4;
    expect(json.id).toBe('req-7');
    expect([json.model_name, json.model_version]).toEqual([NAME, '1']);
    expect(json.outputs[0]).toEqual({ name: 'raw_masks', datatype: 'FP32', shape: [100, 81, 28, 28], parameters: { binary_data_size: maskBytes } });
    expect(json.outputs[1]).toEqual({ name: 'classes', datatype: 'INT32', shape: [100], data: expect.any(Array) });
    expect(bytes.byteLength).toBe(n + maskBytes);
    // The same values as the client reads (which the test above compares with the oracle).
    const viaClient = await client.executeCard(NAME, imData, [1, 3, 320, 480], golden.get('im_info').data as Float32Array);
    expect(json.outputs[1].data).toEqual(Array.from(viaClient.classes!));
    expect(bytes.subarray(n).equals(Buffer.from(viaClient.rawMasks!.buffer))).toBe(true);
  });
});

describe('an encoded image: im_data BYTES → instances', () => {
  it('astronaut.png (binary and base64 JSON alike): the oracle\'s detections and pasted masks, in original pixels', async () => {
    const png = fs.readFileSync(path.join(IMAGES, 'astronaut.png'));
    const res = await client.detect(NAME, png, { scoreThreshold: 0 });
    const viaJson = await client.detect(NAME, png, { scoreThreshold: 0, binary: false });
    expect(viaJson).toEqual(res);
    const g = readTensorDump(path.join(ORACLE_K8, 'astronaut_fit'));
    const scale = g.meta.scale as number;
    const [h, w] = g.meta.orig_hw as [number, number];
    expect([res.height, res.width]).toEqual([h, w]);
    const expected = detectionsFrom(g.get('classes').data, g.get('scores').data, Float64Array.from(g.get('boxes').data, (v) => v / scale))
      .filter((d) => d.classId > 0);
    expect(res.instances.length).toBe(expected.length);
    const m = matchByCoords(res.instances.map((d, index) => ({ classId: d.classId, score: d.score, box: d.box, index })), expected, 0.05, 1e-3);
    expect(m.unmatchedExpected).toEqual([]);
    const pasted = g.get('pasted_masks').data as Uint8Array;
    let minIoU = 1;
    for (const p of m.pairs) {
      const mask = decodeRle(res.instances[p.actual].rle);
      expect([mask.height, mask.width]).toEqual([h, w]);
      minIoU = Math.min(minIoU, maskIoU(mask.data, pasted.subarray(p.expected * h * w, (p.expected + 1) * h * w)));
    }
    console.log(`served detect vs oracle: ${m.pairs.length} instances, box diff ${m.maxBoxDiff.toExponential(2)}, ` +
      `score diff ${m.maxScoreDiff.toExponential(2)}, min mask IoU ${minIoU}`);
    expect(minIoU).toBeGreaterThanOrEqual(0.99);
    for (let i = 1; i < res.instances.length; i++) expect(res.instances[i - 1].score).toBeGreaterThanOrEqual(res.instances[i].score);
    const top = await client.detect(NAME, png, { scoreThreshold: 0, maxDetections: 3 });
    expect(top.instances).toEqual(res.instances.slice(0, 3));
  });
});
