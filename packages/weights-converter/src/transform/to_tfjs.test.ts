import { MissingTensorError, ShapeMismatchError, WeightsFormatError } from '../errors';
import { WeightMap } from '../types';
import { syntheticStateDict, tensor } from '../__tests__/synthetic';
import { canonicalizeNames, toTfjsWeightMap } from './to_tfjs';
import { detectArchitecture } from './detect';
import { fc6ToTfjs, iohwToHwoi, oihwToHwio, transpose2d } from './layout';

function mapOf(...ts: ReturnType<typeof tensor>[]): WeightMap {
  return new Map(ts.map((t) => [t.name, t]));
}

const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('layout changes', () => {
  it('OIHW -> HWIO moves every element to [h,w,i,o]', () => {
    const [o, i, h, w] = [2, 3, 2, 3];
    const out = oihwToHwio(Float32Array.from(iota(36)), o, i, h, w);
    for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      expect(out[((y * w + x) * i + b) * o + a]).toBe(((a * i + b) * h + y) * w + x);
    }
  });

  it('ConvTranspose [in,out,kh,kw] -> [kh,kw,out,in]', () => {
    const out = iohwToHwoi(Float32Array.from(iota(8)), 2, 1, 2, 2);
    // src[i][0][y][x] = i*4 + y*2 + x  ->  dst[y][x][0][i]
    expect(Array.from(out)).toEqual([0, 4, 1, 5, 2, 6, 3, 7]);
  });

  it('FC [out,in] -> [in,out]', () => {
    expect(Array.from(transpose2d(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('fc6 rows go from (C,R,R) to (R,R,C) order', () => {
    // out=1, C=2, R=2: src index c*4+p ; dst row p*2+c
    const out = fc6ToTfjs(Float32Array.from([10, 11, 12, 13, 20, 21, 22, 23]), 1, 2, 2);
    expect(Array.from(out)).toEqual([10, 20, 11, 21, 12, 22, 13, 23]);
  });
});

describe('toTfjsWeightMap', () => {
  it('folds BN into conv1 with exact values (eps 0) and creates the bias', () => {
    const sd = mapOf(
      tensor('backbone.body.conv1.weight', [2, 1, 1, 1], [1, 2]),
      tensor('backbone.body.bn1.weight', [2], [2, 3]),
      tensor('backbone.body.bn1.bias', [2], [0.5, -1]),
      tensor('backbone.body.bn1.running_mean', [2], [1, -2]),
      tensor('backbone.body.bn1.running_var', [2], [4, 0.25]),
    );
    const out = toTfjsWeightMap(sd, { bnEps: 0 });
    expect([...out.keys()]).toEqual(['backbone.body.conv1.weight', 'backbone.body.conv1.bias']);
    // s = [2/2, 3/0.5] = [1, 6]; W' = [1, 12]; b' = (0-mean)*s + beta = [-1+0.5, 12-1]
    expect(Array.from(out.get('backbone.body.conv1.weight')!.data)).toEqual([1, 12]);
    expect(out.get('backbone.body.conv1.weight')!.shape).toEqual([1, 1, 1, 2]);
    expect(Array.from(out.get('backbone.body.conv1.bias')!.data)).toEqual([-0.5, 11]);
  });

  it('uses eps 1e-5 by default, folds downsample.1 into downsample.0 and drops num_batches_tracked', () => {
    const p = 'backbone.body.layer1.0.downsample';
    const sd = mapOf(
      tensor(`${p}.0.weight`, [1, 2, 1, 1], [0.5, -4]),
      tensor(`${p}.1.weight`, [1], [3]),
      tensor(`${p}.1.bias`, [1], [0.25]),
      tensor(`${p}.1.running_mean`, [1], [2]),
      tensor(`${p}.1.running_var`, [1], [1]),
      tensor(`${p}.1.num_batches_tracked`, [1], [7]),
    );
    const out = toTfjsWeightMap(sd);
    const s = 3 / Math.sqrt(1 + 1e-5);
    const w = out.get(`${p}.0.weight`)!.data;
    expect(w[0]).toBe(Math.fround(0.5 * s));
    expect(w[1]).toBe(Math.fround(-4 * s));
    expect(out.get(`${p}.0.bias`)!.data[0]).toBe(Math.fround(-2 * s + 0.25));
    expect(out.has(`${p}.1.weight`)).toBe(false);
    expect(out.size).toBe(2);
  });

  it('maps torchvision >= 0.13 names back to the canonical ones', () => {
    const tv = syntheticStateDict({ widthDiv: 8, newStyleNames: true });
    const legacy = syntheticStateDict({ widthDiv: 8 });
    const a = toTfjsWeightMap(tv);
    const b = toTfjsWeightMap(legacy);
    expect([...a.keys()]).toEqual([...b.keys()]);
    expect(a.has('roi_heads.mask_head.mask_fcn4.weight')).toBe(true);
    expect(a.has('rpn.head.conv.bias')).toBe(true);
    expect(a.has('backbone.fpn.inner_blocks.3.weight')).toBe(true);
    for (const [k, t] of a) expect(Array.from(t.data)).toEqual(Array.from(b.get(k)!.data));
  });

  it('converts a whole synthetic K=8 model: names, shapes and no BN left', () => {
    const sd = syntheticStateDict({ widthDiv: 8 });
    const out = toTfjsWeightMap(sd);
    expect([...out.keys()].some((k) => /\.bn\d\.|downsample\.1/.test(k))).toBe(false);
    expect(out.get('backbone.body.conv1.weight')!.shape).toEqual([7, 7, 3, 8]);
    expect(out.get('backbone.body.layer4.0.conv3.bias')!.shape).toEqual([256]);
    expect(out.get('roi_heads.box_head.fc6.weight')!.shape).toEqual([32 * 49, 128]);
    expect(out.get('roi_heads.mask_predictor.conv5_mask.weight')!.shape).toEqual([2, 2, 16, 16]);
    expect(out.get('roi_heads.box_predictor.bbox_pred.weight')!.shape).toEqual([128, 324]);
    // fc6: tfjs row (y,x,c) = torch column c*49 + y*7 + x
    const src = sd.get('roi_heads.box_head.fc6.weight')!.data;
    const dst = out.get('roi_heads.box_head.fc6.weight')!.data;
    const c = 5; const y = 3; const x = 6; const o = 17;
    expect(dst[((y * 7 + x) * 32 + c) * 128 + o]).toBe(src[o * 32 * 49 + c * 49 + y * 7 + x]);
    // inputs untouched
    expect(sd.get('backbone.body.conv1.weight')!.shape).toEqual([8, 3, 7, 7]);
  });

  it('accepts already folded convs (weight + bias, no BN) as the IR reader produces', () => {
    const sd = mapOf(tensor('backbone.body.conv1.weight', [1, 1, 1, 1], [2]), tensor('backbone.body.conv1.bias', [1], [3]));
    const out = toTfjsWeightMap(sd);
    expect(Array.from(out.get('backbone.body.conv1.bias')!.data)).toEqual([3]);
    expect(Array.from(out.get('backbone.body.conv1.weight')!.data)).toEqual([2]);
  });

  it('throws typed errors naming the tensor', () => {
    const missing = mapOf(tensor('backbone.body.conv1.weight', [1, 1, 1, 1], [2]), tensor('backbone.body.bn1.weight', [1], [1]));
    expect(() => toTfjsWeightMap(missing)).toThrow(MissingTensorError);
    expect(() => toTfjsWeightMap(missing)).toThrow(/backbone\.body\.bn1\.bias/);
    const badShape = mapOf(tensor('rpn.head.conv.weight', [2, 2, 3], iota(12)));
    expect(() => toTfjsWeightMap(badShape)).toThrow(ShapeMismatchError);
    const badBias = mapOf(tensor('rpn.head.conv.weight', [2, 1, 1, 1], [1, 2]), tensor('rpn.head.conv.bias', [3], [1, 2, 3]));
    expect(() => toTfjsWeightMap(badBias)).toThrow(/rpn\.head\.conv\.bias/);
    const unknown = mapOf(tensor('foo.bar.weight', [1], [1]));
    expect(() => toTfjsWeightMap(unknown)).toThrow(WeightsFormatError);
    expect(toTfjsWeightMap(unknown, { unknown: 'drop' }).size).toBe(0);
  });

  it('strips a common module. prefix', () => {
    const sd = mapOf(tensor('module.rpn.head.cls_logits.weight', [1, 1, 1, 1], [4]));
    expect([...canonicalizeNames(sd).keys()]).toEqual(['rpn.head.cls_logits.weight']);
  });
});

describe('detectArchitecture', () => {
  it('reads 0049 at K=8 from shapes', () => {
    const info = detectArchitecture(syntheticStateDict({ widthDiv: 8, blocks: [3, 4, 6, 3] }));
    expect(info).toEqual({
      arch: '0049', numClasses: 81, widthDiv: 8, fpnChannels: 32, maskHeadChannels: 16, maskHeadConvs: 4,
      boxHeadChannels: 128, rpnConvs: 1, boxHeadConvs: 0, boxHeadConvChannels: 0, boxHeadFcs: 2,
      numAnchors: 3, blocks: [3, 4, 6, 3], roiResolution: 7, bnFolded: false,
    });
  });

  it('tells torchvision (mask head as wide as the FPN, 91 classes) and reads tfjs layout', () => {
    const sd = syntheticStateDict({ widthDiv: 4, numClasses: 91, maskChannels: 64, newStyleNames: true });
    const info = detectArchitecture(sd);
    expect(info.arch).toBe('torchvision');
    expect(info.numClasses).toBe(91);
    expect(info.widthDiv).toBe(4);
    const tf = detectArchitecture(toTfjsWeightMap(sd), 'tfjs');
    expect(tf).toEqual({ ...info, bnFolded: true });
  });
});
