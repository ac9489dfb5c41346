/** Longer fuzzing run: `node dist/fuzz/run.js [runsPerTarget] [seed]`; exits 1 on the first untyped failure. */
import { fuzz } from './mutate';
import { isTypedError, targets } from './targets';

function main(): number {
  const runs = Number(process.argv[2] ?? 2000);
  const seed = Number(process.argv[3] ?? Date.now() % 100000);
  for (const t of targets()) {
    const n = t.name.startsWith('ir') || t.name === 'pth-model' ? Math.max(1, Math.floor(runs / 20)) : runs;
    const started = Date.now();
    try {
      const r = fuzz(t.seed(), n, seed, t.read, isTypedError);
      process.stdout.write(`${t.name}: ${r.runs} runs (seed ${seed}), ${r.accepted} read, ${r.rejected} refused, ${Date.now() - started} ms\n`);
    } catch (e) {
      process.stderr.write(`${t.name}: ${(e as Error).message}\n`);
      return 1;
    }
  }
  return 0;
}

process.exitCode = main();
