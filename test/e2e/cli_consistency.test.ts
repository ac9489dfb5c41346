/**
 * The `mrcnn` commands behave alike where a user expects them to: one help layout (usage line,
 * options listing every option the command accepts, one exit-code line), `--version`, `-o` for
 * `--out`; detect refuses a directory without images (usage error), says which subdirectories it
 * did not search, and keeps x.jpg's and x.png's overlays apart; eval offers only the backends that
 * run in Node, checks --images before loading anything, and refuses to map a model's classes onto
 * categories they do not name unless told how (--class-map).
 * Help checks run in-process (`main` of @mrcnn/cli); the rest spawn the built bin (`npm run build` first).
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COMMANDS, main } from '@mrcnn/cli';
import { FIXTURES, IMAGES, REPO_ROOT } from '../helpers/paths';
import { captureIO as capture } from '../helpers/capture_io';

const CLI = path.join(REPO_ROOT, 'packages', 'cli', 'dist', 'main.js');
const DEMO = path.join(REPO_ROOT, 'packages', 'model', 'default-model', 'demo.png');
const COCO_MINI = path.join(FIXTURES, 'coco-val2017-mini');
let tmp: string;

function mrcnn(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 600000 });
}

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build before these tests`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-cli-consistency-'));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('help', () => {
  it.each(COMMANDS.map((c) => [c.name, c]))('%s --help: the common layout, every accepted option listed, the exit codes', async (name, command) => {
    const c = capture();
    expect(await main([name, '--help'], c.io)).toBe(0);
    const text = c.out();
    expect(text.startsWith(`Usage: mrcnn ${name} `)).toBe(true);
    expect(text).toMatch(/\n\nOptions:\n/);
    expect(text).toMatch(/\n {2}-h, --help +this help\n/);
    expect(text).toMatch(/\n\nExit codes: 0 [^\n]+; 1 [^\n]+; 2 usage error\.\n$/);
    for (const [option, spec] of Object.entries(command.options)) {
      expect({ option, listed: text.includes(`--${option}`) }).toEqual({ option, listed: true });
      if (spec.short !== undefined) expect(text).toContain(`-${spec.short}, --${option}`);
    }
  });

  it('mrcnn --version prints the package version; --help lists it', async () => {
    const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'packages', 'cli', 'package.json'), 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-V']) {
      const c = capture();
      expect(await main([flag], c.io)).toBe(0);
      expect(c.out()).toBe(`mrcnn (@mrcnn/cli) ${version}\n`);
    }
    const help = capture();
    await main(['--help'], help.io);
    expect(help.out()).toContain('-V, --version');
    expect(help.out()).toMatch(/Exit codes: 0 ok; 1 runtime error; 2 usage error\. \(every command\)\n$/);
  });
});

describe('detect', () => {
  it('a directory without images is a usage error naming it', () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(path.join(empty, 'nested'), { recursive: true });
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'no images here');
    const r = mrcnn(['detect', empty, '-o', path.join(tmp, 'out-empty')]);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`mrcnn detect: ${empty}: no PNG or JPEG images in this directory (subdirectories are not searched: nested)`);
  });

  it('-o is --out; x.jpg and x.png get two overlays; skipped subdirectories are named', () => {
    const dir = path.join(tmp, 'pair');
    fs.mkdirSync(path.join(dir, 'more'), { recursive: true });
    fs.copyFileSync(DEMO, path.join(dir, 'x.png'));
    fs.copyFileSync(path.join(IMAGES, 'rocket.jpg'), path.join(dir, 'x.jpg'));
    const out = path.join(tmp, 'out-pair');
    const r = mrcnn(['detect', dir, '-o', out, '--workers', '1']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`note: ${dir}: 1 subdirectory not searched (more): name them on the command line to include them`);
    expect(fs.readdirSync(path.join(out, 'pair')).sort()).toEqual(['x.png', 'x_2.png']);
    expect(fs.existsSync(path.join(out, 'pair.results.json'))).toBe(true);
  });
});

describe('eval', () => {
  const annotations = path.join(COCO_MINI, 'instances_val2017.json');

  it('offers and accepts only backends that run in Node: webgl is a usage error', async () => {
    const help = capture();
    await main(['eval', '--help'], help.io);
    expect(help.out()).toContain('--backend cpu|wasm ');
    const r = capture();
    expect(await main(['eval', '--annotations', annotations, '--images', COCO_MINI, '--backend', 'webgl'], r.io)).toBe(2);
    expect(r.err()).toContain('--backend must be one of cpu, wasm, got "webgl"');
  });

  it('a missing --images folder is a usage error before anything loads', async () => {
    const r = capture();
    const missing = path.join(tmp, 'no-such-images');
    expect(await main(['eval', '--annotations', annotations, '--images', missing], r.io)).toBe(2);
    expect(r.err().split('\n')[0]).toBe(`mrcnn eval: --images ${missing}: no such directory`);
  });

  it('the shapes model on COCO: refused without --class-map (its classes are not COCO categories)', () => {
    const r = mrcnn(['eval', '--annotations', annotations, '--images', path.join(COCO_MINI, 'val2017'), '--quiet']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("mrcnn eval: the model's classes (circle, square, triangle, star, ring, … (6)) are not the data set's categories "
      + '(person, bicycle, car, motorcycle, airplane, … (80)): pass --class-map contiguous, identity or a JSON file mapping them');
  });

  it('--class-map with a file maps named classes; an unknown class in it is a usage error', async () => {
    const good = path.join(tmp, 'map.json');
    fs.writeFileSync(good, JSON.stringify({ circle: 37 }));
    const demoDir = path.dirname(DEMO);
    const ok = mrcnn(['eval', '--annotations', annotations, '--images', path.join(COCO_MINI, 'val2017'), '--class-map', good, '--limit', '1', '--quiet',
      '--iou-type', 'bbox']);
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toMatch(/^bbox:\n Average Precision/);
    const bad = path.join(tmp, 'bad-map.json');
    fs.writeFileSync(bad, JSON.stringify({ hexagon: 1 }));
    const r = capture();
    expect(await main(['eval', '--annotations', path.join(demoDir, 'demo_instances.json'), '--images', demoDir, '--class-map', bad], r.io)).toBe(2);
    expect(r.err().split('\n')[0]).toBe(`mrcnn eval: --class-map ${bad}: "hexagon" is not a class of the model (circle, square, triangle, star, ring, … (6))`);
  });
});
