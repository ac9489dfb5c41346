import * as path from 'path';
import * as zlib from 'zlib';
import { MissingTensorError, WeightsFormatError } from '../errors';
import { foldAllBatchNorms, canonicalizeNames, toTfjsWeightMap } from '../transform';
import { WeightMap } from '../types';
import { dump, fixture, ORACLE_K8, readBytes } from '../../../../test/helpers/converter_fixtures';
import { halfToFloat, floatToHalf } from '../util/half';
import { readIr } from './read';

const gunzip = (file: string): Uint8Array => new Uint8Array(zlib.gunzipSync(readBytes(file)));
const xml32 = gunzip(fixture('oracle_k8_ir32.xml.gz'));
const bin32 = gunzip(fixture('oracle_k8_ir32.bin.gz'));
const xml16 = gunzip(fixture('oracle_k8_ir16.xml.gz'));
const bin16 = gunzip(fixture('oracle_k8_ir16.bin.gz'));
const text32 = new TextDecoder().decode(xml32);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The oracle's canonical weights with BN folded (float64 fold, docs/CONVENTIONS.md §3), PyTorch layouts. */
function foldedCanonical(): WeightMap {
  const d = dump(path.join(ORACLE_K8, 'weights_0049'));
  const sd: WeightMap = new Map();
  for (const [name, t] of d.tensors) sd.set(name, { name, shape: t.shape, dtype: 'float32', data: t.data as Float32Array });
  return foldAllBatchNorms(canonicalizeNames(sd), 1e-5);
}

describe('readIr', () => {
  const want = foldedCanonical();

  it('names are opaque in the IR: no PyTorch module name appears in the xml', () => {
    expect(text32).not.toMatch(/backbone|roi_heads|rpn\.head|fpn/);
    expect(text32).toMatch(/version="11"/);
  });

  it('FP32: every weight layer found by structure equals the BN-folded source (float32 fold vs float64 fold)', () => {
    const r = readIr(xml32, bin32, 'ir32.xml');
    expect([...r.weights.keys()].sort()).toEqual([...want.keys()].sort());
    let worst = 0;
    for (const [name, w] of want) {
      const g = r.weights.get(name)!;
      expect({ name, shape: g.shape }).toEqual({ name, shape: w.shape });
      let scale = 0;
      for (let i = 0; i < w.data.length; i++) scale = Math.max(scale, Math.abs(w.data[i]));
      for (let i = 0; i < w.data.length; i++) worst = Math.max(worst, Math.abs(g.data[i] - w.data[i]) / scale);
    }
    expect(worst).toBeLessThan(1e-6); // measured 1.2e-7: the two folds differ by about one float32 ulp
    expect(r.input).toEqual({ mean: [102.9801, 115.9465, 122.7717], std: [1, 1, 1] });
    expect(r.irVersion).toBe(11);
    // the tfjs transform accepts the folded map (conv + bias, no BN)
    expect(toTfjsWeightMap(r.weights).size).toBe(want.size);
  });

  it('FP16 (f16 Const + Convert): weights equal the source rounded to binary16', () => {
    const r = readIr(xml16, bin16, 'ir16.xml');
    expect([...r.weights.keys()].sort()).toEqual([...want.keys()].sort());
    let bad = 0;
    for (const [name, w] of want) {
      const g = r.weights.get(name)!;
      for (let i = 0; i < w.data.length; i++) {
        // Python folds in float32 then rounds to f16; we fold in float64: allow one f16 step of either.
        const h = halfToFloat(floatToHalf(w.data[i]));
        const step = Math.max(Math.abs(h) * 2 ** -10, 2 ** -24);
        if (Math.abs(g.data[i] - h) > step) bad++;
      }
    }
    expect(bad).toBe(0);
    expect(r.input.mean).toEqual([103, 115.9375, 122.75]); // the mean constants are FP16 too
  });

  it('refuses hostile or broken IRs with typed errors naming the layer', () => {
    expect(() => readIr(xml32, bin32.subarray(0, bin32.length - 100), 'ir32.xml', 'ir32.bin')).toThrow(/past the end of the \.bin.*ir32\.bin/);
    const firstConst = /<layer id="(\d+)" name="(Const_\d+)" type="Const"[^>]*>\s*<data element_type="f32" shape="1,3,1,1" offset="0" size="12"/.exec(text32)!;
    expect(firstConst).not.toBeNull();
    const wrongSize = text32.replace(firstConst[0], firstConst[0].replace('size="12"', 'size="16"'));
    expect(() => readIr(enc(wrongSize), bin32, 'ir32.xml')).toThrow(/size 16 bytes, shape \[1,3,1,1\] of f32 needs 12/);
    expect(() => readIr(enc(wrongSize), bin32, 'ir32.xml')).toThrow(WeightsFormatError);
    const unknown = text32.replace(/type="ReLU"/, 'type="Frobnicate"');
    expect(() => readIr(enc(unknown), bin32, 'ir32.xml')).toThrow(/unknown op type Frobnicate/);
    expect(() => readIr(enc(text32.replace('version="11"', 'version="7"')), bin32, 'ir32.xml')).toThrow(/IR version 7/);
    expect(() => readIr(enc(text32.slice(0, 5000)), bin32, 'ir32.xml')).toThrow(WeightsFormatError);
    const bomb = `<?xml version="1.0"?><!DOCTYPE net [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><net version="11"><layers><layer id="0" name="&b;" type="Parameter"/></layers><edges/></net>`;
    expect(() => readIr(enc(bomb), bin32, 'bomb.xml')).toThrow(/entity declarations are not allowed.*bomb\.xml/);
  });

  it('a missing layer is a missing-tensor error naming the canonical tensor', () => {
    // fc7's MatMul becomes a plain ReLU input: the box head loses a layer.
    const fc = [...text32.matchAll(/<layer id="(\d+)" name="(MatMul_\d+)" type="MatMul"/g)];
    expect(fc.length).toBe(4);
    const noFc7 = text32.replace(fc[1][0], fc[1][0].replace('type="MatMul"', 'type="Multiply"'));
    expect(() => readIr(enc(noFc7), bin32, 'ir32.xml')).toThrow(MissingTensorError);
    expect(() => readIr(enc(noFc7), bin32, 'ir32.xml')).toThrow(/roi_heads\.box_head\.fc7\.weight/);
  });
});
