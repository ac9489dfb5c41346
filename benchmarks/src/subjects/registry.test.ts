import { planSubjects, SUBJECT_IDS } from './registry';

describe('planSubjects', () => {
  it('quick: wasm, onnxruntime and PyTorch with 1 warm-up + 3 runs; no cpu', () => {
    const q = planSubjects({ mode: 'quick' });
    expect(q.map((s) => s.id)).toEqual(['tfjs-wasm-t1', 'tfjs-wasm-t2', 'ort-node-t2', 'ort-web-t1', 'ort-web-t2', 'pytorch-t1']);
    expect(q.every((s) => s.warmup === 1 && s.runs === 3)).toBe(true);
  });
  it('full: every subject; the slow ones get fewer runs', () => {
    const f = planSubjects({ mode: 'full' });
    expect(f.map((s) => s.id)).toEqual(SUBJECT_IDS);
    expect(f.find((s) => s.id === 'tfjs-cpu')).toMatchObject({ warmup: 0, runs: 2, backend: 'cpu' });
    expect(f.find((s) => s.id === 'ort-web-t2')).toMatchObject({ warmup: 2, runs: 6, threads: 2 });
  });
  it('explicit subjects and counts override the mode', () => {
    expect(planSubjects({ mode: 'quick', only: ['tfjs-cpu'], runs: 1, warmup: 0 })).toEqual([
      expect.objectContaining({ id: 'tfjs-cpu', runs: 1, warmup: 0 }),
    ]);
    expect(() => planSubjects({ mode: 'quick', only: ['nope'] })).toThrow(/nope/);
  });
});
