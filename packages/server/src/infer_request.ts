/**
 * An inference request body → the task a worker runs, checked field by field. Every refusal is a
 * ProtocolError(400) whose message names the input, output, parameter or header at fault.
 *
 * Two kinds of request, told apart by im_data's datatype:
 * - the card's tensors: `im_data` FP32 [1,3,H,W] (H, W multiples of the model's padMultiple; the
 *   card's 320x480) + `im_info` FP32 [1,3] (resized height, width, scale) → the card's outputs;
 * - an encoded image, as OVMS takes one: `im_data` BYTES [1] (a PNG or JPEG: base64 text in JSON,
 *   or binary data) → the instances `detect` finds. Parameters `score_threshold` (default 0.5),
 *   `max_detections`, `policy` ('fit' | 'window').
 * Tensor data may be JSON (flat or nested) or binary (`binary_data_size` + the
 * Inference-Header-Content-Length header). Request `parameters.timeout` (microseconds, as
 * Triton's) shortens the server's per-request timeout.
 *
 * Ownership: the task's typed arrays are new memory (listed in `transfer`), never views of the body.
 */
import type { ResizePolicy } from '@mrcnn/model';
import { decodeBytesTensor, numericFromBytes, splitBody } from './protocol/binary';
import { ProtocolError } from './protocol/errors';
import { base64Decode, checkFinite, elementCount, finiteFloat32, flattenData, preview } from './protocol/tensor_data';
import { DATATYPES, Datatype, Parameters } from './protocol/types';
import { probeImage } from './image_probe';
import type { ServedModel } from './served_model';
import { CARD_OUTPUTS, CardOutput, ImageTask, INSTANCE_OUTPUTS, InferTask, TensorTask } from './task';

export interface RequestLimits {
  /** Largest decoded image accepted, in pixels (width × height declared by its header). */
  maxImagePixels: number;
  /** Largest im_data height or width. */
  maxInputSide: number;
}

export interface OutputChoice {
  name: string;
  /** Return it as binary data after the JSON. */
  binary: boolean;
}

export interface ParsedInfer {
  id?: string;
  task: InferTask;
  /** The task's buffers, to move to the worker. */
  transfer: ArrayBuffer[];
  /** The outputs to return, in order. */
  outputs: OutputChoice[];
  /** The request's own timeout (parameters.timeout), in milliseconds. */
  timeoutMs?: number;
}

interface ParsedInput {
  name: string;
  datatype: Datatype;
  shape: number[];
  count: number;
  parameters: Parameters;
  data?: unknown;
  /** Binary data of this input (a view of the body). */
  binary?: Uint8Array;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parameters(v: unknown, what: string): Parameters {
  if (v === undefined) return {};
  if (!isRecord(v)) throw new ProtocolError(400, `${what}: "parameters" must be an object, got ${preview(v)}`);
  for (const [k, p] of Object.entries(v)) {
    if (typeof p !== 'string' && typeof p !== 'number' && typeof p !== 'boolean') {
      throw new ProtocolError(400, `${what}: parameter "${k}" must be a string, number or boolean, got ${preview(p)}`);
    }
  }
  return v as Parameters;
}

function parseInput(raw: unknown, index: number): ParsedInput {
  if (!isRecord(raw)) throw new ProtocolError(400, `inputs[${index}] must be an object, got ${preview(raw)}`);
  const { name } = raw;
  if (typeof name !== 'string' || name === '') throw new ProtocolError(400, `inputs[${index}]: "name" must be a non-empty string, got ${preview(name)}`);
  const what = `input ${name}`;
  if (typeof raw.datatype !== 'string' || !DATATYPES.includes(raw.datatype as Datatype)) {
    throw new ProtocolError(400, `${what}: unknown datatype ${preview(raw.datatype)} (one of ${DATATYPES.join(', ')})`);
  }
  const count = elementCount(raw.shape, what);
  const params = parameters(raw.parameters, what);
  const size = params.binary_data_size;
  if (size !== undefined) {
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new ProtocolError(400, `${what}: "binary_data_size" must be a non-negative integer, got ${preview(size)}`);
    }
    if (raw.data !== undefined) throw new ProtocolError(400, `${what}: has both "data" and "binary_data_size"`);
  } else if (raw.data === undefined) {
    throw new ProtocolError(400, `${what}: no "data" (and no "binary_data_size")`);
  }
  return { name, datatype: raw.datatype as Datatype, shape: raw.shape as number[], count, parameters: params, data: raw.data };
}

/** Gives each binary input its slice of the data after the JSON, in input order. */
function assignBinary(inputs: ParsedInput[], binary: Uint8Array, hasHeaderLength: boolean): void {
  let at = 0;
  for (const input of inputs) {
    const size = input.parameters.binary_data_size;
    if (typeof size !== 'number') continue;
    if (!hasHeaderLength) {
      throw new ProtocolError(400, `input ${input.name}: "binary_data_size" needs the Inference-Header-Content-Length header (the JSON's byte length)`);
    }
    if (size > binary.byteLength - at) {
      throw new ProtocolError(400, `input ${input.name}: "binary_data_size" ${size} reaches past the ${binary.byteLength} bytes of binary data`);
    }
    input.binary = binary.subarray(at, at + size);
    at += size;
  }
  if (at !== binary.byteLength) {
    throw new ProtocolError(400, `${binary.byteLength} bytes of binary data follow the JSON, the inputs' "binary_data_size" add up to ${at}`);
  }
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function float32Data(input: ParsedInput): Float32Array {
  const what = `input ${input.name}`;
  if (input.binary !== undefined) {
    if (input.binary.byteLength !== input.count * 4) {
      throw new ProtocolError(400, `${what}: ${input.binary.byteLength} bytes of binary data, FP32 ${shapeText(input.shape)} needs ${input.count * 4}`);
    }
    const a = numericFromBytes(input.binary, 'FP32') as Float32Array;
    checkFinite(a, what);
    return a;
  }
  return finiteFloat32(flattenData(input.data, input.shape.length, input.count, what), what);
}

function tensorTask(im: ParsedInput, info: ParsedInput | undefined, model: ServedModel, limits: RequestLimits): TensorTask {
  const { padMultiple, height, width } = model.info.input;
  if (im.datatype !== 'FP32') {
    throw new ProtocolError(400, `input im_data: datatype ${im.datatype}, expected FP32 (or BYTES [1] for an encoded PNG/JPEG)`);
  }
  const [n, c, h, w] = im.shape;
  const sideOk = (s: number): boolean => s >= padMultiple && s <= limits.maxInputSide && s % padMultiple === 0;
  if (im.shape.length !== 4 || n !== 1 || c !== 3 || !sideOk(h) || !sideOk(w)) {
    throw new ProtocolError(400, `input im_data: shape ${shapeText(im.shape)}, expected [1,3,H,W] with H and W multiples of ${padMultiple} ` +
      `from ${padMultiple} to ${limits.maxInputSide} (the card's [1,3,${height},${width}])`);
  }
  if (info === undefined) throw new ProtocolError(400, 'missing input im_info: FP32 [1,3] (resized height, resized width, scale)');
  if (info.datatype !== 'FP32') throw new ProtocolError(400, `input im_info: datatype ${info.datatype}, expected FP32`);
  if (info.shape.length !== 2 || info.shape[0] !== 1 || info.shape[1] !== 3) {
    throw new ProtocolError(400, `input im_info: shape ${shapeText(info.shape)}, expected [1,3]`);
  }
  const imInfo = float32Data(info);
  const [ih, iw, scale] = imInfo;
  if (!(ih > 0 && ih <= h && iw > 0 && iw <= w && scale > 0)) {
    throw new ProtocolError(400, `input im_info: [${ih}, ${iw}, ${scale}]: expected 0 < height ≤ ${h} and 0 < width ≤ ${w} ` +
      '(the resized image inside im_data) and scale > 0');
  }
  const imData = float32Data(im);
  return { kind: 'tensors', imData, imDataShape: [1, 3, h, w], imInfo, outputs: [] };
}

function imageBytes(im: ParsedInput): Uint8Array {
  if (im.shape.length !== 1 || im.count !== 1) {
    throw new ProtocolError(400, `input im_data: BYTES shape ${shapeText(im.shape)}: one image per request, expected [1]`);
  }
  if (im.binary !== undefined) {
    // One raw PNG/JPEG (as OVMS takes for a batch of one) or the protocol's length-prefixed element:
    // a PNG or JPEG signature read as a 4-byte length exceeds any body, so the two cannot be confused.
    if (probeImage(im.binary) !== undefined) return im.binary;
    const elements = decodeBytesTensor(im.binary, 'input im_data');
    if (elements.length !== 1) throw new ProtocolError(400, `input im_data: binary BYTES data holds ${elements.length} elements, its shape [1] declares 1`);
    return elements[0];
  }
  const [element] = flattenData(im.data, 1, 1, 'input im_data');
  if (typeof element !== 'string') throw new ProtocolError(400, `input im_data: a BYTES element must be a string (base64 of a PNG or JPEG), got ${preview(element)}`);
  return base64Decode(element, 'input im_data');
}

function numberParameter(p: Parameters, key: string, ok: (v: number) => boolean, domain: string): number | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !ok(v)) throw new ProtocolError(400, `parameter ${key}: expected ${domain}, got ${preview(v)}`);
  return v;
}

function imageTask(im: ParsedInput, info: ParsedInput | undefined, params: Parameters, limits: RequestLimits): ImageTask {
  if (info !== undefined) throw new ProtocolError(400, 'input im_info: not used with an encoded image (im_data BYTES); send im_data alone');
  const bytes = imageBytes(im);
  const header = probeImage(bytes);
  if (header === undefined) throw new ProtocolError(400, 'input im_data: the BYTES data is not a PNG or JPEG image');
  const { format, width, height } = header;
  if (width === undefined || height === undefined) throw new ProtocolError(400, `input im_data: the ${format.toUpperCase()} has no image header (truncated?)`);
  if (width === 0 || height === 0) throw new ProtocolError(400, `input im_data: the ${format.toUpperCase()} declares ${width}x${height} pixels`);
  if (width * height > limits.maxImagePixels) {
    throw new ProtocolError(400, `input im_data: the ${format.toUpperCase()} declares ${width}x${height} pixels, over this server's limit ` +
      `of ${limits.maxImagePixels} (--max-image-pixels)`);
  }
  const scoreThreshold = numberParameter(params, 'score_threshold', (v) => v >= 0 && v <= 1, 'a number in [0, 1]') ?? 0.5;
  const maxDetections = numberParameter(params, 'max_detections', (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
  const policy = params.policy;
  if (policy !== undefined && policy !== 'fit' && policy !== 'window') {
    throw new ProtocolError(400, `parameter policy: expected "fit" or "window", got ${preview(policy)}`);
  }
  // A copy in its own memory, so the worker can take it (the body, or Buffer's pool, holds more than the image).
  return { kind: 'image', bytes: new Uint8Array(bytes), scoreThreshold, maxDetections, policy: policy as ResizePolicy | undefined };
}

function outputChoices(raw: unknown, allowed: readonly string[], binaryDefault: boolean, kind: string): OutputChoice[] {
  if (raw === undefined) return allowed.map((name) => ({ name, binary: binaryDefault }));
  if (!Array.isArray(raw)) throw new ProtocolError(400, `"outputs" must be an array, got ${preview(raw)}`);
  const seen = new Set<string>();
  return raw.map((o: unknown, i) => {
    if (!isRecord(o) || typeof o.name !== 'string') throw new ProtocolError(400, `outputs[${i}]: expected an object with a "name", got ${preview(o)}`);
    if (!allowed.includes(o.name)) {
      throw new ProtocolError(400, `unknown output ${preview(o.name)}: ${kind} requests return ${allowed.join(', ')}`);
    }
    if (seen.has(o.name)) throw new ProtocolError(400, `output ${o.name} is requested twice`);
    seen.add(o.name);
    const p = parameters(o.parameters, `output ${o.name}`);
    if (p.binary_data !== undefined && typeof p.binary_data !== 'boolean') {
      throw new ProtocolError(400, `output ${o.name}: "binary_data" must be true or false, got ${preview(p.binary_data)}`);
    }
    return { name: o.name, binary: (p.binary_data as boolean | undefined) ?? binaryDefault };
  });
}

/** Parses and checks an inference request body for `model`; `headerLength` is Inference-Header-Content-Length. */
export function parseInferRequest(body: Uint8Array, headerLength: string | undefined, model: ServedModel,
  limits: RequestLimits): ParsedInfer {
  const { json, binary } = splitBody(body, headerLength);
  let req: unknown;
  try {
    req = JSON.parse(json);
  } catch (cause) {
    throw new ProtocolError(400, `malformed JSON in the request: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (!isRecord(req)) throw new ProtocolError(400, `the request must be a JSON object with "inputs", got ${preview(req)}`);
  if (req.id !== undefined && typeof req.id !== 'string') throw new ProtocolError(400, `"id" must be a string, got ${preview(req.id)}`);
  const params = parameters(req.parameters, 'the request');
  if (!Array.isArray(req.inputs) || req.inputs.length === 0) {
    throw new ProtocolError(400, `"inputs" must be a non-empty array, got ${preview(req.inputs)}`);
  }
  const inputs = req.inputs.map(parseInput);
  assignBinary(inputs, binary, headerLength !== undefined);
  const byName = new Map<string, ParsedInput>();
  for (const input of inputs) {
    if (byName.has(input.name)) throw new ProtocolError(400, `input ${input.name} appears twice`);
    if (input.name !== 'im_data' && input.name !== 'im_info') {
      throw new ProtocolError(400, `unexpected input ${preview(input.name)}: model ${model.name} takes im_data FP32 [1,3,H,W] and im_info FP32 [1,3], ` +
        'or im_data BYTES [1] (an encoded PNG/JPEG) alone');
    }
    byName.set(input.name, input);
  }
  const im = byName.get('im_data');
  if (im === undefined) throw new ProtocolError(400, 'missing input im_data: FP32 [1,3,H,W] (with im_info), or BYTES [1] (an encoded PNG/JPEG)');
  const binaryDefault = params.binary_data_output;
  if (binaryDefault !== undefined && typeof binaryDefault !== 'boolean') {
    throw new ProtocolError(400, `parameter binary_data_output: expected true or false, got ${preview(binaryDefault)}`);
  }
  const timeout = numberParameter(params, 'timeout', (v) => Number.isFinite(v) && v > 0, 'a positive number of microseconds');
  const id = req.id as string | undefined;
  const common = { id, timeoutMs: timeout === undefined ? undefined : Math.max(1, Math.ceil(timeout / 1000)) };
  if (im.datatype === 'BYTES') {
    const task = imageTask(im, byName.get('im_info'), params, limits);
    task.requestId = id;
    const outputs = outputChoices(req.outputs, INSTANCE_OUTPUTS, binaryDefault ?? false, 'encoded-image');
    return { ...common, task, transfer: [task.bytes.buffer as ArrayBuffer], outputs };
  }
  const task = tensorTask(im, byName.get('im_info'), model, limits);
  task.requestId = id;
  const outputs = outputChoices(req.outputs, CARD_OUTPUTS, binaryDefault ?? false, 'im_data/im_info');
  task.outputs = outputs.map((o) => o.name as CardOutput);
  return { ...common, task, transfer: [task.imData.buffer as ArrayBuffer, task.imInfo.buffer as ArrayBuffer], outputs };
}
