/** The binary tensor data layout: bodies split and joined, numbers and BYTES elements, and their errors. */
import { decodeBytesTensor, encodeBytesTensor, joinBody, numericBytes, numericFromBytes, splitBody } from './binary';
import { ProtocolError } from './errors';
import { base64Decode, base64Encode, elementCount, finiteFloat32, flattenData } from './tensor_data';

describe('binary bodies', () => {
  it('joins a JSON header and chunks, and splits them back at Inference-Header-Content-Length', () => {
    const header = { outputs: [{ name: 'x', parameters: { binary_data_size: 8 } }], id: 'é' };
    const chunk = numericBytes(Float32Array.of(1.5, -2));
    const { body, headerLength } = joinBody(header, [chunk]);
    expect(headerLength).toBe(Buffer.byteLength(JSON.stringify(header)));
    expect(body.byteLength).toBe(headerLength + 8);
    const { json, binary } = splitBody(body, String(headerLength));
    expect(JSON.parse(json)).toEqual(header);
    expect(Array.from(numericFromBytes(binary, 'FP32'))).toEqual([1.5, -2]);
    expect(splitBody(new TextEncoder().encode('{"a":1}'), undefined)).toEqual({ json: '{"a":1}', binary: new Uint8Array(0) });
  });

  it.each([['-1'], ['12abc'], ['1e3'], ['99']])('refuses Inference-Header-Content-Length %p beyond or not a byte count', (value) => {
    expect(() => splitBody(new Uint8Array(10), value)).toThrow(new ProtocolError(400,
      `Inference-Header-Content-Length ${JSON.stringify(value)}: expected a byte count no larger than the request body (10 bytes)`));
  });

  it('refuses JSON that is not UTF-8', () => {
    expect(() => splitBody(Uint8Array.of(0x7b, 0xff, 0x7d), undefined)).toThrow("the request's JSON is not valid UTF-8");
  });

  it('numbers are little-endian and copied into aligned arrays from any offset', () => {
    const bytes = Uint8Array.of(0, 0, 0, 0x80, 0x3f, 1, 0, 0, 0);
    expect(Array.from(numericFromBytes(bytes.subarray(1, 5), 'FP32'))).toEqual([1]);
    expect(Array.from(numericFromBytes(bytes.subarray(5), 'INT32'))).toEqual([1]);
    expect(Array.from(numericBytes(Int32Array.of(258)))).toEqual([2, 1, 0, 0]);
  });

  it('BYTES elements are a 4-byte length and the bytes; truncation names the tensor and element', () => {
    const enc = encodeBytesTensor([new TextEncoder().encode('ab'), new Uint8Array(0), Uint8Array.of(7)]);
    expect(Array.from(enc)).toEqual([2, 0, 0, 0, 97, 98, 0, 0, 0, 0, 1, 0, 0, 0, 7]);
    expect(decodeBytesTensor(enc, 'x').map((e) => Array.from(e))).toEqual([[97, 98], [], [7]]);
    expect(() => decodeBytesTensor(enc.subarray(0, 5), 'input im_data')).toThrow('input im_data: BYTES element 0 declares 2 bytes, only 1 follow');
    expect(() => decodeBytesTensor(enc.subarray(0, 8), 'input im_data')).toThrow("input im_data: BYTES data ends inside an element's 4-byte length");
  });
});

describe('JSON tensor data', () => {
  it('shapes: non-negative integers, at most 2^31-1 elements', () => {
    expect(elementCount([1, 3, 320, 480], 'x')).toBe(460800);
    expect(elementCount([], 'x')).toBe(1);
    expect(() => elementCount([1, -3], 'input a')).toThrow('input a: shape [1,-3]: every dimension must be a non-negative integer');
    expect(() => elementCount([1, 2.5], 'input a')).toThrow('every dimension must be a non-negative integer');
    expect(() => elementCount([100000, 100000, 3], 'input a')).toThrow('input a: shape [100000,100000,3] declares more than 2147483647 elements');
    expect(() => elementCount('1,3', 'input a')).toThrow('input a: "shape" must be an array of at most 8 dimensions, got "1,3"');
  });

  it('data flat or nested to the shape\'s depth, with exactly the declared count', () => {
    expect(flattenData([[1, 2], [3, 4]], 2, 4, 'x')).toEqual([1, 2, 3, 4]);
    expect(flattenData([1, 2, 3, 4], 2, 4, 'x')).toEqual([1, 2, 3, 4]);
    expect(() => flattenData([[[1]]], 2, 1, 'input a')).toThrow('input a: "data" is nested deeper than its 2 dimensions');
    expect(() => flattenData([1, 2, 3], 1, 2, 'input a')).toThrow('input a: "data" holds more than the 2 elements its shape declares');
    expect(() => flattenData([1], 1, 2, 'input a')).toThrow('input a: "data" holds 1 elements, its shape declares 2');
    expect(() => flattenData({ 0: 1 }, 1, 1, 'input a')).toThrow('input a: "data" must be an array, got {"0":1}');
  });

  it('FP32 values must be finite numbers (1e39 overflows float32)', () => {
    expect(Array.from(finiteFloat32([0.5, 255, -1e-3], 'x'))).toEqual([0.5, 255, Math.fround(-1e-3)]);
    expect(() => finiteFloat32([1, '2'], 'input im_data')).toThrow('input im_data: element 1 is not a number ("2")');
    expect(() => finiteFloat32([1, null], 'input im_data')).toThrow('input im_data: element 1 is not a number (null)');
    expect(() => finiteFloat32([1e39], 'input im_data')).toThrow('input im_data: element 0 is 1e+39 as FP32: values must be finite');
  });

  it('base64 is strict', () => {
    const bytes = Uint8Array.of(0, 1, 2, 250, 251);
    expect(Array.from(base64Decode(base64Encode(bytes), 'x'))).toEqual(Array.from(bytes));
    expect(() => base64Decode('not base64!', 'input im_data')).toThrow('input im_data: a BYTES element in JSON must be base64 text');
    expect(() => base64Decode('abcde', 'input im_data')).toThrow('must be base64 text');
  });
});
