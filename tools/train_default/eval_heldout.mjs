#!/usr/bin/env node
/**
 * Box and mask AP of a model on the held-out synthetic split, with the project's COCO evaluator.
 *
 *   node tools/train_default/eval_heldout.mjs [--count 100] [--model packages/model/default-model]
 *        [--backend wasm|cpu] [--out .cache/heldout/stats.json]
 *
 * 1. writes the split with synthetic.py (seeds 0 .. count-1; training uses seeds from 1,000,000)
 *    as COCO annotations + PNGs into a temporary directory;
 * 2. runs `mrcnn eval` (@mrcnn/cli, bundled from source) on it;
 * 3. prints both summaries and writes the statistics JSON.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { bundleEntry, cliEntry, ROOT } from './bundle_src.mjs';

const args = { count: '100', model: join(ROOT, 'packages/model/default-model'), backend: 'wasm', out: join(ROOT, '.cache/heldout/stats.json') };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  if (!(key in args) || argv[i + 1] === undefined) {
    console.error('usage: eval_heldout.mjs [--count N] [--model dir] [--backend wasm|cpu] [--out stats.json]');
    process.exit(2);
  }
  args[key] = argv[i + 1];
}

const work = mkdtempSync(join(tmpdir(), 'mrcnn-heldout-'));
try {
  const split = join(work, 'split');
  execFileSync('/usr/bin/python3', [join(ROOT, 'tools/train_default/synthetic.py'), '--out', split, '--count', args.count, '--seed-base', '0'], { stdio: 'inherit' });
  const bundle = await bundleEntry('eval', cliEntry('eval'));
  mkdirSync(dirname(resolve(args.out)), { recursive: true });
  execFileSync(process.execPath, [bundle, '--annotations', join(split, 'instances.json'), '--images', join(split, 'images'),
    '--model', resolve(args.model), '--backend', args.backend, '--json', resolve(args.out)], { stdio: 'inherit' });
  console.log(`statistics written to ${resolve(args.out)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
