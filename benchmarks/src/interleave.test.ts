/**
 * The interleaved schedule on the committed K=8 fixtures: served worker processes (benchmarks/dist,
 * made by `npm run build`), round-robin runs, skipped subjects reported with their reason.
 */
import * as os from 'os';
import * as path from 'path';
import { ORACLE_K8 } from './inputs';
import { runInterleaved } from './interleave';
import { planSubjects } from './subjects/registry';
import { BenchInputs } from './types';

const inputs: BenchInputs = { oracleDir: ORACLE_K8, widthDiv: 8, images: ['astronaut_fit', 'chelsea_fit'], scratchDir: path.join(os.tmpdir(), 'mrcnn-bench-test') };

describe('runInterleaved', () => {
  it('runs two subjects round-robin over both images, reports a skipped one, and gets the counts', async () => {
    const specs = planSubjects({ mode: 'quick', only: ['tfjs-wasm-t1', 'ort-node-t1', 'pytorch-t1'], warmup: 0, runs: 2 })
      .map((s) => ({ ...s, profile: false }));
    const lines: string[] = [];
    const results = await runInterleaved(specs, inputs, { update: () => undefined, done: (t) => lines.push(t) }, {
      timeoutMs: 120000,
      skip: async (s) => (s.kind === 'pytorch' ? 'skipped: test' : undefined),
    });
    expect(results.map((r) => [r.spec.id, r.ok])).toEqual([['tfjs-wasm-t1', true], ['ort-node-t1', true], ['pytorch-t1', false]]);
    expect(results[2].error).toBe('skipped: test');
    for (const r of results.slice(0, 2)) {
      expect(r.error).toBeUndefined();
      expect(r.runs!.map((x) => x.image)).toEqual(['astronaut_fit', 'chelsea_fit']);
      expect(r.counts!.map((c) => c.detections)).toEqual([100, 100]);
      expect(r.loadMs).toBeGreaterThan(0);
      expect(r.memory!.peakRssMiB).toBeGreaterThan(50);
    }
    expect(results[0].runs![0].stages!.maskHead).toBeGreaterThan(0);
    expect(results[0].memory!.tfMemory!.afterRuns).toEqual(results[0].memory!.tfMemory!.afterLoad);
    expect(lines.some((l) => l.startsWith('[load 1/3] tfjs-wasm-t1: cold'))).toBe(true);
  });
});
