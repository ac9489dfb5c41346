/**
 * External data of an ONNX model (`save_as_external_data`, torch.onnx above 2 GiB): the files its
 * tensors name by `location`, read from the model's own directory only. A location that is absolute,
 * climbs out of the directory (`..`), or resolves through a symlink to a file outside it is refused;
 * each file is read once, and all of them together stay within the input size limit (MAX_INPUT_BYTES).
 */
import * as fs from 'fs';
import * as path from 'path';
import { WeightsFormatError } from '../errors';
import { ExternalDataReader } from '../onnx/tensor';
import { MAX_INPUT_BYTES, Progress, readInputFile } from './read_input';

function inside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export function externalDataReader(modelFile: string, onProgress?: Progress, maxTotalBytes = MAX_INPUT_BYTES): ExternalDataReader {
  const dir = path.resolve(path.dirname(modelFile));
  const cache = new Map<string, Uint8Array>();
  let total = 0;
  return (location, tensor) => {
    const hit = cache.get(location);
    if (hit !== undefined) return hit;
    const refuse = (why: string): WeightsFormatError => new WeightsFormatError(`external data location "${location}" ${why}`, { file: modelFile, tensor });
    if (location.includes('\0') || path.isAbsolute(location) || /^[a-zA-Z]:|^[\\/]/.test(location) || location.includes('\\')) {
      throw refuse('is not a relative path inside the model\'s directory');
    }
    const p = path.resolve(dir, location);
    if (!inside(dir, p)) throw refuse('leaves the model\'s directory');
    let real: string;
    try {
      real = fs.realpathSync(p);
    } catch (e) {
      throw refuse(`cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (it must lie beside the .onnx file)`);
    }
    if (!inside(fs.realpathSync(dir), real)) throw refuse('resolves (through a link) outside the model\'s directory');
    const size = fs.statSync(real).size;
    if (total + size > maxTotalBytes) throw refuse(`would bring the external data to ${total + size} bytes, more than the ${maxTotalBytes} accepted`);
    const bytes = readInputFile(real, onProgress, maxTotalBytes - total, false);
    total += bytes.length;
    cache.set(location, bytes);
    return bytes;
  };
}
