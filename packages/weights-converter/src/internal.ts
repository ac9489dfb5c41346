/**
 * @mrcnn/weights-converter/internal: pieces that are not the package's API but that the fuzz
 * tests and the benchmarks use. No stability promise. The public API is ./index.
 */
// seeded mutation fuzzing of the readers (test/fuzz, npm run fuzz) and its PRNG (benchmark workloads)
export { fuzz, mutate, prng } from './fuzz/mutate';
export type { FuzzReport } from './fuzz/mutate';
export { tinyOnnx } from './fuzz/targets';
