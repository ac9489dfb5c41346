import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { MODEL_SCHEMA_VERSION, readModelMetadata, resolveConfig, variant } from '@mrcnn/schema';
import { convert } from './convert';
import { MissingTensorError, WeightsFormatError } from './errors';
import { readPth } from './readers/pth';
import { onnxModelType } from './onnx/schema';
import { toTfjsWeightMap } from './transform';
import { formatLayerReport } from './structure/report';
import { OutputExistsError } from './writer/atomic_dir';
import { fixture, readBytes, removeTempDirs, tempDir } from '../../../test/helpers/converter_fixtures';

interface ModelJson {
  format: string;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  userDefinedMetadata: { schemaVersion: number; mrcnn: Record<string, unknown>; labels?: string[]; converter: Record<string, unknown> };
}

function readModelDir(dir: string): { json: ModelJson; data: ArrayBuffer } {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
  const bufs = json.weightsManifest[0].paths.map((p) => fs.readFileSync(path.join(dir, p)));
  const all = Buffer.concat(bufs);
  return { json, data: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) };
}

const siblings = (dir: string): string[] => fs.readdirSync(path.dirname(dir)).filter((n) => n.startsWith(`.${path.basename(dir)}`));

afterAll(removeTempDirs);

describe('convert', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });

  it.each([
    ['tiny_k16.pth', '0049', { numClasses: 81, backbone: { widthDiv: 16, blocks: [1, 1, 1, 1] }, fpn: { channels: 16 }, boxHead: { fcDim: 64 }, mask: { channels: 8, convs: 4 } }],
    ['tiny_k32_tv.pth', 'torchvision-v1', { numClasses: 91, backbone: { widthDiv: 32, blocks: [1, 1, 1, 1] }, fpn: { channels: 8 }, boxHead: { fcDim: 32 }, mask: { channels: 8, convs: 4 } }],
  ] as const)('%s: model.json holds the schema version and the %s variant with the widths the shapes tell', async (file, name, shapes) => {
    const out = path.join(tempDir('conv-'), 'model');
    await convert(fixture(file), out);
    const meta = readModelDir(out).json.userDefinedMetadata;
    expect(meta.schemaVersion).toBe(MODEL_SCHEMA_VERSION);
    expect(Object.keys(meta)).toEqual(['schemaVersion', 'mrcnn', 'converter']);
    // Every field the tensors do not tell is the schema's default for the variant.
    expect(meta.mrcnn).toEqual(resolveConfig(shapes, variant(name)));
    expect(readModelMetadata(meta).config).toEqual(meta.mrcnn);
  });

  it('.pth -> model.json + shards (<= maxShardBytes) that tf.io decodes to the transformed weights exactly', async () => {
    const out = path.join(tempDir('conv-'), 'model');
    const progress: string[] = [];
    const s = await convert(fixture('tiny_k16.pth'), out, { maxShardBytes: 100_000, labels: Array.from({ length: 81 }, (_, i) => `c${i}`), onProgress: (_d, _t, w) => progress.push(w.split(' ')[0]) });
    expect(s).toMatchObject({ format: 'pth', arch: '0049', numClasses: 81, widthDiv: 16, quantize: 'none', mappedBy: 'names' });
    const { json, data } = readModelDir(out);
    expect(json.weightsManifest[0].paths.length).toBe(s.shards);
    for (const p of json.weightsManifest[0].paths) expect(fs.statSync(path.join(out, p)).size).toBeLessThanOrEqual(100_000);
    expect(s.shards).toBe(Math.ceil(s.bytes / 100_000));
    expect(json.userDefinedMetadata.mrcnn).toMatchObject({ numClasses: 81, backbone: { widthDiv: 16, blocks: [1, 1, 1, 1], strideOn: '1x1' }, fpn: { channels: 16 }, mask: { channels: 8, convs: 4 }, boxHead: { fcDim: 64 } });
    expect(json.userDefinedMetadata.labels![5]).toBe('c5');
    expect(progress).toEqual(expect.arrayContaining(['read', 'encode', 'wrote']));
    const before = tf.memory().numTensors;
    const decoded = tf.io.decodeWeights(data, json.weightsManifest[0].weights);
    const want = toTfjsWeightMap(readPth(readBytes(fixture('tiny_k16.pth')), 'tiny_k16.pth'));
    expect(Object.keys(decoded).sort()).toEqual([...want.keys()].sort());
    expect(s.tensors).toBe(want.size);
    let params = 0;
    for (const [name, t] of want) {
      params += t.data.length;
      expect({ name, shape: decoded[name].shape }).toEqual({ name, shape: t.shape });
      expect(Buffer.from(decoded[name].dataSync<'float32'>().buffer).equals(Buffer.from((t.data as Float32Array).buffer))).toBe(true);
    }
    expect(s.params).toBe(params);
    expect(s.bytes).toBe(params * 4);
    tf.dispose(Object.values(decoded));
    expect(tf.memory().numTensors).toBe(before);
    expect(siblings(out)).toEqual([]);
  });

  it.each([['fp16', 2, 2 ** -11], ['uint8', 1, 0.5 / 255]] as const)('--quantize %s: manifest quantization field, bytes and error bound', async (q, bytesPer, bound) => {
    const out = path.join(tempDir('conv-'), 'q');
    const s = await convert(fixture('tiny_k16.pth'), out, { quantize: q });
    expect(s.bytes).toBe(s.params * bytesPer);
    const { json, data } = readModelDir(out);
    const want = toTfjsWeightMap(readPth(readBytes(fixture('tiny_k16.pth')), 'tiny_k16.pth'));
    const decoded = tf.io.decodeWeights(data, json.weightsManifest[0].weights);
    for (const spec of json.weightsManifest[0].weights) {
      expect(spec.quantization?.dtype).toBe(q === 'fp16' ? 'float16' : 'uint8');
      const w = want.get(spec.name)!.data;
      const g = decoded[spec.name].dataSync();
      let range = 0;
      for (let i = 0; i < w.length; i++) range = Math.max(range, Math.abs(w[i]));
      const lo = Math.min(...Array.from(w)); const hi = Math.max(...Array.from(w));
      for (let i = 0; i < w.length; i++) {
        const tol = q === 'fp16' ? Math.abs(w[i]) * bound + 2 ** -24 : (hi - lo) * bound * 1.0001 + 1e-7;
        if (Math.abs(g[i] - w[i]) > tol) throw new Error(`${spec.name}[${i}]: ${g[i]} vs ${w[i]} (tol ${tol})`);
      }
    }
    tf.dispose(Object.values(decoded));
  });

  it('writes nothing when the input is bad: truncated .pth, missing tensor, unknown format', async () => {
    const parent = tempDir('conv-');
    const cut = path.join(parent, 'cut.pth');
    const bytes = readBytes(fixture('tiny_k16.pth'));
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 5000));
    const out = path.join(parent, 'out');
    await expect(convert(cut, out)).rejects.toThrow(WeightsFormatError);
    // ONNX initializers by canonical names, one required tensor left out.
    const sd = readPth(bytes, 'tiny_k16.pth');
    sd.delete('roi_heads.box_head.fc7.bias');
    const type = onnxModelType();
    const initializer = [...sd.values()].filter((t) => t.dtype === 'float32').map((t) => ({ name: t.name, dims: t.shape, dataType: 1, rawData: new Uint8Array(t.data.buffer.slice(0)) }));
    const onnx = path.join(parent, 'missing.onnx');
    fs.writeFileSync(onnx, type.encode(type.fromObject({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], graph: { name: 'g', initializer } })).finish());
    await expect(convert(onnx, out)).rejects.toThrow(MissingTensorError);
    await expect(convert(onnx, out)).rejects.toThrow(/roi_heads\.box_head\.fc7\.bias.*missing\.onnx|missing\.onnx.*roi_heads\.box_head\.fc7\.bias/);
    const txt = path.join(parent, 'notes.txt');
    fs.writeFileSync(txt, 'hello');
    await expect(convert(txt, out)).rejects.toThrow(/unknown input format/);
    await expect(convert(path.join(parent, 'nope.pth'), out)).rejects.toThrow(/cannot read input/);
    expect(fs.readdirSync(parent).sort()).toEqual(['cut.pth', 'missing.onnx', 'notes.txt']);
  });

  it('IR: converts FP32 xml+bin (.gz), reports the IR mean; a truncated .bin or missing .bin writes nothing', async () => {
    const parent = tempDir('conv-ir-');
    const out = path.join(parent, 'ok');
    const s = await convert(fixture('oracle_k8_ir32.xml.gz'), out);
    expect(s).toMatchObject({ format: 'ir', arch: '0049', widthDiv: 8, mappedBy: 'structure', tensors: 148 });
    expect(s.notes.join('\n')).toMatch(/mean \[102\.9801, 115\.9465, 122\.7717\]/);
    const { json } = readModelDir(out);
    expect((json.userDefinedMetadata.mrcnn.input as { mean: number[] }).mean).toEqual([102.9801, 115.9465, 122.7717]);
    const xml = path.join(parent, 'cut.xml');
    fs.copyFileSync(fixture('oracle_k8_ir32.xml.gz'), `${xml}.gz`);
    const bin = zlib.gunzipSync(fs.readFileSync(fixture('oracle_k8_ir32.bin.gz')));
    fs.writeFileSync(path.join(parent, 'cut.bin.gz'), zlib.gzipSync(bin.subarray(0, bin.length - 4096)));
    await expect(convert(`${xml}.gz`, path.join(parent, 'bad'))).rejects.toThrow(/past the end of the \.bin.*cut\.bin\.gz/);
    fs.unlinkSync(path.join(parent, 'cut.bin.gz'));
    await expect(convert(`${xml}.gz`, path.join(parent, 'bad'))).rejects.toThrow(/the IR's weights file cut\.bin\.gz is missing/);
    expect(fs.readdirSync(parent).sort()).toEqual(['cut.xml.gz', 'ok']);
  });

  it('refuses a non-empty output directory unless overwrite, then replaces it whole', async () => {
    const out = tempDir('conv-');
    fs.writeFileSync(path.join(out, 'old.txt'), 'x');
    await expect(convert(fixture('tiny_k16.pth'), out)).rejects.toThrow(OutputExistsError);
    expect(fs.readdirSync(out)).toEqual(['old.txt']);
    await convert(fixture('tiny_k16.pth'), out, { overwrite: true });
    expect(fs.readdirSync(out).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    expect(siblings(out)).toEqual([]);
  });

  it('the result says which layers were matched how: by structure through Identity (tied biases), by stored names (.pth)', async () => {
    const onnx = await convert(fixture('zoo/o49_k32_tied_op11.onnx.gz'), path.join(tempDir('conv-'), 'm'));
    expect(onnx.layers).toMatchObject({ method: 'structure', layers: 74, names: { agree: 74, other: 0 }, folds: [{ ops: 'Mul+Add', layers: 53, via: [] }] });
    expect(onnx.layers.routes.map((r) => [r.route, r.tensors.length])).toEqual([['stored', 92], ['Identity', 3]]);
    expect(formatLayerReport(onnx.layers)).toBe('74 layers placed by graph structure (every stored weight name agrees with its place); tensors: 92 stored, '
      + '3 through Identity (backbone.fpn.inner_blocks.1.bias, backbone.fpn.inner_blocks.2.bias, backbone.fpn.inner_blocks.3.bias); folded: Mul+Add into 53 layers');
    const pth = await convert(fixture('tiny_k16.pth'), path.join(tempDir('conv-'), 'm'));
    expect(pth.layers).toMatchObject({ method: 'names', layers: 38, folds: [{ ops: 'BatchNorm tensors', layers: 17 }] });
    expect(formatLayerReport(pth.layers)).toMatch(/^38 layers mapped by stored names; tensors: \d+ stored; folded: BatchNorm tensors into 17 layers$/);
  });

  it('refuses a graph whose stride placement contradicts the architecture its weights look like', async () => {
    // torchvision's export with layer2.0's strides moved from the 3x3 to the 1x1 conv: a 256-wide mask head
    // with Detectron's stride (as maskrcnn-benchmark's R-50-FPN has) matches no known architecture.
    const type = onnxModelType();
    const bytes = new Uint8Array(zlib.gunzipSync(readBytes(fixture('zoo/tv_k32_op17.onnx.gz'))));
    const msg = type.toObject(type.decode(bytes), { longs: Number, defaults: true, arrays: true }) as {
      graph: { node: { name: string; attribute: { name: string; ints: number[] }[] }[] };
    };
    for (const [conv, stride] of [['conv1', 2], ['conv2', 1]] as const) {
      const n = msg.graph.node.find((x) => x.name === `/backbone/body/layer2/layer2.0/${conv}/Conv`)!;
      n.attribute.find((a) => a.name === 'strides')!.ints = [stride, stride];
    }
    const dir = tempDir('conv-');
    fs.writeFileSync(path.join(dir, 'moved.onnx'), type.encode(type.fromObject(msg)).finish());
    const out = path.join(dir, 'm');
    await expect(convert(path.join(dir, 'moved.onnx'), out)).rejects.toThrow(
      /the graph puts each stage's stride on the 1x1 conv of its first block, the torchvision-maskrcnn_resnet50_fpn architecture .* has it on the 3x3 conv.*tensor backbone\.body\.layer2\.0\.conv1\.weight/);
    expect(fs.existsSync(out)).toBe(false);
    // Unchanged, the same file converts (its graph and its weights agree).
    await expect(convert(fixture('zoo/tv_k32_op17.onnx.gz'), out)).resolves.toMatchObject({ arch: 'torchvision' });
  });

  it('checks the label count against the classes', async () => {
    const out = path.join(tempDir('conv-'), 'm');
    await expect(convert(fixture('tiny_k16.pth'), out, { labels: ['a', 'b'] })).rejects.toThrow(/2 labels given, the weights have 81 classes: give 81 \(background first\) or 80/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
