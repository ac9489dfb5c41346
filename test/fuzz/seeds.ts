/** Seed inputs for the fuzz targets: the committed fixtures (K=8 weights, images) and small generated files. */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { tinyOnnx } from '@mrcnn/weights-converter/internal';
import { writePng } from '../helpers/png_writer';
import { FIXTURES, IMAGES, REPO_ROOT } from '../helpers/paths';

const CONVERTER = path.join(FIXTURES, 'converter');

/** A fixture's bytes, gunzipped when the name ends in .gz. */
export function fixture(dir: string, name: string): Uint8Array {
  const b = fs.readFileSync(path.join(dir, name));
  return new Uint8Array(name.endsWith('.gz') ? zlib.gunzipSync(b) : b);
}

export const converterFixture = (name: string): Uint8Array => fixture(CONVERTER, name);

/**
 * Pickles: a plain tensor dict, the two hostile ones (os.system / eval globals), a torchvision-layout
 * model, and torch's legacy serialization (before torch 1.6) of the seeded torchvision checkpoint.
 */
export function pthSeeds(): Uint8Array[] {
  return [...['views.pth', 'evil_eval.pth', 'evil_system.pth', 'tiny_k32_tv.pth'].map(converterFixture),
    fixture(path.join(FIXTURES, 'oracle-tv-k8'), 'model_torchvision_legacy.pth.gz')];
}

/** The converter's tiny hand-made graph, the learned K=8 0049 export, and real exporters' files (exporter_zoo.py). */
export function onnxSeeds(): Uint8Array[] {
  return [tinyOnnx(), converterFixture('oracle_k8_learned.onnx.gz'), converterFixture('zoo/tv_k32_op17.onnx.gz'),
    converterFixture('zoo/o49_k32_tied_op11.onnx.gz'), converterFixture('zoo/mb_k32_op15_nofold.onnx.gz'),
    converterFixture('zoo/tvv2_k16_op11.onnx.gz')];
}

/** IRs in Model Optimizer / POT layouts (exporter_zoo.py), each with its own .bin. */
export function irZooSeeds(): { xml: Uint8Array; bin: Uint8Array }[] {
  return ['o49_k32_ir10_fp16', 'o49_k32_ir10_int8', 'o49_k32_ir11_int8'].map((stem) => ({
    xml: converterFixture(`zoo/${stem}.xml.gz`), bin: converterFixture(`zoo/${stem}.bin.gz`),
  }));
}

/** The K=8 OpenVINO IR (FP32 and FP16 XML; the FP32 .bin). */
export function irSeeds(): { xml: Uint8Array[]; bin: Uint8Array } {
  return {
    xml: [converterFixture('oracle_k8_ir32.xml.gz'), converterFixture('oracle_k8_ir16.xml.gz')],
    bin: converterFixture('oracle_k8_ir32.bin.gz'),
  };
}

/** The embedded default model (model.json text and its one shard). */
export const DEFAULT_MODEL = path.join(REPO_ROOT, 'packages', 'model', 'default-model');

/** Small PNGs of every colour type the decoder handles, plus the committed chelsea.png. */
export function pngSeeds(): Uint8Array[] {
  const rows = (w: number, h: number, bpp: number): Uint8Array[] =>
    Array.from({ length: h }, (_, y) => Uint8Array.from({ length: w * bpp }, (_, x) => (x * 37 + y * 11) & 0xff));
  return [
    writePng({ width: 5, height: 4, bitDepth: 8, colorType: 2, rows: rows(5, 4, 3) }),
    writePng({ width: 4, height: 3, bitDepth: 8, colorType: 6, rows: rows(4, 3, 4) }),
    writePng({ width: 3, height: 2, bitDepth: 16, colorType: 2, rows: rows(3, 2, 6) }),
    writePng({ width: 8, height: 2, bitDepth: 1, colorType: 0, rows: rows(1, 2, 1) }),
    writePng({ width: 3, height: 1, bitDepth: 2, colorType: 3, rows: [Uint8Array.from([0b00011000])], palette: [9, 8, 7, 1, 2, 3, 40, 50, 60] }),
    writePng({ width: 2, height: 2, bitDepth: 8, colorType: 4, rows: rows(2, 2, 2) }),
    fixture(IMAGES, 'chelsea.png'),
  ].map((b) => new Uint8Array(b));
}

/** Small baseline JPEGs (jpeg-js encoder) and the committed phone.jpg and rocket.jpg. */
export async function jpegSeeds(): Promise<Uint8Array[]> {
  const jpeg = await import('jpeg-js');
  const small = (w: number, h: number, quality: number): Uint8Array => {
    const data = Buffer.from(Uint8Array.from({ length: w * h * 4 }, (_, i) => (i * 29) & 0xff));
    return new Uint8Array(jpeg.encode({ width: w, height: h, data }, quality).data);
  };
  return [small(8, 8, 90), small(17, 9, 50), fixture(IMAGES, 'phone.jpg'), fixture(IMAGES, 'rocket.jpg')];
}
