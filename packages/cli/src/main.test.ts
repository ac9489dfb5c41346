/** The dispatcher: help, the one exit-code convention of every command, error reporting. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultModelPath } from '@mrcnn/model';
import { MODEL_SCHEMA_VERSION } from '@mrcnn/schema';
import { COMMANDS, main, mainUsage } from './main';
import { captureIO as capture } from '../../../test/helpers/capture_io';

describe('mrcnn', () => {
  it('lists every command (bench too: @mrcnn/benchmarks resolves in the repository)', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out()).toBe(mainUsage());
    const listed = c.out().split('\n').filter((l) => /^ {2}\w/.test(l)).map((l) => l.trim().split(' ')[0]);
    expect(listed).toEqual(['detect', 'info', 'models', 'convert', 'eval', 'video', 'enqueue', 'worker', 'status', 'collect', 'serve', 'bench']);
    const none = capture();
    expect(await main([], none.io)).toBe(2);
    expect(none.err()).toBe(mainUsage());
  });

  it('an unknown command is a usage error', async () => {
    const c = capture();
    expect(await main(['frobnicate'], c.io)).toBe(2);
    expect(c.err()).toMatch(/^mrcnn: unknown command 'frobnicate'\n/);
  });

  it.each(COMMANDS.map((cmd) => [cmd.name]))('%s: --help exits 0, an unknown option exits 2 naming it', async (name) => {
    const help = capture();
    expect(await main([name, '--help'], help.io)).toBe(0);
    expect(help.out()).toMatch(new RegExp(`^Usage: mrcnn ${name} `));
    const bad = capture();
    expect(await main([name, '--bogus'], bad.io)).toBe(2);
    expect(bad.err()).toBe(`mrcnn ${name}: unknown option --bogus\n(mrcnn ${name} --help for usage)\n`);
  });

  it('a runtime failure exits 1 with the typed error', async () => {
    const c = capture();
    const missing = path.join(os.tmpdir(), 'mrcnn-no-such-model');
    expect(await main(['info', missing], c.io)).toBe(1);
    expect(c.err()).toBe(`mrcnn info: ModelLoadError: ${missing}: no such file or directory\n`);
    const serve = capture();
    expect(await main(['serve', '--model', missing], serve.io)).toBe(1);
    expect(serve.err()).toBe(`mrcnn serve: ModelLoadError: ${missing}: no such file or directory\n`);
  });

  it('serve: bad option values are usage errors', async () => {
    for (const [args, message] of [
      [['--port', '70000'], '--port must be an integer in [0, 65535], got "70000"'],
      [['--workers', '0'], '--workers must be an integer in [1, 256], got "0"'],
      [['--queue', '-1'], '--queue must be an integer in [0, 100000], got "-1"'],
      [['--backend', 'webgl'], '--backend must be one of cpu, wasm, got "webgl"'],
      [['--name', 'a/b'], '--name must be letters, digits, \'_\', \'-\' or \'.\', got "a/b"'],
      [['model-dir'], 'serve takes no arguments, got "model-dir" (use --model)'],
    ] as const) {
      const c = capture();
      expect(await main(['serve', ...args], c.io)).toBe(2);
      expect(c.err().split('\n')[0]).toBe(`mrcnn serve: ${message}`);
    }
  });

  it('info reads model.json as load() does: a newer schema version is refused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-info-'));
    try {
      const json = JSON.parse(fs.readFileSync(defaultModelPath(), 'utf8')) as { userDefinedMetadata: Record<string, unknown> };
      const ok = capture();
      expect(await main(['info', path.dirname(defaultModelPath()), '--json'], ok.io)).toBe(0);
      json.userDefinedMetadata.schemaVersion = MODEL_SCHEMA_VERSION + 1;
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
      const c = capture();
      expect(await main(['info', dir], c.io)).toBe(1);
      expect(c.err()).toMatch(new RegExp(`^mrcnn info: ModelLoadError: .*model\\.json: userDefinedMetadata\\.schemaVersion ${MODEL_SCHEMA_VERSION + 1} is newer than ${MODEL_SCHEMA_VERSION}.*upgrade @mrcnn/model\n$`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
