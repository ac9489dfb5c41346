/** `mrcnn convert` (the converter's `convert()` on the command line): summary, options, exit codes. */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { readPth, toTfjsWeightMap } from '@mrcnn/weights-converter';
import { fixture, readBytes, removeTempDirs, tempDir } from '../../../test/helpers/converter_fixtures';
import { main } from './main';

interface ModelJson {
  format: string;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  userDefinedMetadata: { mrcnn: Record<string, unknown>; labels?: string[]; converter: Record<string, unknown> };
}

function readModelDir(dir: string): { json: ModelJson; data: ArrayBuffer } {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
  const bufs = json.weightsManifest[0].paths.map((p) => fs.readFileSync(path.join(dir, p)));
  const all = Buffer.concat(bufs);
  return { json, data: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) };
}

afterAll(removeTempDirs);

describe('mrcnn convert', () => {
  const io = (): { io: { stdout: { write(s: string): void }; stderr: { write(s: string): void } }; out: string[]; err: string[] } => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { stdout: { write: (s) => out.push(s) }, stderr: { write: (s) => err.push(s) } }, out, err };
  };

  it('converts and prints a summary (tensors, params, bytes, arch)', async () => {
    const t = io();
    const dir = path.join(tempDir('cli-'), 'm');
    const labels = path.join(path.dirname(dir), 'labels.txt');
    fs.writeFileSync(labels, Array.from({ length: 91 }, (_, i) => `L${i}`).join('\n'));
    const code = await main(['convert', fixture('tiny_k32_tv.pth'), '-o', dir, '--quantize', 'fp16', '--labels', labels], t.io);
    expect(t.err.join('')).toBe('');
    expect(code).toBe(0);
    const text = t.out.join('');
    expect(text).toMatch(/arch torchvision, 91 classes, width divisor 32/);
    expect(text).toMatch(/\d+ tensors, [\d,]+ parameters, [\d,]+ bytes \([\d.]+ MiB, fp16\) in 1 shard/);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
    expect(json.userDefinedMetadata.mrcnn).toMatchObject({ name: 'torchvision-maskrcnn_resnet50_fpn', numClasses: 91, input: { channelOrder: 'RGB' } });
    expect(json.userDefinedMetadata.labels!.length).toBe(91);
  });

  it('--channel-order bgr --fold-std: torchvision stem reordered and divided by std, config follows', async () => {
    const t = io();
    const dir = path.join(tempDir('cli-'), 'm');
    expect(await main(['convert', fixture('tiny_k32_tv.pth'), '-o', dir, '--channel-order', 'bgr', '--fold-std'], t.io)).toBe(0);
    // torchvision's transform normalises 0..1 pixels: image_mean/std in those units.
    expect(t.out.join('')).toMatch(/note: input: BGR, mean \[0\.406, 0\.456, 0\.485\], std \[1, 1, 1\]/);
    const { json, data } = readModelDir(dir);
    expect(json.userDefinedMetadata.mrcnn.input).toMatchObject({ transform: 'torchvision', channelOrder: 'BGR', mean: [0.406, 0.456, 0.485], std: [1, 1, 1] });
    const dec = tf.io.decodeWeights(data, json.weightsManifest[0].weights);
    const got = dec['backbone.body.conv1.weight'];
    const want = toTfjsWeightMap(readPth(readBytes(fixture('tiny_k32_tv.pth')), 'tiny_k32_tv.pth')).get('backbone.body.conv1.weight')!;
    const g = got.dataSync();
    const rgbStd = [0.229, 0.224, 0.225];
    const cout = want.shape[3];
    for (let p = 0; p < 49; p++) for (let i = 0; i < 3; i++) for (let o = 0; o < cout; o++) {
      expect(g[(p * 3 + i) * cout + o]).toBe(Math.fround(want.data[(p * 3 + (2 - i)) * cout + o] / rgbStd[2 - i]));
    }
    tf.dispose(Object.values(dec));
  });

  it('the summary says which layers were matched how (tied biases reached through Identity)', async () => {
    const t = io();
    const dir = path.join(tempDir('cli-'), 'm');
    expect(await main(['convert', fixture('zoo/o49_k32_tied_op11.onnx.gz'), '-o', dir], t.io)).toBe(0);
    expect(t.out.join('')).toContain('\n  layers: 74 layers placed by graph structure (every stored weight name agrees with its place); tensors: 92 stored, '
      + '3 through Identity (backbone.fpn.inner_blocks.1.bias, backbone.fpn.inner_blocks.2.bias, backbone.fpn.inner_blocks.3.bias); folded: Mul+Add into 53 layers\n');
  });

  it('a layer that cannot be placed: exit 1, the message names it, the shape and feed expected and the nearest layers', async () => {
    const dir = tempDir('cli-');
    const xml = new TextDecoder().decode(zlib.gunzipSync(readBytes(fixture('zoo/o49_k32_ir11_int8.xml.gz'))));
    const matmuls = [...xml.matchAll(/<layer id="\d+" name="(MatMul_\d+)" type="MatMul"/g)];
    expect(matmuls.length).toBe(4);
    // fc7's MatMul turned into an elementwise Multiply: the box head has no second FC.
    fs.writeFileSync(path.join(dir, 'ir.xml'), xml.replace(matmuls[1][0], matmuls[1][0].replace('type="MatMul"', 'type="Multiply"')));
    fs.writeFileSync(path.join(dir, 'ir.bin'), zlib.gunzipSync(readBytes(fixture('zoo/o49_k32_ir11_int8.bin.gz'))));
    const t = io();
    expect(await main(['convert', path.join(dir, 'ir.xml'), '-o', path.join(dir, 'out')], t.io)).toBe(1);
    expect(t.err.join('')).toMatch(new RegExp(`^mrcnn convert: MissingTensorError: no layer in the graph matches the FC 32->32 after ${matmuls[0][1]} `
      + `\\(expected fc \\[32,32\\] fed by ${matmuls[0][1]}\\); unplaced layers of that shape or feed: MatMul ${matmuls[2][1]} \\[81,32\\] fed by ${matmuls[0][1]} \\(other shape\\); `
      + `MatMul ${matmuls[3][1]} \\[324,32\\] fed by ${matmuls[0][1]} \\(other shape\\) \\(file .*ir\\.xml, tensor roi_heads\\.box_head\\.fc7\\.weight\\)\n$`));
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('usage errors exit 2, conversion errors exit 1 with the typed error, --help exits 0', async () => {
    let t = io();
    expect(await main(['convert', fixture('tiny_k16.pth')], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/missing -o <out-dir>/);
    t = io();
    expect(await main(['convert', 'a.pth', '-o', 'x', '--quantize', 'int4'], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/--quantize must be one of fp16, uint8, got "int4"/);
    t = io();
    const dir = path.join(tempDir('cli-'), 'm');
    expect(await main(['convert', fixture('evil_system.pth'), '-o', dir], t.io)).toBe(1);
    expect(t.err.join('')).toMatch(/UnsafePickleError: .*posix\.system.*evil_system\.pth/);
    expect(fs.existsSync(dir)).toBe(false);
    t = io();
    expect(await main(['convert', '--help'], t.io)).toBe(0);
    expect(t.out.join('')).toMatch(/^Usage: mrcnn convert /);
  });
});
