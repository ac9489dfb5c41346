#!/usr/bin/env node
/**
 * `npm run fuzz [-- RUNS [SEED]]`: the fuzz targets of test/fuzz with a longer budget. RUNS runs
 * per target (default FUZZ_RUNS or 1000: about two minutes in all; the IR targets run a tenth,
 * ONNX and model.json half). SEED (or FUZZ_SEED) replays a reported failure; FUZZ_SHRINK=1
 * shrinks a failing input to its smallest edit list. Exits non-zero on any untyped exception.
 */
import { spawnSync } from 'child_process';
import { createRequire } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const [runs = process.env.FUZZ_RUNS ?? '1000', seed = process.env.FUZZ_SEED] = process.argv.slice(2);
const env = { ...process.env, FUZZ_RUNS: runs };
if (seed !== undefined) env.FUZZ_SEED = seed;
const jest = require.resolve('jest/bin/jest');
const r = spawnSync(process.execPath, [jest, 'test/fuzz', '--maxWorkers=1', '--testTimeout=3600000'], { cwd: root, env, stdio: 'inherit' });
process.exitCode = r.status ?? 1;
