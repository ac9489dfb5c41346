import { assignInputs, countsFromOutputs } from './ort';

describe('assignInputs', () => {
  it('maps the oracle export names', () => {
    expect(assignInputs({ inputNames: ['im_data', 'im_info'] }, { im_data: [1, 3, 320, 480], im_info: [1, 3] }))
      .toEqual({ imData: 'im_data', imInfo: 'im_info' });
  });
  it('falls back to ranks for other names', () => {
    expect(assignInputs({ inputNames: ['b', 'a'] }, { a: [1, 3, 'h', 'w'], b: [1, 3] })).toEqual({ imData: 'a', imInfo: 'b' });
  });
  it('a one-input graph (torchvision\'s own export: the image only) feeds im_data alone', () => {
    expect(assignInputs({ inputNames: ['image'] }, { image: [3, 'height', 'width'] })).toEqual({ imData: 'image' });
  });
  it('refuses a two-input graph without a second input to take im_info, naming its inputs', () => {
    expect(() => assignInputs({ inputNames: ['x', 'x'] }, { x: [1, 3, 320, 480] })).toThrow(/x, x: expected im_data and im_info/);
  });
});

describe('countsFromOutputs', () => {
  it('counts rows with class > 0 (int64 as bigint too) and non-zero RoI rows', () => {
    const c = countsFromOutputs({
      classes: { dims: [4], data: new BigInt64Array([3n, 0n, 1n, 0n]) },
      rois: { dims: [3, 4], data: new Float32Array([0, 0, 1, 1, 0, 0, 0, 0, 2, 2, 3, 3]) },
      boxes: { dims: [4, 4], data: new Float32Array(16) },
    });
    expect(c).toEqual({ detections: 2, detectionRows: 4, rois: 2 });
  });
  it('reports RoIs as null when the graph does not output them', () => {
    expect(countsFromOutputs({ classes: { dims: [2], data: new Int32Array([1, 2]) } })).toEqual({ detections: 2, detectionRows: 2, rois: null });
  });
});
