/** The dispatcher: help, the one exit-code convention of every command, error reporting. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultModelPath } from '@mrcnn/model';
import { MODEL_SCHEMA_VERSION } from '@mrcnn/schema';
import { COMMANDS, main, mainUsage } from './main';

function capture(): { io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean } }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: (s: string) => ((err += s), true) } },
    out: () => out,
    err: () => err,
  };
}

describe('mrcnn', () => {
  it('lists every command (bench too: @mrcnn/benchmarks resolves in the repository)', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out()).toBe(mainUsage());
    const listed = c.out().split('\n').filter((l) => /^ {2}\w/.test(l)).map((l) => l.trim().split(' ')[0]);
    expect(listed).toEqual(['detect', 'info', 'convert', 'eval', 'video', 'enqueue', 'worker', 'status', 'collect', 'bench']);
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
    expect(help.out()).toMatch(new RegExp(`^usage: mrcnn ${name}`, 'i'));
    const bad = capture();
    expect(await main([name, '--bogus'], bad.io)).toBe(2);
    expect(bad.err()).toBe(`mrcnn ${name}: unknown option --bogus\n(mrcnn ${name} --help for usage)\n`);
  });

  it('a runtime failure exits 1 with the typed error', async () => {
    const c = capture();
    const missing = path.join(os.tmpdir(), 'mrcnn-no-such-model');
    expect(await main(['info', missing], c.io)).toBe(1);
    expect(c.err()).toBe(`mrcnn info: ModelLoadError: ${missing}: no such file or directory\n`);
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
