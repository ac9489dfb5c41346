import { medianByKey, summarize } from './stats';

describe('summarize', () => {
  it('odd count: middle value; min and max', () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
  });
  it('even count: mean of the two middle values', () => {
    expect(summarize([4, 1, 3, 10])).toEqual({ median: 3.5, min: 1, max: 10, n: 4 });
  });
  it('empty: NaN figures, n = 0', () => {
    const s = summarize([]);
    expect(s.n).toBe(0);
    expect(Number.isNaN(s.median)).toBe(true);
  });
});

describe('medianByKey', () => {
  it('takes each key over the records that have it', () => {
    expect(medianByKey<'a' | 'b'>([{ a: 1, b: 10 }, { a: 3 }, { a: 2, b: 20 }])).toEqual({ a: 2, b: 15 });
  });
});
