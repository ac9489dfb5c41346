/**
 * The ONNX reader on files written by the real exporters (test/fixtures/converter/zoo, written by
 * tools/oracle/exporter_zoo.py with Debian's torch 1.13 / torchvision 0.14 / onnx 1.12): every opset
 * 11..17, with and without constant folding, dynamic axes, external data, tied initializers behind
 * Identity nodes, BN fused into renamed `onnx::Conv_N` initializers, a BOOL constant of torchvision's
 * transform. Weight-level: torchvision's exports equal the .pth of the same model after BN folding.
 * (Each file running like its exporter's model: test/converter/exporter_zoo.test.ts.)
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { WeightsFormatError } from '../errors';
import { externalDataReader } from '../io/external_data';
import { readPth } from '../readers/pth';
import { formatLayerReport, reportFromMatch } from '../structure/report';
import { toTfjsWeightMap } from '../transform';
import { WeightMap } from '../types';
import { fixture, readBytes, tempDir, removeTempDirs } from '../../../../test/helpers/converter_fixtures';
import { readOnnx } from './read';
import { onnxModelType } from './schema';

const zoo = (name: string): string => fixture(path.join('zoo', name));
const gunzip = (file: string): Uint8Array => new Uint8Array(zlib.gunzipSync(readBytes(file)));
const MANIFEST = JSON.parse(fs.readFileSync(zoo('zoo.json'), 'utf8')) as Record<string, { opset: number; files: string[] }>;

/** Largest |a - b| over every tensor, relative to each tensor's largest |b|. */
function worstRelative(got: WeightMap, want: WeightMap): number {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  let worst = 0;
  for (const [name, w] of want) {
    const g = got.get(name)!;
    expect({ name, shape: g.shape }).toEqual({ name, shape: w.shape });
    let scale = 0;
    for (let i = 0; i < w.data.length; i++) scale = Math.max(scale, Math.abs(w.data[i]));
    for (let i = 0; i < w.data.length; i++) worst = Math.max(worst, Math.abs(g.data[i] - w.data[i]) / Math.max(scale, 1e-6));
  }
  return worst;
}

afterAll(removeTempDirs);

describe('readOnnx on files written by real exporters', () => {
  it('covers opsets 11 to 17: every file maps by graph structure and reports its opset and producer', () => {
    const opsets = new Set<number>();
    for (const [name, e] of Object.entries(MANIFEST)) {
      if (name.includes('_ext_') || !e.files[0].endsWith('.onnx.gz')) continue; // external data: below; IRs: ir/zoo.test.ts
      const r = readOnnx(gunzip(zoo(e.files[0])), e.files[0]);
      expect({ name, mappedBy: r.mappedBy, opset: r.opset }).toEqual({ name, mappedBy: 'structure', opset: e.opset });
      expect(r.producer).toMatch(/^pytorch 1\.13\./);
      opsets.add(r.opset);
    }
    expect([...opsets].sort()).toEqual([11, 13, 14, 15, 16, 17]);
    expect(MANIFEST.tv_k32_ext_op12.opset).toBe(12);
  });

  const tvPth = (): WeightMap => toTfjsWeightMap(readPth(gunzip(zoo('tv_k32.pth.gz')), 'tv_k32.pth'));
  it.each(['tv_k32_dyn_op13', 'tv_k32_nofold_op16', 'tv_k32_op17'])(
    "torchvision's own export %s equals the .pth of the same model (BN folded in float32 by the exporter or by us from the Sqrt/Div subgraph)", (name) => {
      const r = readOnnx(gunzip(zoo(`${name}.onnx.gz`)), name);
      // Measured 1.2e-7: FrozenBN folded in float32 (torch / the Mul+Add path) vs float64 (.pth path).
      expect(worstRelative(toTfjsWeightMap(r.weights), tvPth())).toBeLessThan(1e-6);
      const line = formatLayerReport(reportFromMatch(r.match!));
      expect(line).toMatch(/^74 layers placed by graph structure \(every stored weight name agrees with its place\); tensors: 95 stored; folded: Mul\+Add into 53 layers/);
      if (name.includes('nofold')) expect(line).toMatch(/constants computed by .*Sqrt/);
    });

  it('tied FPN lateral biases (one initializer + Identity nodes) are read as three biases equal to inner_blocks.0.bias', () => {
    const r = readOnnx(gunzip(zoo('o49_k32_tied_op11.onnx.gz')), 'tied.onnx');
    const b0 = Array.from(r.weights.get('backbone.fpn.inner_blocks.0.bias')!.data);
    for (const i of [1, 2, 3]) expect(Array.from(r.weights.get(`backbone.fpn.inner_blocks.${i}.bias`)!.data)).toEqual(b0);
    const rep = reportFromMatch(r.match!);
    expect(rep.routes.find((x) => x.route === 'Identity')?.tensors).toEqual([1, 2, 3].map((i) => `backbone.fpn.inner_blocks.${i}.bias`));
    expect(formatLayerReport(rep)).toContain('3 through Identity (backbone.fpn.inner_blocks.1.bias, backbone.fpn.inner_blocks.2.bias, backbone.fpn.inner_blocks.3.bias)');
  });

  it('BN fused into Conv by the exporter: 53 renamed onnx::Conv_N weights placed by structure, the rest agree with their names', () => {
    const r = readOnnx(gunzip(zoo('o49_k32_bnfused_op14.onnx.gz')), 'fused.onnx');
    const rep = reportFromMatch(r.match!);
    expect(rep.names).toEqual({ agree: 21, other: 53 });
    expect([...r.match!.modules.values()].filter((l) => l.weight.name.startsWith('onnx::Conv_')).length).toBe(53);
    expect(rep.folds).toEqual([]);
    // The same weights as the maskrcnn-benchmark-layout export (its FrozenBN without eps holds var + 1e-5):
    // torch's conv+BN fusion and our Mul/Add folding both round in float32; measured 1.04e-6.
    const mb = readOnnx(gunzip(zoo('mb_k32_op15_nofold.onnx.gz')), 'mb.onnx');
    expect(worstRelative(toTfjsWeightMap(mb.weights), toTfjsWeightMap(r.weights))).toBeLessThan(3e-6);
  });

  describe('external data (onnx.save_model with save_as_external_data)', () => {
    const unpack = (): string => {
      const dir = tempDir('mrcnn-ext-');
      for (const f of MANIFEST.tv_k32_ext_op12.files) fs.writeFileSync(path.join(dir, f.replace(/\.gz$/, '')), gunzip(zoo(f)));
      return path.join(dir, 'tv_k32_ext_op12.onnx');
    };

    it('is read beside the .onnx and equals the .pth weights', () => {
      const model = unpack();
      const r = readOnnx(readBytes(model), model, { externalData: externalDataReader(model) });
      expect(r.opset).toBe(12);
      expect(worstRelative(toTfjsWeightMap(r.weights), tvPth())).toBeLessThan(1e-6);
    });

    it('is refused by name without a reader, when the data file is missing, truncated or over the size limit', () => {
      const model = unpack();
      const bytes = readBytes(model);
      expect(() => readOnnx(bytes, model)).toThrow(/stored externally in tv_k32_ext_op12\.onnx\.data.*tensor backbone\.body\.conv1\.weight/);
      const data = `${model}.data`;
      const full = fs.readFileSync(data);
      fs.writeFileSync(data, full.subarray(0, full.length - 4096));
      expect(() => readOnnx(bytes, model, { externalData: externalDataReader(model) })).toThrow(/lies past the end of tv_k32_ext_op12\.onnx\.data/);
      expect(() => readOnnx(bytes, model, { externalData: externalDataReader(model, undefined, 1000) })).toThrow(/more than the 1000 accepted/);
      fs.rmSync(data);
      expect(() => readOnnx(bytes, model, { externalData: externalDataReader(model) })).toThrow(/"tv_k32_ext_op12\.onnx\.data" cannot be read: ENOENT/);
    });

    it('refuses locations that leave the model directory: .., absolute, through a symlink', () => {
      const model = unpack();
      const dir = path.dirname(model);
      const outside = tempDir('mrcnn-outside-');
      fs.writeFileSync(path.join(outside, 'secret.bin'), new Uint8Array(64));
      fs.symlinkSync(path.join(outside, 'secret.bin'), path.join(dir, 'link.bin'));
      const read = externalDataReader(model);
      expect(() => read(`../${path.basename(outside)}/secret.bin`, 't')).toThrow(/leaves the model's directory/);
      expect(() => read(path.join(outside, 'secret.bin'), 't')).toThrow(/not a relative path/);
      expect(() => read('link.bin', 't')).toThrow(/through a link\) outside the model's directory/);
      expect(() => read('link.bin', 't')).toThrow(WeightsFormatError);
      // The location inside a real file, rewritten to climb out: refused while reading that tensor.
      const type = onnxModelType();
      const msg = type.toObject(type.decode(readBytes(model)), { longs: Number, defaults: true, arrays: true }) as {
        graph: { initializer: { name: string; externalData: { key: string; value: string }[] }[] };
      };
      const conv1 = msg.graph.initializer.find((t) => t.name === 'backbone.body.conv1.weight')!;
      conv1.externalData.find((e) => e.key === 'location')!.value = '../tv_k32_ext_op12.onnx.data';
      const evil = type.encode(type.fromObject(msg)).finish();
      expect(() => readOnnx(evil, model, { externalData: read })).toThrow(/"\.\.\/tv_k32_ext_op12\.onnx\.data" leaves the model's directory.*tensor backbone\.body\.conv1\.weight/);
    });
  });
});
