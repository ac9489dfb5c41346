/**
 * A worker's result → the inference response body: the requested outputs, each as JSON data or
 * (binary_data) as binary data after the JSON, in the order requested.
 *
 * Outputs of a card request: `classes` INT32 [100], `scores` FP32 [100], `boxes` FP32 [100,4]
 * (processed-image pixels), `raw_masks` FP32 [100,C,28,28]. Of an encoded-image request, per
 * instance (N of them, best score first): `classes` INT32 [N], `labels` BYTES [N], `scores` FP32 [N],
 * `boxes` FP32 [N,4] (x1,y1,x2,y2 in original-image pixels), `masks` BYTES [N] (pycocotools
 * compressed RLE counts of each full-size mask), and `image_size` INT32 [2] (height, width: the
 * RLE's size).
 */
import { encodeBytesTensor, numericBytes } from './protocol/binary';
import type { Datatype, InferResponse } from './protocol/types';
import type { ParsedInfer } from './infer_request';
import type { ServedModel } from './served_model';
import type { InferResult } from './task';

interface OutTensor {
  datatype: Datatype;
  shape: number[];
  values: Float32Array | Int32Array | string[];
}

export interface EncodedResponse {
  body: string | Buffer;
  contentType: string;
  /** Inference-Header-Content-Length, when binary data follows the JSON. */
  headerLength?: number;
}

function outputsOf(result: InferResult): Map<string, OutTensor> {
  const out = new Map<string, OutTensor>();
  if (result.kind === 'tensors') {
    const n = result.rawMasksShape[0];
    if (result.classes) out.set('classes', { datatype: 'INT32', shape: [n], values: result.classes });
    if (result.scores) out.set('scores', { datatype: 'FP32', shape: [n], values: result.scores });
    if (result.boxes) out.set('boxes', { datatype: 'FP32', shape: [n, 4], values: result.boxes });
    if (result.rawMasks) out.set('raw_masks', { datatype: 'FP32', shape: [...result.rawMasksShape], values: result.rawMasks });
    return out;
  }
  const n = result.classes.length;
  out.set('classes', { datatype: 'INT32', shape: [n], values: result.classes });
  out.set('labels', { datatype: 'BYTES', shape: [n], values: result.labels });
  out.set('scores', { datatype: 'FP32', shape: [n], values: result.scores });
  out.set('boxes', { datatype: 'FP32', shape: [n, 4], values: result.boxes });
  out.set('masks', { datatype: 'BYTES', shape: [n], values: result.masks });
  out.set('image_size', { datatype: 'INT32', shape: [2], values: Int32Array.of(result.height, result.width) });
  return out;
}

/**
 * JSON text of numbers or strings (JSON has no NaN or Infinity: JSON.stringify writes them null).
 * Measured on 6.35 M floats (raw_masks): JSON.stringify of an Array is 2-3x faster than the typed
 * array's own join; either way, large outputs belong in binary data.
 */
function jsonData(values: Float32Array | Int32Array | string[]): string {
  return JSON.stringify(Array.isArray(values) ? values : Array.from(values));
}

const encoder = new TextEncoder();

function binaryData(t: OutTensor): Uint8Array {
  return Array.isArray(t.values) ? encodeBytesTensor(t.values.map((s) => encoder.encode(s))) : numericBytes(t.values);
}

/** The response to `request` with `result`, for model `model`. */
export function encodeResponse(request: ParsedInfer, result: InferResult, model: ServedModel): EncodedResponse {
  const tensors = outputsOf(result);
  const head: Omit<InferResponse, 'outputs'> = { model_name: model.name, model_version: model.version };
  if (request.id !== undefined) head.id = request.id;
  const parts: string[] = [];
  const chunks: Uint8Array[] = [];
  for (const choice of request.outputs) {
    const t = tensors.get(choice.name);
    if (t === undefined) continue; // not produced (cannot happen for validated names)
    const meta = `"name":${JSON.stringify(choice.name)},"datatype":"${t.datatype}","shape":${JSON.stringify(t.shape)}`;
    if (choice.binary) {
      const bytes = binaryData(t);
      chunks.push(bytes);
      parts.push(`{${meta},"parameters":{"binary_data_size":${bytes.byteLength}}}`);
    } else {
      parts.push(`{${meta},"data":${jsonData(t.values)}}`);
    }
  }
  const json = `${JSON.stringify(head).slice(0, -1)},"outputs":[${parts.join(',')}]}`;
  if (chunks.length === 0) return { body: json, contentType: 'application/json; charset=utf-8' };
  const header = Buffer.from(json, 'utf8');
  return {
    body: Buffer.concat([header, ...chunks]),
    contentType: 'application/octet-stream',
    headerLength: header.byteLength,
  };
}
