#!/usr/bin/env node
/**
 * Packages the trained default model into packages/model/default-model/:
 *   model.json + weight shards (the weights converter on <out>/model_final.pth, float32),
 *   labels.json (background + synthetic.CLASSES),
 *   demo.png + demo_instances.json (held-out synthetic image, seed --demo-seed, and its COCO annotations).
 *
 *   node tools/train_default/package_default.mjs [--pth .cache/train_default/model_final.pth] [--demo-seed 13]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleEntry, cliEntry, ROOT } from './bundle_src.mjs';

const args = { pth: join(ROOT, '.cache/train_default/model_final.pth'), 'demo-seed': '13' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  if (!(key in args) || argv[i + 1] === undefined) {
    console.error('usage: package_default.mjs [--pth model_final.pth] [--demo-seed N]');
    process.exit(2);
  }
  args[key] = argv[i + 1];
}

const OUT = join(ROOT, 'packages/model/default-model');
const py = (code) => execFileSync('/usr/bin/python3', ['-c', code], { cwd: join(ROOT, 'tools/train_default'), encoding: 'utf8' });
const work = mkdtempSync(join(tmpdir(), 'mrcnn-default-'));
try {
  const classes = JSON.parse(py('import json, synthetic; print(json.dumps(list(synthetic.CLASSES)))'));
  const labels = join(OUT, 'labels.json');
  writeFileSync(labels, `${JSON.stringify(['background', ...classes])}\n`);

  const converted = join(work, 'model');
  const bundle = await bundleEntry('convert', cliEntry('convert'));
  // Its own name and a default score threshold: a small, briefly trained model scores its shapes 0.15..0.6.
  execFileSync(process.execPath, [bundle, args.pth, '-o', converted, '--labels', labels, '--name', 'mrcnn-shapes-default', '--default-score', '0.3'],
    { stdio: 'inherit' });
  for (const f of readdirSync(OUT)) if (f === 'model.json' || f.endsWith('.bin')) unlinkSync(join(OUT, f));
  for (const f of readdirSync(converted)) copyFileSync(join(converted, f), join(OUT, f));

  const seed = Number(args['demo-seed']);
  const split = join(work, 'demo');
  execFileSync('/usr/bin/python3', [join(ROOT, 'tools/train_default/synthetic.py'), '--out', split, '--count', '1', '--seed-base', String(seed)], { stdio: 'inherit' });
  const inst = JSON.parse(readFileSync(join(split, 'instances.json'), 'utf8'));
  copyFileSync(join(split, 'images', inst.images[0].file_name), join(OUT, 'demo.png'));
  inst.images[0].file_name = 'demo.png';
  writeFileSync(join(OUT, 'demo_instances.json'), JSON.stringify(inst));
  console.log(`packaged into ${OUT}: ${readdirSync(OUT).sort().join(', ')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
