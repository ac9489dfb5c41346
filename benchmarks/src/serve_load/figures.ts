/**
 * The load benchmark's figures from what the clients saw (status and latency of every response,
 * errors) and what the server reported (/metrics: resident memory, worker tensors): per
 * concurrency level, successful requests per second, p50/p99 latency of the successes, the share
 * of 503s, and any other 5xx; for the long run, resident memory over the requests. Pure functions,
 * and the markdown the lead copies into docs/RELIABILITY.md.
 */

/** One response as the load generator saw it. */
export interface ResponseSample {
  status: number;
  ms: number;
}

export interface LevelFigures {
  connections: number;
  seconds: number;
  responses: number;
  ok: number;
  /** Successful responses per second. */
  okPerSecond: number;
  /** All responses per second (503s included). */
  responsesPerSecond: number;
  /** Latency of the 200s, ms. */
  p50: number;
  p99: number;
  /** 503s / responses. */
  share503: number;
  /** Responses 500..599 other than 503 (must be 0). */
  other5xx: number;
  /** Other non-200 statuses, e.g. 504. */
  otherNon2xx: number;
  /** Connection errors and client timeouts. */
  errors: number;
}

/** The q-quantile (0..1) of `values`, nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export function levelFigures(connections: number, seconds: number, samples: readonly ResponseSample[], errors: number): LevelFigures {
  const okMs = samples.filter((r) => r.status === 200).map((r) => r.ms);
  const n503 = samples.filter((r) => r.status === 503).length;
  const other5xx = samples.filter((r) => r.status >= 500 && r.status <= 599 && r.status !== 503).length;
  return {
    connections,
    seconds,
    responses: samples.length,
    ok: okMs.length,
    okPerSecond: okMs.length / seconds,
    responsesPerSecond: samples.length / seconds,
    p50: quantile(okMs, 0.5),
    p99: quantile(okMs, 0.99),
    share503: samples.length === 0 ? 0 : n503 / samples.length,
    other5xx,
    otherNon2xx: samples.filter((r) => r.status !== 200 && r.status !== 503 && !(r.status >= 500 && r.status <= 599)).length,
    errors,
  };
}

/** Resident memory sampled during the long run. */
export interface RssSample {
  /** Responses received when sampled. */
  requests: number;
  rssBytes: number;
}

export interface RssFigures {
  requests: number;
  /** After the first tenth of the requests (warm-up), MiB. */
  afterWarmupMiB: number;
  lastMiB: number;
  maxMiB: number;
  /** last - afterWarmup, MiB. */
  growthMiB: number;
  /** Least-squares slope after warm-up, MiB per 1000 requests. */
  slopeMiBPer1000: number;
}

export function rssFigures(samples: readonly RssSample[], requests: number): RssFigures {
  const mib = (b: number): number => b / 2 ** 20;
  const warm = samples.filter((s) => s.requests >= requests / 10);
  const use = warm.length >= 2 ? warm : samples;
  if (use.length === 0) return { requests, afterWarmupMiB: NaN, lastMiB: NaN, maxMiB: NaN, growthMiB: NaN, slopeMiBPer1000: NaN };
  const xs = use.map((s) => s.requests / 1000);
  const ys = use.map((s) => mib(s.rssBytes));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const slope = sxx === 0 ? 0 : xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / sxx;
  return {
    requests,
    afterWarmupMiB: ys[0],
    lastMiB: ys[ys.length - 1],
    maxMiB: Math.max(...ys),
    growthMiB: ys[ys.length - 1] - ys[0],
    slopeMiBPer1000: slope,
  };
}

const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');
const f2 = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');

export function levelsMarkdown(levels: readonly LevelFigures[]): string {
  const rows = levels.map((l) => `| ${l.connections} | ${l.seconds.toFixed(0)} | ${l.ok} / ${l.responses} | ${f2(l.okPerSecond)} | ` +
    `${f1(l.responsesPerSecond)} | ${f1(l.p50)} | ${f1(l.p99)} | ${(100 * l.share503).toFixed(1)} % | ${l.other5xx} | ${l.otherNon2xx} | ${l.errors} |`);
  return ['| connections | s | 200s / responses | 200s per s | responses per s | p50 ms (200s) | p99 ms (200s) | 503s | other 5xx | other non-200 | errors |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|', ...rows].join('\n');
}

export function rssMarkdown(r: RssFigures, tensors: readonly number[]): string {
  const flat = new Set(tensors).size === 1 ? `constant (${tensors[0]})` : `varied: ${[...new Set(tensors)].join(', ')}`;
  return `${r.requests} requests: resident memory ${f1(r.afterWarmupMiB)} MiB after the first tenth, ${f1(r.lastMiB)} MiB at the end ` +
    `(max ${f1(r.maxMiB)}; growth ${f1(r.growthMiB)} MiB, slope ${f2(r.slopeMiBPer1000)} MiB per 1000 requests); worker tensors ${flat}.`;
}
