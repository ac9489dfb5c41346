/**
 * The README's set-up on a fresh clone: a `git clone` of the repository's committed HEAD (no
 * dist/, no node_modules) into a temporary directory, then `npm ci`, `npm run web:build` (the demo
 * page: it builds the packages the page imports first) and `npm run demo` (the default model on its
 * demo image with its own score threshold). None of them may print an npm warning: the former
 * `onnxruntime-node-install=skip` of .npmrc made npm 11 print `npm warn Unknown project config` on
 * every command, and `web:build` failed on a fresh clone before the packages were built.
 * Slow (npm ci, builds, a detect): `npm run test:packaging`. Uncommitted changes are not tested.
 * The temporary clone is removed in teardown.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../helpers/paths';

const STEP_TIMEOUT_MS = 8 * 60 * 1000;

let tmp: string;
let clone: string;

/** The environment of a fresh shell: no npm_* variables of an enclosing `npm run`. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, npm_config_update_notifier: 'false' };
}

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: cleanEnv(), timeout: STEP_TIMEOUT_MS, maxBuffer: 64 << 20 });
}

/** The lines of npm's warnings in a command's output. */
const npmWarnings = (r: SpawnSyncReturns<string>): string[] => `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /^npm warn/i.test(l));

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-clone-'));
  clone = path.join(tmp, 'mrcnn');
  const r = run('git', ['clone', '--quiet', REPO_ROOT, clone], tmp);
  if (r.status !== 0) throw new Error(`git clone ${REPO_ROOT} exited ${r.status}: ${r.stderr}`);
});

afterAll(() => {
  if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a fresh clone', () => {
  it('has no build output to start from', () => {
    expect(fs.existsSync(path.join(clone, 'node_modules'))).toBe(false);
    expect(fs.existsSync(path.join(clone, 'packages', 'model', 'dist'))).toBe(false);
  });

  it('npm ci: no npm warning', () => {
    const r = run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], clone);
    expect({ status: r.status, warnings: npmWarnings(r) }).toEqual({ status: 0, warnings: [] });
  });

  it('npm run web:build builds the packages the page imports, then the page; no npm warning', () => {
    const r = run('npm', ['run', 'web:build'], clone);
    expect({ status: r.status, warnings: npmWarnings(r) }).toEqual({ status: 0, warnings: [] });
    expect(fs.existsSync(path.join(clone, 'packages', 'model', 'dist', 'esm', 'index.mjs'))).toBe(true);
    expect(fs.readFileSync(path.join(clone, 'examples', 'web', 'dist', 'index.html'), 'utf8')).toContain('<script');
  });

  it('npm run demo finds the demo image\'s instances with the default model\'s own threshold; no npm warning', () => {
    const r = run('npm', ['run', 'demo'], clone);
    expect({ status: r.status, warnings: npmWarnings(r) }).toEqual({ status: 0, warnings: [] });
    const doc = JSON.parse(fs.readFileSync(path.join(clone, 'demo-output', 'demo.json'), 'utf8')) as {
      model: string; scoreThreshold: number; instances: Array<{ score: number }>;
    };
    expect([doc.model, doc.scoreThreshold]).toEqual(['mrcnn-shapes-default', 0.3]);
    expect(doc.instances.length).toBeGreaterThan(0);
    expect(doc.instances.every((d) => d.score >= 0.3)).toBe(true);
    expect(fs.statSync(path.join(clone, 'demo-output', 'demo.png')).size).toBeGreaterThan(1000);
  });
});
