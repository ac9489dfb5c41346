/** `mrcnn bench` options (read with the one parser) and the harness resolved by name. */
import { parseArgs } from './args';
import { BENCH_OPTIONS, benchOptions, benchUsage } from './bench_args';
import { benchHarnessAvailable, loadBenchHarness } from './bench_harness';
import { UsageError } from './command';

const SUBJECTS = ['tfjs-wasm-t1', 'ort-web-t2', 'tfjs-cpu'];
const read = (argv: string[]): ReturnType<typeof benchOptions> => benchOptions(parseArgs(argv, BENCH_OPTIONS), SUBJECTS);

describe('mrcnn bench options', () => {
  it('defaults to a full run that writes results', () => {
    expect(read([])).toEqual({ mode: 'full', write: true, timeoutS: 900, roiAlign: true, sequential: false });
  });

  it('reads flags with separate and inline values', () => {
    const o = read(['--quick', '--runs', '5', '--warmup=0', '--subjects', 'tfjs-wasm-t1,ort-web-t2', '--no-write', '--no-roi-align',
      '--images', 'a_fit', '--oracle-dir', 'o', '--out', 'r', '--sequential', '--timeout-s', '60']);
    expect(o).toEqual({
      mode: 'quick', runs: 5, warmup: 0, subjects: ['tfjs-wasm-t1', 'ort-web-t2'], write: false, roiAlign: false,
      images: ['a_fit'], oracleDir: 'o', outDir: 'r', sequential: true, timeoutS: 60,
    });
  });

  it('names the bad option or value', () => {
    expect(() => read(['--fast'])).toThrow(new UsageError('unknown option --fast'));
    expect(() => read(['--runs', '0'])).toThrow('--runs must be an integer in [1, 1000000], got "0"');
    expect(() => read(['--subjects', 'tfjs-gpu'])).toThrow('unknown subject(s) tfjs-gpu; known: tfjs-wasm-t1, ort-web-t2, tfjs-cpu');
    expect(() => read(['--quick', '--full'])).toThrow('--quick and --full exclude each other');
    expect(() => read(['extra'])).toThrow('unexpected argument extra');
  });

  it('lists the harness subjects in its help', () => {
    expect(benchUsage(SUBJECTS)).toMatch(/--subjects a,b {8}only these subjects: tfjs-wasm-t1, ort-web-t2, tfjs-cpu\n/);
  });
});

describe('the harness, resolved by name', () => {
  it('is found in the repository and has the API the command calls', () => {
    expect(benchHarnessAvailable()).toBe(true);
    const h = loadBenchHarness();
    expect(h.SUBJECT_IDS).toContain('tfjs-wasm-t1');
    expect([typeof h.runBench, typeof h.renderMarkdown, typeof h.writeReport]).toEqual(['function', 'function', 'function']);
  });
});
