/** Order statistics of timings. */
import { Summary } from './types';

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

/** Median of each key over records that have it. */
export function medianByKey<K extends string>(records: ReadonlyArray<Partial<Record<K, number>>>): Partial<Record<K, number>> {
  const keys = new Set<K>();
  for (const r of records) for (const k of Object.keys(r) as K[]) keys.add(k);
  const out: Partial<Record<K, number>> = {};
  for (const k of keys) {
    const v = records.map((r) => r[k]).filter((x): x is number => typeof x === 'number');
    out[k] = summarize(v).median;
  }
  return out;
}
