/** Model class id -> COCO category id, and the box conversion of COCO results. */
import { mapClassesToCategories } from '@mrcnn/model';
import { toXywh } from '@mrcnn/model/internal';

describe('mapClassesToCategories', () => {
  const cats = [{ id: 7, name: 'Square' }, { id: 3, name: 'circle' }];

  it('maps by label name when every class names a category (case-insensitive)', () => {
    const m = mapClassesToCategories(['background', 'circle', 'square'], 3, cats);
    expect(m.kind).toBe('name');
    expect([...m.map]).toEqual([[1, 3], [2, 7]]);
  });

  it('maps contiguously onto the sorted category ids when the names differ but the counts match', () => {
    const m = mapClassesToCategories(['background', 'a', 'b'], 3, cats);
    expect(m.kind).toBe('contiguous');
    expect([...m.map]).toEqual([[1, 3], [2, 7]]);
  });

  it('falls back to identity (torchvision 91-class COCO ids)', () => {
    const m = mapClassesToCategories([], 91, cats);
    expect(m.kind).toBe('identity');
    expect(m.map.get(90)).toBe(90);
    expect(m.map.size).toBe(90);
  });
});

describe('toXywh', () => {
  it('counts both end pixels for legacy (+1) boxes', () => {
    expect(toXywh([10, 20, 19, 29], true)).toEqual([10, 20, 10, 10]);
  });
  it('plain widths otherwise', () => {
    expect(toXywh([10.5, 20, 19.5, 29], false)).toEqual([10.5, 20, 9, 9]);
  });
});
