/**
 * The Open Inference Protocol (KServe v2) REST payloads, as JSON on the wire, and the names of the
 * binary tensor data extension (Triton's `binary_tensor_data`, which OVMS and KServe runtimes speak).
 * Shared by the server and the client; no Node-only imports.
 */

/** Tensor element types of the protocol. */
export type Datatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64'
  | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

export const DATATYPES: readonly Datatype[] = [
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'];

/** `parameters` of a request, input, output or response. */
export type Parameters = Record<string, string | number | boolean>;

/** Tensor contents in JSON: row-major, flat or nested; numbers, booleans or (BYTES) strings. */
export type TensorData = ReadonlyArray<unknown>;

export interface RequestInput {
  name: string;
  shape: number[];
  datatype: Datatype;
  parameters?: Parameters;
  /** Absent when the tensor travels as binary data (`parameters.binary_data_size`). */
  data?: TensorData;
}

export interface RequestOutput {
  name: string;
  /** `binary_data: true` asks for this output as binary data. */
  parameters?: Parameters;
}

export interface InferRequest {
  id?: string;
  /** `binary_data_output: true`: every output as binary data; `timeout`: microseconds (as Triton). */
  parameters?: Parameters;
  inputs: RequestInput[];
  /** Default: every output the model produces, as JSON. */
  outputs?: RequestOutput[];
}

export interface ResponseOutput {
  name: string;
  shape: number[];
  datatype: Datatype;
  /** `binary_data_size` when the data follows the JSON as binary. */
  parameters?: Parameters;
  data?: TensorData;
}

export interface InferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Parameters;
  outputs: ResponseOutput[];
}

export interface ServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

export interface TensorMetadata {
  name: string;
  datatype: Datatype;
  /** -1 for a dimension of variable size. */
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions?: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

export interface ModelReadyResponse {
  name: string;
  ready: boolean;
}

/** The body of every failed request. */
export interface ErrorResponse {
  error: string;
}

/** Length of the JSON part of a body followed by binary tensor data (lower case, as Node reports headers). */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'inference-header-content-length';
/** The extension name in the server metadata. */
export const BINARY_TENSOR_DATA = 'binary_tensor_data';
