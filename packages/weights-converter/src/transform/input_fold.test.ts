import { WeightMap } from '../types';
import { changeInput } from './input_fold';

const stemMap = (): WeightMap => {
  // [1,1,3,2]: w[i][o] = 10 * i + o
  const data = Float32Array.from([0, 1, 10, 11, 20, 21]);
  return new Map([['backbone.body.conv1.weight', { name: 'backbone.body.conv1.weight', shape: [1, 1, 3, 2], dtype: 'float32', data }]]);
};

describe('changeInput', () => {
  const rgb = { channelOrder: 'RGB' as const, mean: [1, 2, 3], std: [2, 4, 8] };

  it('reverses the stem input channels with mean and std for the other channel order', () => {
    const r = changeInput(stemMap(), rgb, { channelOrder: 'BGR' });
    expect(Array.from(r.weights.get('backbone.body.conv1.weight')!.data)).toEqual([20, 21, 10, 11, 0, 1]);
    expect(r.input).toEqual({ channelOrder: 'BGR', mean: [3, 2, 1], std: [8, 4, 2] });
  });

  it('folds std into the stem: same response to (x - mean) as the original to (x - mean) / std', () => {
    const m = stemMap();
    const r = changeInput(m, rgb, { foldStd: true });
    expect(r.input.std).toEqual([1, 1, 1]);
    const x = [5, -3, 7];
    for (let o = 0; o < 2; o++) {
      let a = 0; let b = 0;
      for (let i = 0; i < 3; i++) {
        a += ((x[i] - rgb.mean[i]) / rgb.std[i]) * m.get('backbone.body.conv1.weight')!.data[i * 2 + o];
        b += (x[i] - r.input.mean[i]) * r.weights.get('backbone.body.conv1.weight')!.data[i * 2 + o];
      }
      expect(b).toBeCloseTo(a, 5);
    }
    expect(Array.from(m.get('backbone.body.conv1.weight')!.data)).toEqual([0, 1, 10, 11, 20, 21]); // input untouched
  });
});
