/**
 * The IR reader on the layouts Model Optimizer / POT write (tools/oracle/export_ir.py through
 * exporter_zoo.py, K=32 weights of test/fixtures/converter/zoo): IR v10 `--data_type FP16` (f16
 * constants feed the layers directly), IR v10 INT8 (FakeQuantize on f16 weights and on activations),
 * IR v11 INT8 with compressed weights (i8 -> Convert -> Multiply). Each is compared with the same
 * weights as torch.onnx fused them (o49_k32_bnfused_op14) within the precision's own rounding, and
 * the structural matcher is shown not to depend on the order or the names of the layers.
 */
import * as path from 'path';
import * as zlib from 'zlib';
import { readOnnx } from '../onnx/read';
import { onnxModelType } from '../onnx/schema';
import { formatLayerReport, reportFromMatch } from '../structure/report';
import { WeightMap } from '../types';
import { fixture, readBytes } from '../../../../test/helpers/converter_fixtures';
import { readIr } from './read';

const zoo = (name: string): Uint8Array => new Uint8Array(zlib.gunzipSync(readBytes(fixture(path.join('zoo', name)))));
const read = (stem: string, xml?: Uint8Array): ReturnType<typeof readIr> =>
  readIr(xml ?? zoo(`${stem}.xml.gz`), zoo(`${stem}.bin.gz`), `${stem}.xml`);
/** The same K=32 weights with BN fused by torch.onnx (float32), PyTorch layouts. */
const fused = (): WeightMap => readOnnx(zoo('o49_k32_bnfused_op14.onnx.gz'), 'fused.onnx').weights;

/** Largest |got - want| of each tensor over its largest |want|, and over `step(want)` for every element. */
function errors(got: WeightMap, want: WeightMap, step: (w: number, range: number) => number): { rel: number; steps: number } {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  let rel = 0;
  let steps = 0;
  for (const [name, w] of want) {
    const g = got.get(name)!;
    expect({ name, shape: g.shape }).toEqual({ name, shape: w.shape });
    let range = 0;
    for (let i = 0; i < w.data.length; i++) range = Math.max(range, Math.abs(w.data[i]));
    for (let i = 0; i < w.data.length; i++) {
      const d = Math.abs(g.data[i] - w.data[i]);
      rel = Math.max(rel, d / Math.max(range, 1e-12));
      steps = Math.max(steps, d / step(w.data[i], range));
    }
  }
  return { rel, steps };
}

/** One binary16 step at |w| (the spacing of f16 values there; subnormal spacing below 2^-14). */
const halfStep = (w: number): number => Math.max(2 ** (Math.floor(Math.log2(Math.max(Math.abs(w), 2 ** -14))) - 10), 2 ** -24);

describe('readIr on Model Optimizer / POT layouts', () => {
  const want = fused();

  it('IR v10 FP16 (--data_type FP16: f16 constants straight into the layers, FP16 ports)', () => {
    const r = read('o49_k32_ir10_fp16');
    expect(r.irVersion).toBe(10);
    // export_ir fuses BN in float32 numpy, torch in float32 torch, then f16 rounding: within one f16 step (+ the fold ulps).
    const e = errors(r.weights, want, (w) => halfStep(w));
    expect(e.steps).toBeLessThanOrEqual(0.51); // measured 0.5: the f16 rounding itself
    expect(r.input.mean).toEqual([103, 115.9375, 122.75]); // the mean constant is f16 too
    expect(formatLayerReport(reportFromMatch(r.match))).toMatch(/^74 layers placed by graph structure \(no stored name names its module\); tensors: 74 stored; folded: Add into 74 layers$/);
  });

  it.each([
    ['o49_k32_ir10_int8', 10, 'FakeQuantize', 'FakeQuantize (255 levels) on f16 weights'],
    ['o49_k32_ir11_int8', 11, 'Multiply/Convert', 'compressed i8 weights -> Convert -> Multiply(scale)'],
  ])('%s: IR v%i INT8, weights through %s (%s), within half a quantization step of each channel', (stem, version, route) => {
    const r = read(stem);
    expect(r.irVersion).toBe(version);
    // Symmetric per-channel quantization to 255 levels: step = 2 max|w_c| / 254; the bound uses each
    // tensor's max (>= each channel's) plus one f16 step for the v10 f16 weights.
    const e = errors(r.weights, want, (w, range) => range / 254 + (version === 10 ? halfStep(range) : 0) + 1e-6 * range);
    expect(e.steps).toBeLessThanOrEqual(1); // measured 0.90 (v10), 0.9997 (v11)
    expect(e.rel).toBeGreaterThan(1e-3); // it is lossy (measured 4.1e-3, 3.9e-3 of each tensor's range)
    expect(r.input.mean).toEqual(version === 10 ? [103, 115.9375, 122.75] : [102.9801, 115.9465, 122.7717]);
    const rep = reportFromMatch(r.match);
    expect(rep.routes).toEqual([{ route, tensors: [...r.match.modules.keys()].map((m) => `${m}.weight`) }]);
  });

  /** Deterministic shuffle (xorshift32). */
  function shuffled<T>(items: T[], seed: number): T[] {
    const a = [...items];
    let s = seed;
    for (let i = a.length - 1; i > 0; i--) {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
      const j = (s >>> 0) % (i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }

  it('survives a reordered layer list and renamed layers (IR): the same weights, every layer placed', () => {
    const stem = 'o49_k32_ir11_int8';
    const text = new TextDecoder().decode(zoo(`${stem}.xml.gz`));
    const layers = text.match(/<layer [^>]*>[\s\S]*?<\/layer>/g)!;
    expect(layers.length).toBeGreaterThan(500);
    let k = 0;
    const renamed = shuffled(layers, 2024).map((l) => l.replace(/^<layer ([^>]*?)name="[^"]*"/, (_m, pre: string) => `<layer ${pre}name="n${(k++ * 7919) % 100003}"`));
    const start = text.indexOf(layers[0]);
    const end = text.lastIndexOf(layers[layers.length - 1]) + layers[layers.length - 1].length;
    const xml = text.slice(0, start) + renamed.join('\n') + text.slice(end);
    expect(xml).not.toEqual(text);
    expect(xml.indexOf('name="Convolution_')).toBe(-1);
    const a = read(stem);
    const b = read(stem, new TextEncoder().encode(xml));
    for (const [name, t] of a.weights) {
      expect({ name, same: Buffer.from(b.weights.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)) }).toEqual({ name, same: true });
    }
    expect(b.weights.size).toBe(a.weights.size);
    expect(b.input).toEqual(a.input);
  });

  it('survives a reordered node list and renamed nodes (ONNX): the same weights', () => {
    const type = onnxModelType();
    const bytes = zoo('o49_k32_bnfused_op14.onnx.gz');
    const msg = type.toObject(type.decode(bytes), { longs: Number, defaults: true, arrays: true }) as { graph: { node: { name: string }[] } };
    msg.graph.node = shuffled(msg.graph.node, 7).map((n, i) => ({ ...n, name: `node${i}` }));
    const a = readOnnx(bytes, 'a.onnx').weights;
    const b = readOnnx(type.encode(type.fromObject(msg)).finish(), 'b.onnx').weights;
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, t] of a) expect({ name, same: Buffer.from(b.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)) }).toEqual({ name, same: true });
  });
});
