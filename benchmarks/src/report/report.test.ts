import { analyze } from '../analysis';
import { BenchReport } from '../run_all';
import { SubjectResult, SubjectSpec } from '../types';
import { renderMarkdown } from './markdown';
import { renderSvg } from './svg';

function spec(id: string): SubjectSpec {
  return { id, kind: id.startsWith('tfjs') ? 'tfjs' : 'ort-web', label: id, threads: 2, simd: true, warmup: 0, runs: 3, profile: false };
}

const counts = [{ detections: 100, detectionRows: 100, rois: 1000 }];
const results: SubjectResult[] = [
  {
    spec: spec('tfjs-wasm-t1'), ok: true, loadMs: 1000, firstRunMs: 3000, counts,
    runs: [1000, 2000, 3000].map((ms) => ({ image: 'a_fit', ms, stages: { backbone: ms / 2, boxHead: ms / 4 } })),
    memory: { peakRssMiB: 700, wasmHeapMiB: 512, tfMemory: { afterLoad: { numTensors: 10, numBytes: 2 ** 20 }, afterRuns: { numTensors: 10, numBytes: 2 ** 20 } } },
  },
  { spec: spec('ort-web-t2'), ok: true, loadMs: 500, firstRunMs: 4500, counts: [{ ...counts[0], rois: null }], runs: [3000, 4000, 5000].map((ms) => ({ image: 'a_fit', ms })), memory: { peakRssMiB: 900 } },
  { spec: spec('ort-node-t2'), ok: false, error: 'skipped: no model_0049.onnx' },
];

function report(): BenchReport {
  return {
    format: 'mrcnn-bench/1', date: '2026-11-25T18:00:00.000Z', command: 'npm run bench -- --quick', mode: 'quick', schedule: 'interleaved',
    machine: { host: 'h', cpu: 'cpu', cores: 2, memGiB: 8, node: 'v20', platform: 'linux x64', loadAvg: [1, 1, 1] },
    inputs: { oracleDir: '/o', widthDiv: 1, images: ['a_fit'], scratchDir: '/s', inputHeight: 320, inputWidth: 480 },
    subjects: results, analysis: analyze(results, 1, 320, 480, ['a_fit']), wallSeconds: 60,
  };
}

describe('analyze', () => {
  const a = analyze(results, 1, 320, 480, ['a_fit']);
  it('ratios within the run: median 2 s vs the reference median 4 s = 0.5', () => {
    const t = a.derived.find((d) => d.id === 'tfjs-wasm-t1')!;
    expect(t.total.median).toBe(2000);
    expect(t.ratios['ort-web-t2']).toBeCloseTo(0.5, 12);
    expect(t.coldMs).toBe(4000);
    expect(t.coldOverWarm).toBe(2);
  });
  it('GFLOP/s = counted FLOPs / median time; per stage from the stage medians', () => {
    const t = a.derived.find((d) => d.id === 'tfjs-wasm-t1')!;
    expect(t.gflops).toBeCloseTo(a.flops.total / 1e9 / 2, 9);
    expect(t.stageGflops.backbone).toBeCloseTo(a.flops.backbone / 1e9 / 1, 9);
    expect(t.stageGflops.boxHead).toBeCloseTo(a.flops.boxHead / 1e9 / 0.5, 9);
  });
  it('flags subjects whose counts differ from 100 detections / 1000 RoIs', () => {
    expect(a.counts.agree).toBe(true);
    const bad = analyze([{ ...results[0], counts: [{ detections: 97, detectionRows: 100, rois: 1000 }] }], 1, 320, 480, ['a_fit']);
    expect(bad.counts.agree).toBe(false);
    expect(bad.counts.problems).toEqual(['tfjs-wasm-t1 a_fit: 97 detections, expected 100']);
  });
});

describe('renderMarkdown', () => {
  const md = renderMarkdown(report());
  it('has one row per subject that ran, with its ratio and cold start', () => {
    expect(md).toContain('| tfjs-wasm-t1 | 2.00 (1.00–3.00, 3) | 0.50 | 4.00 (1.00 + 3.00) | 2.00 |');
    expect(md).toContain('| ort-web-t2 | 4.00 (3.00–5.00, 3) | 1 |');
    expect(md).toContain('- ort-node-t2: skipped: no model_0049.onnx');
    expect(md).toContain('Command: `npm run bench -- --quick`');
  });
  it('has the stage table and the tf.memory line', () => {
    expect(md).toMatch(/\| backbone \(incl\. mean\) \| 1000 \(\d+\.\d\) \|/);
    expect(md).toContain('tfjs-wasm-t1 10 → 10 tensors, 1 → 1 MiB');
  });
});

describe('renderSvg', () => {
  it('draws the stage segments plus the rest for staged subjects and one bar for peers', () => {
    const svg = renderSvg(report());
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('tfjs-wasm-t1 backbone (incl. mean): 1.00 s');
    expect(svg).toContain('tfjs-wasm-t1 read-back, other: 0.50 s');
    expect(svg).toContain('ort-web-t2 whole network (peers): 4.00 s');
  });
});
