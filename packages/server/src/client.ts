/**
 * A small typed client of the Open Inference Protocol (KServe v2 REST) on `fetch` (Node ≥ 18 and
 * browsers; no Node-only imports): health, metadata, `infer` with JSON or binary tensor data, and
 * two helpers for this project's model: `executeCard` (the card's im_data/im_info → its four
 * outputs) and `detect` (an encoded PNG/JPEG → instances with RLE masks). It talks to any server
 * of the protocol (this one, OVMS, Triton) for the generic calls.
 *
 * Errors: a failed request throws `InferenceServerError` (HTTP status, the server's `error` text,
 * Retry-After); a response the client cannot read throws `ProtocolError`.
 * Ownership: arrays passed in are read (binary requests copy them into the body); decoded outputs
 * are new arrays owned by the caller.
 */
import { decodeBytesTensor, encodeBytesTensor, joinBody, numericBytes, numericFromBytes, splitBody } from './protocol/binary';
import { InferenceServerError, ProtocolError } from './protocol/errors';
import { base64Encode, flattenData } from './protocol/tensor_data';
import {
  Datatype, INFERENCE_HEADER_CONTENT_LENGTH, InferRequest, InferResponse, ModelMetadata, Parameters, RequestInput,
  ServerMetadata,
} from './protocol/types';

export { InferenceServerError, ProtocolError } from './protocol/errors';
export type * from './protocol/types';

/** Tensor data the client sends or returns. BYTES: strings (UTF-8) or byte arrays in; strings out. */
export type TensorValues = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array
  | boolean[] | string[] | Uint8Array[];

export interface ClientInput {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TensorValues | number[];
  /** Send as binary data after the JSON (default: the request's `binary`). */
  binary?: boolean;
}

export interface ClientOutput {
  name: string;
  /** Ask for it as binary data (default: the request's `binary`). */
  binary?: boolean;
}

export interface ClientInferRequest {
  id?: string;
  parameters?: Parameters;
  inputs: ClientInput[];
  /** Default: every output. */
  outputs?: ClientOutput[];
  /** Inputs and outputs as binary data unless they say otherwise (default false: JSON). */
  binary?: boolean;
}

export interface DecodedTensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TensorValues;
}

export interface ClientInferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Parameters;
  /** By name, in the response's order. */
  outputs: Map<string, DecodedTensor>;
}

export interface ClientOptions {
  /** Sent with every request (e.g. authorisation). */
  headers?: Record<string, string>;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

/** One instance found by `detect`. */
export interface DetectedInstance {
  classId: number;
  label: string;
  score: number;
  /** x1, y1, x2, y2 in original-image pixels. */
  box: [number, number, number, number];
  /** pycocotools compressed RLE of the full-size mask (decodeRle of @mrcnn/model reads it). */
  rle: { size: [number, number]; counts: string };
}

export interface CardOutputs {
  classes?: Int32Array;
  scores?: Float32Array;
  boxes?: Float32Array;
  rawMasks?: Float32Array;
  rawMasksShape?: number[];
}

type NumericCtor = { new (n: number): Exclude<TensorValues, boolean[] | string[] | Uint8Array[]>; BYTES_PER_ELEMENT: number };
const NUMERIC: Partial<Record<Datatype, NumericCtor>> = {
  FP32: Float32Array, FP64: Float64Array, INT32: Int32Array, INT16: Int16Array, INT8: Int8Array,
  UINT32: Uint32Array, UINT16: Uint16Array, UINT8: Uint8Array,
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function littleEndianBytes(data: TensorValues | number[], datatype: Datatype, name: string): Uint8Array {
  if (datatype === 'BYTES') return encodeBytesTensor(bytesElements(data, name));
  if (datatype === 'BOOL') return Uint8Array.from(data as boolean[], (b) => (b ? 1 : 0));
  const ctor = NUMERIC[datatype];
  if (ctor === undefined) throw new ProtocolError(400, `input ${name}: datatype ${datatype} is not supported by this client`);
  const typed = data instanceof ctor ? data : Object.assign(new ctor(data.length), data);
  if (typed instanceof Float32Array || typed instanceof Int32Array) return numericBytes(typed).slice();
  const out = new Uint8Array(typed.length * ctor.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  const set: Record<string, (i: number, v: number) => void> = {
    FP64: (i, v) => view.setFloat64(i * 8, v, true), INT16: (i, v) => view.setInt16(i * 2, v, true), INT8: (i, v) => view.setInt8(i, v),
    UINT32: (i, v) => view.setUint32(i * 4, v, true), UINT16: (i, v) => view.setUint16(i * 2, v, true), UINT8: (i, v) => view.setUint8(i, v),
  };
  for (let i = 0; i < typed.length; i++) set[datatype](i, typed[i] as number);
  return out;
}

function bytesElements(data: TensorValues | number[], name: string): Uint8Array[] {
  return Array.from(data as ArrayLike<unknown>, (v) => {
    if (typeof v === 'string') return encoder.encode(v);
    if (v instanceof Uint8Array) return v;
    throw new ProtocolError(400, `input ${name}: BYTES elements must be strings or Uint8Arrays`);
  });
}

/** JSON `data` of an input: numbers or booleans as they are; BYTES as strings (byte arrays base64-encoded, as OVMS reads images). */
function jsonData(input: ClientInput): unknown[] {
  if (input.datatype === 'BYTES') return Array.from(input.data as ArrayLike<unknown>, (v) => (v instanceof Uint8Array ? base64Encode(v) : v));
  return Array.from(input.data as ArrayLike<unknown>);
}

/** The request body and headers of `request`. */
export function encodeInferRequest(request: ClientInferRequest): { body: Uint8Array | string; headers: Record<string, string> } {
  const chunks: Uint8Array[] = [];
  const inputs: RequestInput[] = request.inputs.map((input) => {
    const { name, datatype, shape } = input;
    if (input.binary ?? request.binary ?? false) {
      const bytes = littleEndianBytes(input.data, datatype, name);
      chunks.push(bytes);
      return { name, datatype, shape, parameters: { binary_data_size: bytes.byteLength } };
    }
    return { name, datatype, shape, data: jsonData(input) };
  });
  const header: InferRequest = { inputs };
  if (request.id !== undefined) header.id = request.id;
  if (request.parameters !== undefined) header.parameters = request.parameters;
  if (request.outputs !== undefined) {
    header.outputs = request.outputs.map((o) => ({ name: o.name, parameters: { binary_data: o.binary ?? request.binary ?? false } }));
  } else if (request.binary) {
    header.parameters = { ...header.parameters, binary_data_output: true };
  }
  if (chunks.length === 0) return { body: JSON.stringify(header), headers: { 'content-type': 'application/json' } };
  const { body, headerLength } = joinBody(header, chunks);
  return { body, headers: { 'content-type': 'application/octet-stream', [INFERENCE_HEADER_CONTENT_LENGTH]: String(headerLength) } };
}

function decodeBinary(bytes: Uint8Array, datatype: Datatype, count: number, name: string): TensorValues {
  if (datatype === 'BYTES') {
    const elements = decodeBytesTensor(bytes, `output ${name}`);
    if (elements.length !== count) throw new ProtocolError(502, `output ${name}: ${elements.length} BYTES elements, shape says ${count}`);
    return elements.map((e) => decoder.decode(e));
  }
  if (datatype === 'BOOL') return Array.from(bytes, (b) => b !== 0);
  const ctor = NUMERIC[datatype];
  if (ctor === undefined) throw new ProtocolError(502, `output ${name}: datatype ${datatype} is not supported by this client`);
  if (bytes.byteLength !== count * ctor.BYTES_PER_ELEMENT) {
    throw new ProtocolError(502, `output ${name}: ${bytes.byteLength} bytes of binary data for ${count} ${datatype} elements`);
  }
  if (datatype === 'FP32' || datatype === 'INT32') return numericFromBytes(bytes, datatype);
  const out = new ctor(count);
  new Uint8Array(out.buffer).set(bytes); // other types: little-endian hosts only
  return out;
}

function decodeJson(data: unknown, datatype: Datatype, shape: number[], name: string): TensorValues {
  const flat = flattenData(data, shape.length, elementCount(shape), `output ${name}`);
  if (datatype === 'BYTES') return flat.map(String);
  if (datatype === 'BOOL') return flat.map(Boolean);
  const ctor = NUMERIC[datatype];
  if (ctor === undefined) throw new ProtocolError(502, `output ${name}: datatype ${datatype} is not supported by this client`);
  const out = new ctor(flat.length);
  flat.forEach((v, i) => { out[i] = typeof v === 'number' ? v : NaN; }); // JSON null (a NaN the server could not write) → NaN
  return out;
}

/** Reads an inference response body (`headerLength`: its Inference-Header-Content-Length header). */
export function decodeInferResponse(body: Uint8Array, headerLength: string | null | undefined): ClientInferResponse {
  const { json, binary } = splitBody(body, headerLength ?? undefined, 'response');
  let res: InferResponse;
  try {
    res = JSON.parse(json) as InferResponse;
  } catch (cause) {
    throw new ProtocolError(502, 'the response is not JSON', { cause });
  }
  if (typeof res !== 'object' || res === null || !Array.isArray(res.outputs)) throw new ProtocolError(502, 'the response has no "outputs"');
  const outputs = new Map<string, DecodedTensor>();
  let at = 0;
  for (const o of res.outputs) {
    const size = o.parameters?.binary_data_size;
    let data: TensorValues;
    if (typeof size === 'number') {
      if (size > binary.byteLength - at) throw new ProtocolError(502, `output ${o.name}: binary_data_size ${size} reaches past the body`);
      data = decodeBinary(binary.subarray(at, at + size), o.datatype, elementCount(o.shape), o.name);
      at += size;
    } else {
      data = decodeJson(o.data, o.datatype, o.shape, o.name);
    }
    outputs.set(o.name, { name: o.name, datatype: o.datatype, shape: o.shape, data });
  }
  const out: ClientInferResponse = { model_name: res.model_name, outputs };
  if (res.model_version !== undefined) out.model_version = res.model_version;
  if (res.id !== undefined) out.id = res.id;
  if (res.parameters !== undefined) out.parameters = res.parameters;
  return out;
}

export class InferenceClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly fetchFn: typeof fetch;

  /** `baseUrl`: the server, e.g. http://127.0.0.1:8000 */
  constructor(baseUrl: string, options: ClientOptions = {}) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.headers = options.headers ?? {};
    this.fetchFn = options.fetch ?? fetch;
  }

  private async request(method: string, path: string, body?: Uint8Array | string, headers: Record<string, string> = {}): Promise<Response> {
    // (a Uint8Array is a BufferSource; TypeScript's DOM types want its buffer typed as ArrayBuffer)
    return this.fetchFn(`${this.base}${path}`, { method, body: body as BodyInit | undefined, headers: { ...this.headers, ...headers } });
  }

  private async fail(res: Response): Promise<never> {
    const text = await res.text();
    let message = text;
    try {
      const parsed = JSON.parse(text) as { error?: unknown };
      if (typeof parsed.error === 'string') message = parsed.error;
    } catch {
      // not JSON: the text as it is
    }
    const retry = Number(res.headers.get('retry-after') ?? NaN);
    throw new InferenceServerError(res.status, message, Number.isFinite(retry) ? retry : undefined);
  }

  private async json<T>(path: string): Promise<T> {
    const res = await this.request('GET', path);
    if (!res.ok) return this.fail(res);
    return (await res.json()) as T;
  }

  private async healthy(path: string): Promise<boolean> {
    const res = await this.request('GET', path);
    await res.arrayBuffer();
    return res.status === 200;
  }

  private static modelPath(name: string, version?: string): string {
    return `/v2/models/${encodeURIComponent(name)}${version === undefined ? '' : `/versions/${encodeURIComponent(version)}`}`;
  }

  serverMetadata(): Promise<ServerMetadata> {
    return this.json('/v2');
  }

  isLive(): Promise<boolean> {
    return this.healthy('/v2/health/live');
  }

  isReady(): Promise<boolean> {
    return this.healthy('/v2/health/ready');
  }

  modelMetadata(name: string, version?: string): Promise<ModelMetadata> {
    return this.json(InferenceClient.modelPath(name, version));
  }

  isModelReady(name: string, version?: string): Promise<boolean> {
    return this.healthy(`${InferenceClient.modelPath(name, version)}/ready`);
  }

  /** POST .../infer; throws InferenceServerError for a non-200 answer. */
  async infer(name: string, request: ClientInferRequest, version?: string): Promise<ClientInferResponse> {
    const { body, headers } = encodeInferRequest(request);
    const res = await this.request('POST', `${InferenceClient.modelPath(name, version)}/infer`, body, headers);
    if (!res.ok) return this.fail(res);
    return decodeInferResponse(new Uint8Array(await res.arrayBuffer()), res.headers.get(INFERENCE_HEADER_CONTENT_LENGTH));
  }

  /**
   * The card's network: im_data FP32 [1,3,H,W] (BGR, 0..255, zero padded) and im_info [h, w, scale]
   * → classes, scores, boxes (processed-image pixels), raw masks. Binary data both ways by default.
   */
  async executeCard(name: string, imData: Float32Array, imDataShape: [number, number, number, number], imInfo: ArrayLike<number>,
    options: { outputs?: Array<'classes' | 'scores' | 'boxes' | 'raw_masks'>; binary?: boolean; id?: string } = {}): Promise<CardOutputs> {
    const binary = options.binary ?? true;
    const res = await this.infer(name, {
      id: options.id,
      binary,
      inputs: [
        { name: 'im_data', datatype: 'FP32', shape: imDataShape, data: imData },
        { name: 'im_info', datatype: 'FP32', shape: [1, 3], data: Float32Array.from(imInfo) },
      ],
      outputs: options.outputs?.map((n) => ({ name: n })),
    });
    const get = <T>(n: string): T | undefined => res.outputs.get(n)?.data as T | undefined;
    return {
      classes: get<Int32Array>('classes'), scores: get<Float32Array>('scores'), boxes: get<Float32Array>('boxes'),
      rawMasks: get<Float32Array>('raw_masks'), rawMasksShape: res.outputs.get('raw_masks')?.shape,
    };
  }

  /** An encoded PNG/JPEG → its instances (best score first) and size. Binary data both ways by default. */
  async detect(name: string, image: Uint8Array, options: {
    scoreThreshold?: number; maxDetections?: number; policy?: 'fit' | 'window'; binary?: boolean; id?: string;
  } = {}): Promise<{ width: number; height: number; instances: DetectedInstance[] }> {
    const parameters: Parameters = {};
    if (options.scoreThreshold !== undefined) parameters.score_threshold = options.scoreThreshold;
    if (options.maxDetections !== undefined) parameters.max_detections = options.maxDetections;
    if (options.policy !== undefined) parameters.policy = options.policy;
    const res = await this.infer(name, {
      id: options.id, parameters, binary: options.binary ?? true,
      inputs: [{ name: 'im_data', datatype: 'BYTES', shape: [1], data: [image] }],
    });
    const get = (n: string): TensorValues => {
      const t = res.outputs.get(n);
      if (t === undefined) throw new ProtocolError(502, `the response has no output ${n}`);
      return t.data;
    };
    const [height, width] = get('image_size') as Int32Array;
    const classes = get('classes') as Int32Array;
    const labels = get('labels') as string[];
    const scores = get('scores') as Float32Array;
    const boxes = get('boxes') as Float32Array;
    const masks = get('masks') as string[];
    const instances = Array.from(classes, (classId, i): DetectedInstance => ({
      classId, label: labels[i], score: scores[i],
      box: [boxes[i * 4], boxes[i * 4 + 1], boxes[i * 4 + 2], boxes[i * 4 + 3]],
      rle: { size: [height, width], counts: masks[i] },
    }));
    return { width, height, instances };
  }
}
