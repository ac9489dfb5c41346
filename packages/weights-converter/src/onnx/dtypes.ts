/**
 * ONNX TensorProto.DataType: every code of onnx.proto, its name, byte size and how its values become
 * numbers here. Floating types (FLOAT, FLOAT16, BFLOAT16, DOUBLE, the four FLOAT8s) decode to float32,
 * integer types and BOOL to int32 (64-bit values are clamped to the int32 range: they only occur in
 * shape constants, never in weights). STRING and COMPLEX cannot become numbers: `numeric` is false and
 * a reader that needs such a tensor refuses it by name.
 */
import { halfToFloat } from '../util/half';

export type DecodedKind = 'float32' | 'int32';

export interface OnnxDType {
  code: number;
  name: string;
  /** Bytes per element in raw_data (0.5 for the packed 4-bit types). */
  bytes: number;
  /** What the values become; undefined for STRING / COMPLEX (not convertible). */
  kind?: DecodedKind;
  /** Which repeated field holds the values when raw_data is empty. */
  field?: 'floatData' | 'int32Data' | 'int64Data' | 'uint64Data' | 'doubleData';
}

const T = (code: number, name: string, bytes: number, kind?: DecodedKind, field?: OnnxDType['field']): OnnxDType => ({ code, name, bytes, kind, field });

const TABLE: readonly OnnxDType[] = [
  T(1, 'FLOAT', 4, 'float32', 'floatData'), T(2, 'UINT8', 1, 'int32', 'int32Data'), T(3, 'INT8', 1, 'int32', 'int32Data'),
  T(4, 'UINT16', 2, 'int32', 'int32Data'), T(5, 'INT16', 2, 'int32', 'int32Data'), T(6, 'INT32', 4, 'int32', 'int32Data'),
  T(7, 'INT64', 8, 'int32', 'int64Data'), T(8, 'STRING', 0), T(9, 'BOOL', 1, 'int32', 'int32Data'),
  T(10, 'FLOAT16', 2, 'float32', 'int32Data'), T(11, 'DOUBLE', 8, 'float32', 'doubleData'), T(12, 'UINT32', 4, 'int32', 'uint64Data'),
  T(13, 'UINT64', 8, 'int32', 'uint64Data'), T(14, 'COMPLEX64', 8), T(15, 'COMPLEX128', 16), T(16, 'BFLOAT16', 2, 'float32', 'int32Data'),
  T(17, 'FLOAT8E4M3FN', 1, 'float32', 'int32Data'), T(18, 'FLOAT8E4M3FNUZ', 1, 'float32', 'int32Data'),
  T(19, 'FLOAT8E5M2', 1, 'float32', 'int32Data'), T(20, 'FLOAT8E5M2FNUZ', 1, 'float32', 'int32Data'),
  T(21, 'UINT4', 0.5, 'int32', 'int32Data'), T(22, 'INT4', 0.5, 'int32', 'int32Data'),
];

const BY_CODE = new Map(TABLE.map((d) => [d.code, d]));

export function onnxDType(code: number): OnnxDType | undefined {
  return BY_CODE.get(code);
}

/** `FLOAT16 (10)`, or `unknown data_type 99`. */
export function dtypeName(code: number): string {
  const d = BY_CODE.get(code);
  return d === undefined ? `unknown data_type ${code}` : `${d.name} (${code})`;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const clampInt = (v: number): number => Math.max(INT32_MIN, Math.min(INT32_MAX, v));
const clampBig = (v: bigint): number => (v < -2147483648n ? INT32_MIN : v > 2147483647n ? INT32_MAX : Number(v));

/** A minifloat (FLOAT8 family) decoder: sign, `e` exponent bits, `m` mantissa bits, `bias`. */
function minifloat(e: number, m: number, bias: number, nan: (b: number) => boolean, inf: boolean, uz: boolean): (b: number) => number {
  return (b) => {
    if (nan(b)) return NaN;
    const sign = (b >> (e + m)) & 1 ? -1 : 1;
    if (uz && b === 0x80) return NaN;
    const exp = (b >> m) & ((1 << e) - 1);
    const frac = b & ((1 << m) - 1);
    if (inf && exp === (1 << e) - 1) return frac === 0 ? sign * Infinity : NaN;
    if (exp === 0) return sign * frac * 2 ** (1 - bias - m);
    return sign * (1 + frac / (1 << m)) * 2 ** (exp - bias);
  };
}

const FLOAT8: Record<number, (b: number) => number> = {
  17: minifloat(4, 3, 7, (b) => (b & 0x7f) === 0x7f, false, false),
  18: minifloat(4, 3, 8, (b) => b === 0x80, false, true),
  19: minifloat(5, 2, 15, () => false, true, false),
  20: minifloat(5, 2, 16, (b) => b === 0x80, false, true),
};

function bf16(bits: number): number {
  const f = new Float32Array(new Uint32Array([(bits & 0xffff) << 16]).buffer);
  return f[0];
}

/** Elements of `raw` (exactly n elements of `d`, little-endian) as float32 or int32 values. */
export function decodeRaw(d: OnnxDType, raw: Uint8Array, n: number): Float32Array | Int32Array {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const f = new Float32Array(d.kind === 'float32' ? n : 0);
  const i = new Int32Array(d.kind === 'int32' ? n : 0);
  switch (d.code) {
    case 1: for (let k = 0; k < n; k++) f[k] = dv.getFloat32(4 * k, true); return f;
    case 10: for (let k = 0; k < n; k++) f[k] = halfToFloat(dv.getUint16(2 * k, true)); return f;
    case 16: for (let k = 0; k < n; k++) f[k] = bf16(dv.getUint16(2 * k, true)); return f;
    case 11: for (let k = 0; k < n; k++) f[k] = dv.getFloat64(8 * k, true); return f;
    case 17: case 18: case 19: case 20: { const g = FLOAT8[d.code]; for (let k = 0; k < n; k++) f[k] = g(raw[k]); return f; }
    case 2: case 9: for (let k = 0; k < n; k++) i[k] = raw[k]; return i;
    case 3: for (let k = 0; k < n; k++) i[k] = dv.getInt8(k); return i;
    case 4: for (let k = 0; k < n; k++) i[k] = dv.getUint16(2 * k, true); return i;
    case 5: for (let k = 0; k < n; k++) i[k] = dv.getInt16(2 * k, true); return i;
    case 6: for (let k = 0; k < n; k++) i[k] = dv.getInt32(4 * k, true); return i;
    case 12: for (let k = 0; k < n; k++) i[k] = clampInt(dv.getUint32(4 * k, true)); return i;
    case 7: for (let k = 0; k < n; k++) i[k] = clampBig(dv.getBigInt64(8 * k, true)); return i;
    case 13: for (let k = 0; k < n; k++) i[k] = clampBig(dv.getBigUint64(8 * k, true)); return i;
    case 21: case 22: for (let k = 0; k < n; k++) i[k] = nibble(d.code, raw[k >> 1], k & 1); return i;
    default: throw new Error(`decodeRaw: ${d.name} is not numeric`);
  }
}

function nibble(code: number, byte: number, high: number): number {
  const v = high ? byte >> 4 : byte & 0x0f;
  return code === 22 && v >= 8 ? v - 16 : v;
}

/** Elements of the typed field (float_data, int32_data, ...) as float32 or int32 values. */
export function decodeField(d: OnnxDType, values: readonly (number | string)[], n: number): Float32Array | Int32Array {
  const num = values.map(Number);
  if (d.code === 1 || d.code === 11) return Float32Array.from(num);
  if (d.code === 10) return Float32Array.from(num, (v) => halfToFloat(v & 0xffff));
  if (d.code === 16) return Float32Array.from(num, bf16);
  if (d.code >= 17 && d.code <= 20) return Float32Array.from(num, (v) => FLOAT8[d.code](v & 0xff));
  if (d.code === 21 || d.code === 22) {
    // int32_data packs two 4-bit values per element (low nibble first), like raw_data.
    return Int32Array.from({ length: n }, (_, k) => nibble(d.code, num[k >> 1] & 0xff, k & 1));
  }
  return Int32Array.from(num, clampInt);
}
