/** The load benchmark's figures: quantiles, per-level counts and rates, the resident-memory trend. */
import { levelFigures, levelsMarkdown, quantile, rssFigures, rssMarkdown } from './figures';

describe('load figures', () => {
  it('nearest-rank quantiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect([quantile(v, 0.5), quantile(v, 0.99), quantile(v, 1), quantile([7], 0.99)]).toEqual([50, 99, 100, 7]);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('a level: 200s per second, latency of the 200s only, the share of 503s, other 5xx apart', () => {
    const samples = [
      ...Array.from({ length: 9 }, (_, i) => ({ status: 200, ms: 1000 + i * 100 })),
      { status: 200, ms: 5000 },
      ...Array.from({ length: 30 }, () => ({ status: 503, ms: 2 })),
      { status: 504, ms: 60000 }, { status: 500, ms: 10 }, { status: 400, ms: 1 }];
    const f = levelFigures(64, 10, samples, 3);
    expect(f).toEqual({
      connections: 64, seconds: 10, responses: 43, ok: 10, okPerSecond: 1, responsesPerSecond: 4.3,
      p50: 1400, p99: 5000, share503: 30 / 43, other5xx: 2, otherNon2xx: 1, errors: 3,
    });
    expect(levelsMarkdown([f]).split('\n')[2]).toBe('| 64 | 10 | 10 / 43 | 1.00 | 4.3 | 1400.0 | 5000.0 | 69.8 % | 2 | 1 | 3 |');
  });

  it('resident memory: from the end of the warm-up, growth and least-squares slope', () => {
    const mib = 2 ** 20;
    const samples = [0, 1000, 2000, 3000, 4000, 5000].map((requests, i) => ({ requests, rssBytes: (i === 0 ? 300 : 400 + requests / 1000) * mib }));
    const r = rssFigures(samples, 5000);
    expect(r).toEqual({ requests: 5000, afterWarmupMiB: 401, lastMiB: 405, maxMiB: 405, growthMiB: 4, slopeMiBPer1000: 1 });
    expect(rssMarkdown(r, [538, 538])).toBe('5000 requests: resident memory 401.0 MiB after the first tenth, 405.0 MiB at the end ' +
      '(max 405.0; growth 4.0 MiB, slope 1.00 MiB per 1000 requests); worker tensors constant (538).');
  });
});
