/**
 * Paths of the converter's committed fixtures and the oracle's (which may not exist yet), and
 * temporary directories: shared by the converter's unit tests, test/converter and the cli's tests.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { WeightMap } from '@mrcnn/weights-converter';
import { readTensorDump, tensorDumpExists, TensorDump } from './tensor_dump';

export const REPO = path.resolve(__dirname, '..', '..');
export const CONVERTER_FIXTURES = path.join(REPO, 'test', 'fixtures', 'converter');
export const ORACLE_K8 = path.join(REPO, 'test', 'fixtures', 'oracle-k8');
export const ORACLE_TV_K8 = path.join(REPO, 'test', 'fixtures', 'oracle-tv-k8');

export function fixture(name: string): string {
  return path.join(CONVERTER_FIXTURES, name);
}

export function readBytes(file: string): Uint8Array {
  const b = fs.readFileSync(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function dump(stem: string): TensorDump {
  return readTensorDump(stem);
}

export { tensorDumpExists };

/** Asserts the map holds exactly the dump's tensors with identical shapes and values. */
export function expectEqualsDump(map: WeightMap, d: TensorDump, tol = 0): void {
  expect([...map.keys()].sort()).toEqual([...d.tensors.keys()].sort());
  for (const [name, t] of d.tensors) {
    const got = map.get(name)!;
    // tensorio writes 0-d tensors with shape [1] (np.ascontiguousarray): compare those as scalars.
    const gotShape = got.shape.length === 0 ? [1] : got.shape;
    expect({ name, shape: gotShape }).toEqual({ name, shape: t.shape });
    if (tol === 0) {
      expect({ name, equal: Buffer.from(new Float32Array(got.data).buffer).equals(Buffer.from(new Float32Array(t.data).buffer)) })
        .toEqual({ name, equal: true });
    } else {
      let max = 0;
      for (let i = 0; i < t.data.length; i++) max = Math.max(max, Math.abs(got.data[i] - t.data[i]));
      expect({ name, ok: max <= tol }).toEqual({ name, ok: true });
    }
  }
}

const madeDirs: string[] = [];

/** A fresh directory under the OS temp dir, removed by `removeTempDirs()` (call it in afterAll). */
export function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  madeDirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of madeDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}
