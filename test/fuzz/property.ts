/**
 * The fuzzing property: a reader given any input either returns or throws one of the project's
 * typed errors; any other exception fails the run with the shrunk input's edits and the seed that
 * reproduces it. Each run also checks that nothing leaked into `Object.prototype` (a pickle or a
 * JSON manifest must never reach a prototype). Budget: `FUZZ_RUNS` runs per target when set
 * (`npm run fuzz`), else the target's short default (`npm test`).
 */
import * as fc from 'fast-check';

export interface FuzzOutcome { runs: number; accepted: number; rejected: number; errorNames: Map<string, number> }

/** Runs per target: FUZZ_RUNS (scaled by `weight`), or `short` under the normal test run. */
export function budget(short: number, weight = 1): number {
  const env = Number(process.env.FUZZ_RUNS);
  return Number.isFinite(env) && env > 0 ? Math.max(1, Math.round(env * weight)) : short;
}

/** FUZZ_SEED when set (to replay a reported failure), else a seed fixed per target name. */
export function seedFor(name: string): number {
  const env = Number(process.env.FUZZ_SEED);
  if (Number.isInteger(env)) return env;
  let h = 49;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

function prototypeKeys(): string {
  return Object.getOwnPropertyNames(Object.prototype).sort().join(',');
}

/**
 * Asserts the property over `runs` inputs from `input`. `read` may be sync or async; when it
 * returns something that needs releasing (tensors), `release` does it.
 */
export async function fuzzProperty<T>(name: string, input: fc.Arbitrary<Uint8Array>, runs: number,
  read: (bytes: Uint8Array) => T | Promise<T>, isTyped: (e: unknown) => boolean,
  release: (value: T) => void = () => undefined): Promise<FuzzOutcome> {
  const outcome: FuzzOutcome = { runs: 0, accepted: 0, rejected: 0, errorNames: new Map() };
  const protoBefore = prototypeKeys();
  const probe: Record<string, unknown> = {};
  await fc.assert(fc.asyncProperty(input, async (bytes) => {
    outcome.runs++;
    try {
      release(await read(bytes));
      outcome.accepted++;
    } catch (e) {
      if (!isTyped(e)) {
        const err = e instanceof Error ? e : new Error(String(e));
        throw new Error(`${name}: untyped ${err.name}: ${err.message}\n${err.stack ?? ''}`);
      }
      outcome.rejected++;
      const n = (e as Error).name;
      outcome.errorNames.set(n, (outcome.errorNames.get(n) ?? 0) + 1);
    }
    if (prototypeKeys() !== protoBefore || Object.keys(probe).length !== 0 || '__mrcnn_fuzz' in probe) {
      throw new Error(`${name}: Object.prototype was modified`);
    }
  }), { numRuns: runs, seed: seedFor(name), endOnFailure: process.env.FUZZ_SHRINK === undefined });
  return outcome;
}

/** One line per target for the fuzz log (`npm run fuzz` prints these). */
export function describeOutcome(name: string, o: FuzzOutcome): string {
  const errs = [...o.errorNames].map(([k, v]) => `${k} ${v}`).join(', ');
  return `${name}: ${o.runs} runs, ${o.accepted} read, ${o.rejected} refused${errs ? ` (${errs})` : ''}`;
}
