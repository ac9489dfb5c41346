/**
 * Inference request parsing: the card's tensors as JSON (flat, nested) and binary data, encoded
 * images as base64 and binary (raw or length-prefixed), outputs and parameters; and each kind of
 * bad request refused with a 400 whose message names what is at fault.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseInferRequest, RequestLimits } from './infer_request';
import { encodeBytesTensor, joinBody, numericBytes } from './protocol/binary';
import { ProtocolError } from './protocol/errors';
import type { ServedModel } from './served_model';
import type { ImageTask, TensorTask } from './task';

const MODEL: ServedModel = {
  name: 'm0049', version: '1',
  info: {
    configName: 'instance-segmentation-security-0049', numClasses: 81, labels: [], maxDetections: 100, maskSize: 28,
    input: { height: 320, width: 480, padMultiple: 32 }, backend: 'wasm', numTensors: 0,
  },
};
const LIMITS: RequestLimits = { maxImagePixels: 4096 * 4096, maxInputSide: 2048 };
const PNG = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'images', 'chelsea.png'));
const IM_DATA = Float32Array.from({ length: 3 * 320 * 480 }, (_, i) => i % 256);

const enc = (o: unknown): Uint8Array => new TextEncoder().encode(typeof o === 'string' ? o : JSON.stringify(o));
const parse = (o: unknown, headerLength?: string): ReturnType<typeof parseInferRequest> => parseInferRequest(enc(o), headerLength, MODEL, LIMITS);

function card(overrides: Record<string, unknown> = {}, info: unknown = [320, 480, 1]): Record<string, unknown> {
  return {
    inputs: [
      { name: 'im_data', datatype: 'FP32', shape: [1, 3, 320, 480], data: Array.from(IM_DATA) },
      { name: 'im_info', datatype: 'FP32', shape: [1, 3], data: info },
    ],
    ...overrides,
  };
}

function refusal(o: unknown, headerLength?: string): string {
  try {
    parse(o, headerLength);
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as ProtocolError).status).toBe(400);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('the card\'s tensors', () => {
  it('JSON, flat or nested: im_data and im_info as float32, every output as JSON by default', () => {
    const p = parse({ ...card(), id: 'r1' });
    const t = p.task as TensorTask;
    expect([t.kind, t.imDataShape, Array.from(t.imInfo), t.requestId, p.id]).toEqual(['tensors', [1, 3, 320, 480], [320, 480, 1], 'r1', 'r1']);
    expect(t.imData).toEqual(IM_DATA);
    expect(p.outputs).toEqual(['classes', 'scores', 'boxes', 'raw_masks'].map((name) => ({ name, binary: false })));
    expect(p.transfer).toEqual([t.imData.buffer, t.imInfo.buffer]);
    const nested = parse(card({}, [[320, 480, 1]]));
    expect(Array.from((nested.task as TensorTask).imInfo)).toEqual([320, 480, 1]);
  });

  it('binary data after the JSON equals the JSON form; outputs chosen, binary per output or for all', () => {
    const header = {
      inputs: [
        { name: 'im_data', datatype: 'FP32', shape: [1, 3, 320, 480], parameters: { binary_data_size: IM_DATA.byteLength } },
        { name: 'im_info', datatype: 'FP32', shape: [1, 3], data: [320, 480, 1] },
      ],
      outputs: [{ name: 'raw_masks', parameters: { binary_data: true } }, { name: 'classes' }],
      parameters: { timeout: 2500 },
    };
    const { body, headerLength } = joinBody(header, [numericBytes(IM_DATA)]);
    const p = parseInferRequest(body, String(headerLength), MODEL, LIMITS);
    expect((p.task as TensorTask).imData).toEqual(IM_DATA);
    expect((p.task as TensorTask).outputs).toEqual(['raw_masks', 'classes']);
    expect(p.outputs).toEqual([{ name: 'raw_masks', binary: true }, { name: 'classes', binary: false }]);
    expect(p.timeoutMs).toBe(3);
    const all = parse(card({ parameters: { binary_data_output: true }, outputs: [{ name: 'scores' }, { name: 'boxes', parameters: { binary_data: false } }] }));
    expect(all.outputs).toEqual([{ name: 'scores', binary: true }, { name: 'boxes', binary: false }]);
  });

  it('accepts the fit policy\'s portrait padding (448x480) and refuses other shapes', () => {
    const portrait = card();
    (portrait.inputs as Array<Record<string, unknown>>)[0] = { name: 'im_data', datatype: 'FP32', shape: [1, 3, 448, 480], data: new Array(3 * 448 * 480).fill(0) };
    expect((parse(portrait).task as TensorTask).imDataShape).toEqual([1, 3, 448, 480]);
    for (const shape of [[1, 3, 320, 479], [3, 320, 480], [2, 3, 320, 480], [1, 3, 20000, 20000]]) {
      const bad = card();
      (bad.inputs as Array<Record<string, unknown>>)[0] = { name: 'im_data', datatype: 'FP32', shape, data: [] };
      expect(refusal(bad)).toMatch(new RegExp(`^input im_data: shape \\[${shape.join(',')}\\], expected \\[1,3,H,W\\] with H and W multiples of 32 from 32 to 2048`));
    }
  });
});

describe('encoded images', () => {
  const image = (data: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> =>
    ({ inputs: [{ name: 'im_data', datatype: 'BYTES', shape: [1], data }], ...extra });

  it('base64 in JSON, or binary (raw, or the protocol\'s length-prefixed element): the same bytes', () => {
    const p = parse(image([PNG.toString('base64')], { parameters: { score_threshold: 0.25, max_detections: 7, policy: 'window' } }));
    const t = p.task as ImageTask;
    expect([t.kind, t.scoreThreshold, t.maxDetections, t.policy]).toEqual(['image', 0.25, 7, 'window']);
    expect(Buffer.from(t.bytes).equals(PNG)).toBe(true);
    expect(p.outputs.map((o) => o.name)).toEqual(['classes', 'labels', 'scores', 'boxes', 'masks', 'image_size']);
    expect(p.transfer).toEqual([t.bytes.buffer]);
    expect(t.bytes.byteLength).toBe(t.bytes.buffer.byteLength); // its own memory
    for (const payload of [PNG, encodeBytesTensor([PNG])]) {
      const header = { inputs: [{ name: 'im_data', datatype: 'BYTES', shape: [1], parameters: { binary_data_size: payload.byteLength } }] };
      const { body, headerLength } = joinBody(header, [payload]);
      const b = parseInferRequest(body, String(headerLength), MODEL, LIMITS).task as ImageTask;
      expect([b.scoreThreshold, Buffer.from(b.bytes).equals(PNG)]).toEqual([0.5, true]);
    }
  });

  it('refuses what is not one PNG/JPEG within the pixel limit, and bad parameters', () => {
    expect(refusal(image([Buffer.from('hello world').toString('base64')]))).toBe('input im_data: the BYTES data is not a PNG or JPEG image');
    expect(refusal(image(['%%%']))).toMatch(/^input im_data: a BYTES element in JSON must be base64 text/);
    expect(refusal(image([3]))).toBe('input im_data: a BYTES element must be a string (base64 of a PNG or JPEG), got 3');
    expect(refusal({ inputs: [{ name: 'im_data', datatype: 'BYTES', shape: [2], data: ['', ''] }] }))
      .toBe('input im_data: BYTES shape [2]: one image per request, expected [1]');
    const big = Buffer.from(PNG);
    big.writeUInt32BE(10000, 16);
    big.writeUInt32BE(10000, 20);
    expect(refusal(image([big.toString('base64')])))
      .toBe('input im_data: the PNG declares 10000x10000 pixels, over this server\'s limit of 16777216 (--max-image-pixels)');
    expect(refusal(image([PNG.subarray(0, 12).toString('base64')]))).toBe('input im_data: the PNG has no image header (truncated?)');
    expect(refusal(image([PNG.toString('base64')], { parameters: { score_threshold: 2 } }))).toBe('parameter score_threshold: expected a number in [0, 1], got 2');
    expect(refusal(image([PNG.toString('base64')], { parameters: { max_detections: -1 } }))).toBe('parameter max_detections: expected a non-negative integer, got -1');
    expect(refusal(image([PNG.toString('base64')], { parameters: { policy: 'crop' } }))).toBe('parameter policy: expected "fit" or "window", got "crop"');
    const withInfo = image([PNG.toString('base64')]);
    (withInfo.inputs as unknown[]).push({ name: 'im_info', datatype: 'FP32', shape: [1, 3], data: [1, 1, 1] });
    expect(refusal(withInfo)).toBe('input im_info: not used with an encoded image (im_data BYTES); send im_data alone');
    expect(refusal(image([PNG.toString('base64')], { outputs: [{ name: 'raw_masks' }] })))
      .toBe('unknown output "raw_masks": encoded-image requests return classes, labels, scores, boxes, masks, image_size');
  });
});

describe('bad requests: a 400 naming the problem', () => {
  const withInput = (i: number, patch: Record<string, unknown>): Record<string, unknown> => {
    const r = card();
    const inputs = r.inputs as Array<Record<string, unknown>>;
    inputs[i] = { ...inputs[i], ...patch };
    return r;
  };

  it.each<[string, unknown, string | RegExp]>([
    ['malformed JSON', '{"inputs": [', /^malformed JSON in the request: /],
    ['not an object', '[1,2]', 'the request must be a JSON object with "inputs", got [1,2]'],
    ['no inputs', {}, '"inputs" must be a non-empty array, got undefined'],
    ['a numeric id', { ...card(), id: 5 }, '"id" must be a string, got 5'],
    ['missing im_info', { inputs: [(card().inputs as unknown[])[0]] }, 'missing input im_info: FP32 [1,3] (resized height, resized width, scale)'],
    ['missing im_data', { inputs: [(card().inputs as unknown[])[1]] }, /^missing input im_data: /],
    ['an extra input', { inputs: [...(card().inputs as unknown[]), { name: 'extra', datatype: 'FP32', shape: [1], data: [1] }] },
      /^unexpected input "extra": model m0049 takes im_data FP32 \[1,3,H,W\] and im_info FP32 \[1,3\]/],
    ['an input twice', { inputs: [...(card().inputs as unknown[]), (card().inputs as unknown[])[1]] }, 'input im_info appears twice'],
    ['a wrong datatype', withInput(0, { datatype: 'INT32' }), 'input im_data: datatype INT32, expected FP32 (or BYTES [1] for an encoded PNG/JPEG)'],
    ['an unknown datatype', withInput(1, { datatype: 'FLOAT' }), /^input im_info: unknown datatype "FLOAT" \(one of BOOL, /],
    ['a huge declared shape', withInput(0, { shape: [1, 3, 4e9, 4e9] }), 'input im_data: shape [1,3,4000000000,4000000000] declares more than 2147483647 elements'],
    ['a negative dimension', withInput(1, { shape: [1, -3] }), 'input im_info: shape [1,-3]: every dimension must be a non-negative integer'],
    ['data shorter than the shape', withInput(0, { data: [1, 2, 3] }), 'input im_data: "data" holds 3 elements, its shape declares 460800'],
    ['data longer than the shape', withInput(1, { data: [1, 2, 3, 4] }), 'input im_info: "data" holds more than the 3 elements its shape declares'],
    ['no data', withInput(1, { data: undefined }), 'input im_info: no "data" (and no "binary_data_size")'],
    ['Infinity (1e999)', '{"inputs":[{"name":"im_info","datatype":"FP32","shape":[1,3],"data":[1e999,1,1]},' +
      '{"name":"im_data","datatype":"FP32","shape":[1,3,32,32],"data":[]}]}', 'input im_info: element 0 is Infinity as FP32: values must be finite'],
    ['a string for a number', withInput(1, { data: [320, 'NaN', 1] }), 'input im_info: element 1 is not a number ("NaN")'],
    ['im_info outside im_data', card({}, [640, 480, 1]), /^input im_info: \[640, 480, 1\]: expected 0 < height ≤ 320 and 0 < width ≤ 480/],
    ['an unknown output', card({ outputs: [{ name: 'masks' }] }), 'unknown output "masks": im_data/im_info requests return classes, scores, boxes, raw_masks'],
    ['an output twice', card({ outputs: [{ name: 'scores' }, { name: 'scores' }] }), 'output scores is requested twice'],
    ['a non-boolean binary_data', card({ outputs: [{ name: 'scores', parameters: { binary_data: 'yes' } }] }),
      'output scores: "binary_data" must be true or false, got "yes"'],
    ['a bad timeout', card({ parameters: { timeout: -5 } }), 'parameter timeout: expected a positive number of microseconds, got -5'],
    ['an object parameter', card({ parameters: { x: { y: 1 } } }), 'the request: parameter "x" must be a string, number or boolean, got {"y":1}'],
  ])('%s', (_what, body, message) => {
    expect(refusal(body)).toMatch(message);
  });

  it('NaN in binary FP32 data is found (JSON cannot carry it)', () => {
    const data = new Float32Array(IM_DATA);
    data[1234] = NaN;
    const header = { inputs: [
      { name: 'im_data', datatype: 'FP32', shape: [1, 3, 320, 480], parameters: { binary_data_size: data.byteLength } },
      { name: 'im_info', datatype: 'FP32', shape: [1, 3], data: [320, 480, 1] }] };
    const { body, headerLength } = joinBody(header, [numericBytes(data)]);
    expect(() => parseInferRequest(body, String(headerLength), MODEL, LIMITS)).toThrow('input im_data: element 1234 is NaN: values must be finite');
  });

  it('binary sizes must match the data and the shape, and need the header length', () => {
    const header = (size: number): unknown => ({ inputs: [
      { name: 'im_data', datatype: 'FP32', shape: [1, 3, 320, 480], parameters: { binary_data_size: size } },
      { name: 'im_info', datatype: 'FP32', shape: [1, 3], data: [320, 480, 1] }] });
    const short = joinBody(header(100), [new Uint8Array(100)]);
    expect(() => parseInferRequest(short.body, String(short.headerLength), MODEL, LIMITS))
      .toThrow('input im_data: 100 bytes of binary data, FP32 [1,3,320,480] needs 1843200');
    const past = joinBody(header(200), [new Uint8Array(100)]);
    expect(() => parseInferRequest(past.body, String(past.headerLength), MODEL, LIMITS))
      .toThrow('input im_data: "binary_data_size" 200 reaches past the 100 bytes of binary data');
    const extra = joinBody(header(100), [new Uint8Array(150)]);
    expect(() => parseInferRequest(extra.body, String(extra.headerLength), MODEL, LIMITS))
      .toThrow('150 bytes of binary data follow the JSON, the inputs\' "binary_data_size" add up to 100');
    expect(() => parseInferRequest(enc(header(100)), undefined, MODEL, LIMITS))
      .toThrow('input im_data: "binary_data_size" needs the Inference-Header-Content-Length header (the JSON\'s byte length)');
  });
});
