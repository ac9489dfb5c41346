/**
 * Short fuzzing budget for `npm test`: mutated .pth / ONNX / IR inputs are read or refused with a
 * typed ConverterError, never another exception. `node packages/weights-converter/dist/fuzz/run.js
 * [runs] [seed]` runs a longer budget (test/fuzz holds the project-wide fast-check fuzzing, `npm run fuzz`).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { readOnnx } from '../onnx/read';
import { onnxModelType } from '../onnx/schema';
import { safeUnpickle } from '../readers/pickle';
import { readPth } from '../readers/pth';
import { fuzz, mutate, prng } from './mutate';
import { FIXTURES, isTypedError, targets } from './targets';

const RUNS: Record<string, number> = { pth: 300, 'pth-model': 40, onnx: 400, 'onnx-torchvision': 25, 'onnx-tied': 25, 'ir-xml-int8': 15, 'ir-xml': 15 };

describe('reader fuzzing (seeded, bounded)', () => {
  it('mutations are deterministic for a seed', () => {
    const src = Uint8Array.from({ length: 100 }, (_, i) => i);
    expect(Array.from(mutate(src, prng(3)))).toEqual(Array.from(mutate(src, prng(3))));
  });

  it.each(targets().map((t) => [t.name, t] as const))('%s: only typed errors', (name, t) => {
    const r = fuzz(t.seed(), RUNS[name], 49, t.read, isTypedError);
    expect(r.accepted + r.rejected).toBe(RUNS[name]);
    expect(r.rejected).toBeGreaterThan(0);
  }, 120000);
});

describe('fuzzing regressions', () => {
  it('a zip64 end record with a huge entry count is refused before unzipping (fflate looped for minutes)', () => {
    const b = readFileSync(join(FIXTURES, 'fuzz_zip64_count.pth'));
    expect(() => readPth(new Uint8Array(b), 'fuzz_zip64_count.pth')).toThrow(/zip central directory is damaged: zip64 field/);
  });

  it('a pickle string that is not UTF-8 is a WeightsFormatError, not a TypeError', () => {
    // BINUNICODE of length 1 holding 0xff
    expect(() => safeUnpickle(Uint8Array.from([0x80, 0x02, 0x58, 1, 0, 0, 0, 0xff, 0x2e]), 'u.pkl')).toThrow(/not valid UTF-8.*u\.pkl/);
  });

  it('an ONNX model without a graph is a WeightsFormatError', () => {
    const type = onnxModelType();
    const bytes = type.encode(type.fromObject({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }] })).finish();
    expect(() => readOnnx(bytes, 'empty.onnx')).toThrow(/ONNX model has no graph/);
  });
});
