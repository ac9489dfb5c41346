/**
 * Writes a directory of files all or nothing: into a fresh sibling temp directory, then one rename.
 * On any failure the temp directory is removed and `outDir` is left as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConverterError } from '../errors';

export class OutputExistsError extends ConverterError {}

export interface OutputFile { name: string; bytes: Uint8Array | string }

export function writeDirAtomically(outDir: string, files: readonly OutputFile[], overwrite: boolean): void {
  const target = path.resolve(outDir);
  const exists = fs.existsSync(target);
  if (exists && !overwrite && (!fs.statSync(target).isDirectory() || fs.readdirSync(target).length > 0)) {
    throw new OutputExistsError('output directory exists and is not empty (use --force to replace it)', { file: outDir });
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.tmp-`));
  try {
    for (const f of files) {
      if (f.name.includes('/') || f.name.includes('\\') || f.name.startsWith('.')) throw new Error(`bad output name ${f.name}`);
      fs.writeFileSync(path.join(tmp, f.name), f.bytes);
    }
    if (exists) {
      const old = `${tmp}.old`;
      fs.renameSync(target, old);
      fs.renameSync(tmp, target);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(tmp, target);
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
